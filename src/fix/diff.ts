/**
 * A unified diff (as `diff -u`, readable by `patch` and `git apply`) between two texts. Lines are split on LF and
 * keep their CR; a last line without a newline is marked `\ No newline at end of file`. The changed region is
 * compared line by line (longest common subsequence) after stripping the common prefix and suffix lines.
 */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string, context = 3): string {
  if (oldText === newText) return '';
  const split = (t: string) => {
    const ls = t.split('\n');
    const last = ls.pop()!;
    return { lines: last === '' ? ls : [...ls, last], noEol: last !== '' };
  };
  const a = split(oldText);
  const b = split(newText);
  const A = a.lines;
  const B = b.lines;
  // Lines compared with their end: the last line differs from an equal line that has a newline.
  const keyA = (i: number) => A[i] + (i === A.length - 1 && a.noEol ? '' : '\n');
  const keyB = (j: number) => B[j] + (j === B.length - 1 && b.noEol ? '' : '\n');
  let pre = 0;
  while (pre < A.length && pre < B.length && keyA(pre) === keyB(pre)) pre++;
  let suf = 0;
  while (suf < A.length - pre && suf < B.length - pre && keyA(A.length - 1 - suf) === keyB(B.length - 1 - suf)) suf++;
  const n = A.length - pre - suf;
  const m = B.length - pre - suf;
  // ops over the whole files: ' ' same, '-' old only, '+' new only, with the line indexes.
  type Op = { op: ' ' | '-' | '+'; i: number; j: number };
  const ops: Op[] = [];
  for (let k = 0; k < pre; k++) ops.push({ op: ' ', i: k, j: k });
  if (n * m > 25_000_000) {
    for (let k = 0; k < n; k++) ops.push({ op: '-', i: pre + k, j: -1 });
    for (let k = 0; k < m; k++) ops.push({ op: '+', i: -1, j: pre + k });
  } else {
    const L: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i][j] = keyA(pre + i) === keyB(pre + j) ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && keyA(pre + i) === keyB(pre + j)) ops.push({ op: ' ', i: pre + i++, j: pre + j++ });
      // Deletions before insertions (as diff -u prints a changed line: - then +).
      else if (i < n && (j === m || L[i + 1][j] >= L[i][j + 1])) ops.push({ op: '-', i: pre + i++, j: -1 });
      else ops.push({ op: '+', i: -1, j: pre + j++ });
    }
  }
  for (let k = 0; k < suf; k++) ops.push({ op: ' ', i: A.length - suf + k, j: B.length - suf + k });
  const out = [`--- ${oldName}`, `+++ ${newName}`];
  const changed = ops.map((o, k) => (o.op !== ' ' ? k : -1)).filter((k) => k >= 0);
  let g = 0;
  while (g < changed.length) {
    let last = g;
    while (last + 1 < changed.length && changed[last + 1] - changed[last] <= 2 * context) last++;
    const from = Math.max(0, changed[g] - context);
    const to = Math.min(ops.length - 1, changed[last] + context);
    const hunk = ops.slice(from, to + 1);
    // Start lines: the first old/new line of the hunk (for an empty side, the line before it, as diff -u).
    let oldStart = 0;
    let newStart = 0;
    for (let k = 0; k < from; k++) {
      if (ops[k].op !== '+') oldStart++;
      if (ops[k].op !== '-') newStart++;
    }
    const oldCount = hunk.filter((o) => o.op !== '+').length;
    const newCount = hunk.filter((o) => o.op !== '-').length;
    const range = (start: number, count: number) => (count === 1 ? `${start + 1}` : `${count === 0 ? start : start + 1},${count}`);
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    for (const o of hunk) {
      if (o.op === '+') {
        out.push(`+${B[o.j]}`);
        if (o.j === B.length - 1 && b.noEol) out.push('\\ No newline at end of file');
      } else {
        out.push(`${o.op}${A[o.i]}`);
        if (o.i === A.length - 1 && a.noEol) out.push('\\ No newline at end of file');
      }
    }
    g = last + 1;
  }
  return out.join('\n') + '\n';
}
