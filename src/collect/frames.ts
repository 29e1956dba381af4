import type { CommandEvidence, CommandState, EvidenceBundle, FileEvidence, FileMeta, FileState } from './evidence';
import type { ManifestItem } from './manifest';
import { itemKey } from './manifest';
import { FILE_CAP, headerMarker, SCRIPT_VERSION, STDERR_CAP } from './script';

/**
 * Decodes the stdout of a collection script (grammar in script.ts) into evidence. Never throws on bad input: noise
 * around the output (login banners, an orchestrator's own lines) is ignored, malformed records become problems, and
 * a stream cut short marks every item that did not complete as `error: connection lost`.
 */
export interface DecodedEvidence {
  files: EvidenceBundle['files'];
  dirs: EvidenceBundle['dirs'];
  commands: EvidenceBundle['commands'];
  /** uid the script ran as (-1 when unknown). */
  uid: number;
  live: boolean;
  /** True when the stream reached its end. */
  complete: boolean;
  /** Human-readable notes about the stream (cut, malformed records). */
  problems: string[];
  /** 1-based line of stdout where the body was first found damaged (a base64 line of the wrong length). */
  badLine?: number;
}

/** GNU base64 wraps at 76 characters: every body line but the last has exactly this length. */
const B64_WIDTH = 76;

export const CONNECTION_LOST = 'connection lost';

const B64_LINE = /^[A-Za-z0-9+/=]*$/;
const FILE_STATES = new Set<FileState>(['ok', 'missing', 'denied', 'not-regular', 'too-large', 'error']);
const COMMAND_STATES = new Set<CommandState>(['ok', 'not-found', 'denied', 'not-applicable', 'timeout', 'error']);
const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');

export function parseStat(stat: string): FileMeta {
  if (stat === '-' || stat === '') return {};
  const parts = stat.split(':');
  const meta: FileMeta = {};
  const mode = Number.parseInt(parts[0], 16);
  if (/^[0-9a-f]+$/i.test(parts[0]) && Number.isFinite(mode)) meta.mode = mode;
  const num = (s: string | undefined): number | undefined => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);
  const uid = num(parts[1]);
  const gid = num(parts[2]);
  const size = num(parts[3]);
  if (uid !== undefined) meta.uid = uid;
  if (gid !== undefined) meta.gid = gid;
  if (size !== undefined) meta.size = size;
  if (parts.length >= 6) {
    if (parts[4] !== 'UNKNOWN') meta.owner = parts[4];
    if (parts[5] !== 'UNKNOWN') meta.group = parts.slice(5).join(':');
  }
  return meta;
}

/** Decode text; undefined when the bytes are not UTF-8 (NUL bytes are fine: /proc cmdline, attr/current). */
function text(buf: Buffer): string | undefined {
  try {
    return utf8.decode(buf);
  } catch {
    return undefined;
  }
}

/** Decode a prefix cut at an arbitrary byte: drop an incomplete trailing UTF-8 sequence, then decode strictly. */
function textPrefix(buf: Buffer): string | undefined {
  for (let cut = 0; cut <= 3 && cut < buf.length; cut++) {
    const t = text(buf.subarray(0, buf.length - cut));
    if (t !== undefined) return t;
  }
  return text(buf);
}

function readErrorState(err: string): FileState {
  return /Permission denied|Operation not permitted/.test(err) ? 'denied' : 'error';
}

interface Header {
  type: string;
  state: string;
  stat: string;
}

/** A record of the stream (R): paths and text are latin1 strings, one char per byte, as the batches print them. */
interface Rec {
  type: string;
  state: string;
  flags: string;
  key: string;
  link: string;
  tpath: string;
  text: string;
}

/** A batch's stdout, exit status and stderr (latin1). */
interface Batch {
  out: string;
  rc: number;
  err: string;
}

type StatResult = { meta: FileMeta } | { state: FileState; error: string } | 'lost';
type ReadResult = { body: Buffer } | { rc: number; error: string } | 'lost';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const lenient = (s: string): string => utf8Lenient.decode(bytes(s));
const timedOut = (rc: number): boolean => rc === 124 || rc === 137;

/** The n NUL-terminated fields at the start of a payload, then the rest; undefined when they are not all there. */
function fields(payload: string, n: number): string[] | undefined {
  const out: string[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const z = payload.indexOf('\0', at);
    if (z < 0) return undefined;
    out.push(payload.slice(at, z));
    at = z + 1;
  }
  out.push(payload.slice(at));
  return out;
}

/** stat's own error text → the state the old per-path stat reported. */
function statErrorState(msg: string): FileState {
  if (/Permission denied|Operation not permitted/.test(msg)) return 'denied';
  if (/No such file or directory|Not a directory/.test(msg)) return 'missing';
  return 'error';
}

/**
 * One stat batch over `recs` (in queue order): `name NUL stat NUL` per path stat could read, one stderr line per path
 * it could not (GNU quoting keeps a name on one line), both in argument order.
 */
function resolveStats(recs: Rec[], batch: Batch | undefined, into: Map<Rec, StatResult>): void {
  if (recs.length === 0) return;
  if (!batch) {
    for (const r of recs) into.set(r, 'lost');
    return;
  }
  const f = batch.out.split('\0');
  const errs = batch.err.split('\n').filter((l) => l.trim() !== '');
  let p = 0;
  let e = 0;
  for (const r of recs) {
    if (p + 1 < f.length - 1 && f[p] === r.tpath) {
      into.set(r, { meta: parseStat(f[p + 1]) });
      p += 2;
    } else if (timedOut(batch.rc)) {
      into.set(r, { state: 'error', error: 'stat timed out' });
    } else {
      const msg = lenient(errs[e++] ?? `stat failed (exit ${batch.rc})`);
      into.set(r, { state: statErrorState(msg), error: msg });
    }
  }
}

/** The path as the head/tail batch named it: the run's marker inserted before the last component. */
function markedName(tpath: string, marker: string): string {
  const j = tpath.lastIndexOf('/');
  return `${tpath.slice(0, j)}${marker}${tpath.slice(j)}`;
}

/**
 * One head/tail batch over `recs`: `==> NAME <==` before each file it could open (a blank line between files),
 * NAME carrying the run's marker, which no file content can hold; files it could not open (or read to the end) are
 * named on stderr.
 */
function resolveReads(recs: Rec[], batch: Batch | undefined, marker: string, into: Map<Rec, ReadResult>): void {
  if (recs.length === 0) return;
  if (!batch) {
    for (const r of recs) into.set(r, 'lost');
    return;
  }
  const names = recs.map((r) => markedName(r.tpath, marker));
  const errs = batch.err.split('\n').filter((l) => l.trim() !== '');
  const body = new Map<number, { start: number; end: number }>();
  const out = batch.out;
  let prev: number | undefined;
  let next = 0;
  let from = 0;
  for (;;) {
    const at = out.indexOf(marker, from);
    if (at < 0) break;
    let found = -1;
    let hs = 0;
    let he = 0;
    for (let j = next; j < names.length; j++) {
      const lead = `==> ${names[j]}`;
      const s = at - lead.indexOf(marker);
      const h = `${lead} <==\n`;
      if (s >= 0 && out.startsWith(h, s)) {
        found = j;
        hs = s;
        he = s + h.length;
        break;
      }
    }
    if (found < 0) {
      from = at + 1;
      continue;
    }
    if (prev !== undefined) body.get(prev)!.end = hs > 0 && out[hs - 1] === '\n' ? hs - 1 : hs;
    body.set(found, { start: he, end: out.length });
    prev = found;
    next = found + 1;
    from = he;
  }
  recs.forEach((r, i) => {
    const failed = errs.find((l) => l.includes(names[i]));
    const b = body.get(i);
    if (failed !== undefined) {
      into.set(r, { rc: 1, error: lenient(failed.split(names[i]).join(r.tpath)) });
    } else if (b && !(timedOut(batch.rc) && i === prev)) {
      into.set(r, { body: bytes(out.slice(b.start, b.end)) });
    } else if (timedOut(batch.rc)) {
      into.set(r, { rc: batch.rc, error: 'read timed out' });
    } else {
      into.set(r, { rc: batch.rc || 1, error: lenient(errs.join('\n')) || `read failed (exit ${batch.rc})` });
    }
  });
}

/**
 * The per-subject results of a V record (one virsh process for every subject of an `each` command): the subjects
 * are the lines of the list recorded just before it (as the script split them), each one's stdout what virsh printed
 * after its marker `NONCE` + `D <index>`. virsh goes on after a failed command and exits with the last one's status, so
 * a subject's status is 0 when it printed something, else 1 with the stderr lines naming it.
 */
function virshSubjects(out: DecodedEvidence, nonce: string, key: string, b: Batch, timeoutAvailable: boolean): void {
  const subjects = (out.commands[key]?.stdout ?? '').split('\n').filter((s) => s !== '');
  const marks: { index: number; at: number; end: number }[] = [];
  const re = new RegExp(`${nonce.replace(/[^A-Za-z0-9]/g, '\\$&')}D (\\d+)\\n`, 'g');
  for (const m of b.out.matchAll(re)) marks.push({ index: Number(m[1]), at: m.index ?? 0, end: (m.index ?? 0) + m[0].length });
  const errs = b.err.split('\n').filter((l) => l.trim() !== '');
  subjects.forEach((name, i) => {
    const id = `${key}:${name}`;
    const k = marks.findIndex((m) => m.index === i);
    const stdout = k < 0 ? '' : b.out.slice(marks[k].end, k + 1 < marks.length ? marks[k + 1].at : b.out.length);
    const cut = timedOut(b.rc) && (k < 0 || k === marks.length - 1);
    const rc = cut ? b.rc : k < 0 ? b.rc || 1 : /\S/.test(stdout) ? 0 : 1;
    const own = errs.filter((l) => lenient(l).includes(`'${name}'`));
    const stderr = rc === 0 ? '' : `${(own.length ? own : errs).join('\n')}\n`.replace(/^\n$/, '');
    out.commands[id] = command(id, 'ok', rc, bytes(stdout), lenient(stderr), timeoutAvailable);
  });
}

export function decodeFrames(stdout: Buffer, nonce: string, items: readonly ManifestItem[]): DecodedEvidence {
  const out: DecodedEvidence = { files: {}, dirs: {}, commands: {}, uid: -1, live: false, complete: false, problems: [] };
  const prefix = `${nonce} `;
  let begun = false;
  let timeoutAvailable = false;
  const parts: Buffer[] = [];
  let short: number | undefined;
  const all = stdout.toString('latin1').split('\n');
  for (let n = 0; n < all.length; n++) {
    const raw = all[n];
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith(prefix)) {
      const f = line.slice(prefix.length).split(' ');
      if (f[0] === 'BEGIN' && !begun) {
        begun = true;
        if (f[1] !== String(SCRIPT_VERSION)) out.problems.push(`collector script version ${f[1]} (expected ${SCRIPT_VERSION})`);
        out.live = f[2] === '1';
        timeoutAvailable = f[3] === '1';
        out.uid = /^\d+$/.test(f[4] ?? '') ? Number(f[4]) : -1;
      } else if (f[0] === 'DONE' && begun) break;
      continue;
    }
    // the body: base64 lines (a cut last line still decodes its complete bytes); other lines are noise
    if (begun && line !== '' && B64_LINE.test(line)) {
      // a line shorter than the width, then more: a line of the body was damaged (or a foreign line taken for one)
      if (short !== undefined && out.badLine === undefined) {
        out.badLine = short + 1;
        out.problems.push(`damaged output at line ${short + 1}: a base64 line of ${all[short].replace(/\r$/, '').length} characters inside the body`);
      }
      if (line.length !== B64_WIDTH) short = n;
      parts.push(Buffer.from(line, 'base64'));
    }
  }
  const data = Buffer.concat(parts).toString('latin1');
  const chunks = data.split(`\n${nonce} `);
  const recs: Rec[] = [];
  const batches = new Map<string, Batch>();
  const completed = new Set<number>();
  let run: { key: string; stdout: string } | undefined;
  let virsh: { key: string; stdout: string } | undefined;
  let virshErr = '';
  let batch: { name: string; out: string } | undefined;
  for (let i = 1; i < chunks.length; i++) {
    const c = chunks[i];
    const nl = c.indexOf('\n');
    if (nl < 0) break; // cut inside a tag
    const tag = c.slice(0, nl).split(' ');
    const payload = c.slice(nl + 1);
    if (tag[0] === 'Z') {
      out.complete = true;
      break;
    }
    if (i === chunks.length - 1) break; // cut inside this chunk
    switch (tag[0]) {
      case 'I':
      case 'J':
        run = undefined;
        virsh = undefined;
        batch = undefined;
        if (tag[0] === 'J') completed.add(Number(tag[1]));
        break;
      case 'R': {
        const f = fields(payload, 3);
        if (!f) out.problems.push(`malformed ${tag[1]} record skipped`);
        else recs.push({ type: tag[1] ?? '', state: tag[2] ?? '', flags: tag[3] ?? '', key: lenient(f[0]), link: lenient(f[1]), tpath: f[2], text: f[3] });
        break;
      }
      case 'C': {
        const f = fields(payload, 2);
        if (!f) out.problems.push('malformed C record skipped');
        else out.commands[lenient(f[0])] = command(lenient(f[0]), tag[1] ?? '', 0, bytes(f[2]), '', timeoutAvailable);
        break;
      }
      case 'X': {
        const f = fields(payload, 2);
        if (!f) out.problems.push('malformed X record skipped');
        else run = { key: lenient(f[0]), stdout: f[2] };
        break;
      }
      case 'W':
        virshErr = payload;
        break;
      case 'V': {
        const f = fields(payload, 2);
        if (!f) out.problems.push('malformed V record skipped');
        else virsh = { key: lenient(f[0]), stdout: f[2] };
        break;
      }
      case 'B':
        batch = { name: tag[1] ?? '', out: payload };
        break;
      case 'E': {
        const rc = /^\d+$/.test(tag[1] ?? '') ? Number(tag[1]) : 255;
        if (run) out.commands[run.key] = command(run.key, 'ok', rc, bytes(run.stdout), lenient(payload.slice(-STDERR_CAP)), timeoutAvailable);
        else if (virsh) virshSubjects(out, nonce, virsh.key, { out: virsh.stdout, rc, err: virshErr }, timeoutAvailable);
        else if (batch) batches.set(batch.name, { out: batch.out, rc, err: payload });
        else out.problems.push('exit status without a command');
        run = undefined;
        virsh = undefined;
        batch = undefined;
        break;
      }
      default:
        out.problems.push(`unknown record ${tag[0]}`);
    }
  }

  const marker = headerMarker(nonce);
  const stats = new Map<Rec, StatResult>();
  const reads = new Map<Rec, ReadResult>();
  const pending = recs.filter((r) => r.state === '+');
  resolveStats(pending.filter((r) => r.flags.includes('f')), batches.get('statf'), stats);
  resolveStats(pending.filter((r) => r.flags.includes('l')), batches.get('statl'), stats);
  resolveReads(pending.filter((r) => r.flags.includes('r')), batches.get('head'), marker, reads);
  resolveReads(pending.filter((r) => r.flags.includes('e')), batches.get('tail'), marker, reads);
  const linked = pending.filter((r) => r.flags.includes('k'));
  const lb = batches.get('link');
  const targets = lb && lb.rc === 0 ? lb.out.split('\0') : [];
  if (targets.length === linked.length + 1) linked.forEach((r, i) => (r.link = lenient(targets[i])));

  for (const r of recs) {
    const lost = (): void => {
      if (r.type === 'D') out.dirs[r.key] = { state: 'error', error: CONNECTION_LOST };
      else out.files[r.key] = { path: r.key, state: 'error', error: CONNECTION_LOST };
    };
    const st: StatResult = r.state === '+' ? (stats.get(r) ?? 'lost') : { state: FILE_STATES.has(r.state as FileState) ? (r.state as FileState) : 'error', error: r.text };
    if (st === 'lost') {
      lost();
      continue;
    }
    const meta: FileMeta = 'meta' in st ? { ...st.meta } : {};
    if (r.link) meta.linkTarget = r.link;
    if (r.type === 'D') {
      let state: FileState;
      let body = '';
      if (!('meta' in st)) {
        state = st.state;
        body = st.error;
      } else if (meta.mode === undefined || (meta.mode & 0o170000) !== 0o040000) state = 'not-regular';
      else if (r.flags.includes('d')) {
        state = 'denied';
        body = r.text;
      } else if (r.flags.includes('r')) state = 'ok';
      else {
        state = 'error';
        body = 'changed while it was collected';
      }
      const entry: EvidenceBundle['dirs'][string] = { state, ...meta };
      if (state === 'ok') entry.entries = lenient(r.text).split('/').filter((e) => e !== '').sort();
      else if (state === 'error' || state === 'denied') entry.error = lenient(body) || undefined;
      if (entry.error === undefined) delete entry.error;
      out.dirs[r.key] = entry;
      continue;
    }
    if (r.type !== 'F' && r.type !== 'S' && r.type !== 'L') {
      out.problems.push(`unknown record type ${r.type}`);
      continue;
    }
    if (!('meta' in st)) {
      out.files[r.key] = file(r.key, { type: r.type, state: st.state, stat: '-' }, meta, 0, bytes(st.error), '');
      continue;
    }
    if (r.type !== 'F') {
      out.files[r.key] = file(r.key, { type: r.type, state: 'ok', stat: '' }, meta, 0, Buffer.alloc(0), '');
      continue;
    }
    if (meta.mode === undefined || (meta.mode & 0o170000) !== 0o100000) {
      out.files[r.key] = file(r.key, { type: 'F', state: 'not-regular', stat: '' }, meta, 0, Buffer.alloc(0), '');
      continue;
    }
    if (r.flags.includes('d')) {
      out.files[r.key] = file(r.key, { type: 'F', state: 'ok', stat: '' }, meta, 1, Buffer.alloc(0), `head: cannot open '${lenient(r.tpath)}' for reading: Permission denied`);
      continue;
    }
    const rd: ReadResult = r.flags.includes('c') ? { body: bytes(r.text) } : (reads.get(r) ?? { rc: 1, error: 'changed while it was collected' });
    if (rd === 'lost') {
      lost();
      continue;
    }
    if ('body' in rd) out.files[r.key] = file(r.key, { type: 'F', state: 'ok', stat: '' }, meta, 0, rd.body, '');
    else out.files[r.key] = file(r.key, { type: 'F', state: 'ok', stat: '' }, meta, rd.rc, Buffer.alloc(0), rd.error);
  }

  if (!begun) out.problems.push('no collector output (the script did not start)');
  if (!out.complete) {
    const lost = items.map((it, i) => ({ it, i })).filter(({ i }) => !completed.has(i));
    if (begun) out.problems.push(`output ended early: ${CONNECTION_LOST}; ${lost.length} of ${items.length} items incomplete`);
    for (const { it } of lost) markLost(out, it);
  }
  return out;
}

function markLost(out: DecodedEvidence, item: ManifestItem): void {
  const { section, key } = itemKey(item);
  if (section === 'commands') {
    if (!out.commands[key]) out.commands[key] = { id: key, state: 'error', error: CONNECTION_LOST };
  } else if (section === 'dirs') {
    if (!out.dirs[key]) out.dirs[key] = { state: 'error', error: CONNECTION_LOST };
  } else if (!out.files[key] || item.kind === 'glob' || item.kind === 'procs' || item.kind === 'stat-var') {
    out.files[key] = { path: key, state: 'error', error: CONNECTION_LOST };
  }
}

function file(path: string, h: Header, meta: FileMeta, rc: number, body: Buffer, stderr: string): FileEvidence {
  const state: FileState = FILE_STATES.has(h.state as FileState) ? (h.state as FileState) : 'error';
  const ev: FileEvidence = { path, state, ...meta };
  if (state !== 'ok') {
    if (state === 'error' || state === 'denied') {
      const msg = utf8Lenient.decode(body).trim();
      if (msg) ev.error = msg;
    }
    return ev;
  }
  if (h.type !== 'F') return ev;
  if (rc !== 0 && body.length <= FILE_CAP) {
    // head/tail failed after a successful stat: unreadable (EACCES), vanished, timed out, I/O error.
    ev.state = rc === 124 || rc === 137 ? 'error' : readErrorState(stderr);
    ev.error = rc === 124 || rc === 137 ? 'read timed out' : stderr.trim() || `read failed (exit ${rc})`;
    return ev;
  }
  let content = body;
  if (body.length > FILE_CAP) {
    content = body.subarray(0, FILE_CAP);
    ev.state = 'too-large';
    ev.truncated = true;
  } else if (meta.size !== undefined && meta.size > FILE_CAP && body.length === FILE_CAP) {
    // fromEnd read of a large regular file (tail -c)
    ev.state = 'too-large';
    ev.truncated = true;
  }
  const t = ev.truncated ? textPrefix(content) : text(content);
  if (t === undefined) {
    ev.state = 'error';
    ev.error = 'binary content (not UTF-8 text); not kept';
    delete ev.truncated;
    return ev;
  }
  ev.content = t;
  return ev;
}

function command(id: string, hstate: string, rc: number, body: Buffer, stderr: string, timeoutAvailable: boolean): CommandEvidence {
  const state: CommandState = COMMAND_STATES.has(hstate as CommandState) ? (hstate as CommandState) : 'error';
  const ev: CommandEvidence = { id, state };
  if (state !== 'ok') {
    const msg = utf8Lenient.decode(body).trim();
    if (msg) ev.error = msg;
    return ev;
  }
  let out = body;
  if (out.length > FILE_CAP) {
    out = out.subarray(0, FILE_CAP);
    ev.truncated = true;
    ev.error = `output larger than the ${FILE_CAP / 1048576} MiB evidence limit; truncated`;
  }
  if (rc === 127 && /not found|failed to run command/.test(stderr)) {
    // a program the snippet calls beyond its declared `requires`
    ev.state = 'not-found';
    ev.error = stderr.trim();
  } else if (timeoutAvailable && (rc === 124 || rc === 137)) {
    ev.state = 'timeout';
    ev.error = 'time limit exceeded';
  }
  ev.exitCode = rc;
  ev.stdout = utf8Lenient.decode(out);
  ev.stderr = stderr;
  return ev;
}
