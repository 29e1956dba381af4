import { parseEnvFile } from '../../../src/facts/common/envfile';

const F = '/etc/sysconfig/qemu-ga';

function vals(text: string): Record<string, string> {
  const r = parseEnvFile(text, F);
  return Object.fromEntries(r.value.assignments.map((a) => [a.key, a.value]));
}

describe('parseEnvFile (systemd env-file rules)', () => {
  it('reads plain, double- and single-quoted values with locations', () => {
    const text = '# comment\n; also a comment\nBLACKLIST_RPC=guest-file-open,guest-exec\n  FILTER_RPC_ARGS="--allow-rpcs=guest-ping,guest-info"\nX=\'a $b\'\n';
    const r = parseEnvFile(text, F);
    expect(r.problems).toEqual([]);
    expect(r.value.vars.BLACKLIST_RPC).toEqual({ key: 'BLACKLIST_RPC', value: 'guest-file-open,guest-exec', location: { file: F, line: 3, column: 1 } });
    expect(r.value.vars.FILTER_RPC_ARGS.value).toBe('--allow-rpcs=guest-ping,guest-info');
    expect(r.value.vars.FILTER_RPC_ARGS.location).toEqual({ file: F, line: 4, column: 3 });
    expect(r.value.vars.X.value).toBe('a $b');
  });

  it('trims whitespace around keys and unquoted values, keeps it inside quotes', () => {
    expect(vals('A = x y  \nB="  z "\n')).toEqual({ A: 'x y', B: '  z ' });
  });

  it('joins text after a closing quote and handles backslashes as systemd does', () => {
    expect(vals('A="x" y\nB=\'p\'"q"\nC="a\\"b\\$c\\nd"\nD=a\\ b\\\\\n')).toEqual({ A: 'xy', B: 'pq', C: 'a"b$c\\nd', D: 'a b\\' });
  });

  it('supports backslash-newline continuations (unquoted and double-quoted) and records endLine', () => {
    const r = parseEnvFile('A=one\\\ntwo\nB="x\\\ny"\n', F);
    expect(r.value.vars.A.value).toBe('onetwo');
    expect(r.value.vars.A.location).toEqual({ file: F, line: 1, column: 1, endLine: 2 });
    expect(r.value.vars.B.value).toBe('xy');
  });

  it('last assignment wins; CRLF; empty values; value at EOF without newline', () => {
    const r = parseEnvFile('A=1\r\nA=2\r\nE=\r\nZ=end', F);
    expect(r.value.vars.A.value).toBe('2');
    expect(r.value.vars.A.location.line).toBe(2);
    expect(r.value.vars.E.value).toBe('');
    expect(r.value.vars.Z.value).toBe('end');
    expect(r.value.assignments).toHaveLength(4);
  });

  it('ignores invalid names (export, digits, dashes) and lines without "=" with warnings', () => {
    const r = parseEnvFile('export A=1\n1B=2\nC-D=3\njust words\nOK=1\n', F);
    expect(Object.keys(r.value.vars)).toEqual(['OK']);
    expect(r.problems.map((p) => [p.code, p.location?.line])).toEqual([
      ['envfile.invalid-name', 1],
      ['envfile.invalid-name', 2],
      ['envfile.invalid-name', 3],
      ['envfile.missing-assignment', 4],
    ]);
  });

  it('reports an unterminated quote but keeps the value like systemd', () => {
    const r = parseEnvFile('A="abc\nB=1\n', F);
    expect(r.value.vars.A.value).toBe('abc\nB=1\n');
    expect(r.problems[0]).toMatchObject({ code: 'envfile.unterminated-quote', location: { line: 1, column: 3 } });
  });

  it('refuses files with NUL bytes and warns about comment continuations', () => {
    expect(parseEnvFile('A=1\0\n', F).problems[0].code).toBe('envfile.nul-byte');
    expect(parseEnvFile('A=1\0\n', F).value.assignments).toEqual([]);
    const r = parseEnvFile('# note \\\nA=1\n', F);
    expect(r.value.vars.A.value).toBe('1');
    expect(r.problems[0].code).toBe('envfile.comment-continuation');
  });

  it('never throws on hostile input', () => {
    for (const t of ['', '=', '"', "'", '\\', 'A=\\', '\n\n\n', '=x\n', 'A="\\']) expect(() => parseEnvFile(t, F)).not.toThrow();
    expect(vals('A=\\')).toEqual({ A: '' });
  });
});
