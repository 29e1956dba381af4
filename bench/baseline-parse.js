'use strict';
/**
 * The baseline for `npm run bench`: read each file and parse it with fast-xml-parser (attributes kept, since an
 * audit needs them; no validation, no positions), in one node process. Prints the number of elements seen, so the
 * work cannot be optimised away.
 */
const fs = require('node:fs');
const { XMLParser } = require('fast-xml-parser');

const parser = new XMLParser({ ignoreAttributes: false });
let elements = 0;
const count = (v) => {
  if (v && typeof v === 'object') {
    if (Array.isArray(v)) for (const x of v) count(x);
    else for (const k in v) {
      elements++;
      count(v[k]);
    }
  }
};
for (const file of process.argv.slice(2)) {
  try {
    count(parser.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    /* a malformed file: the baseline just moves on */
  }
}
process.stdout.write(`${elements}\n`);
