import {
  parseUnitFile,
  loadUnit,
  unitList,
  unitValue,
  parseExecCommands,
  resolveEnvironment,
  expandExecArgv,
  resolveServiceExecStart,
  socketSettings,
  splitWords,
} from '../../../src/facts/common/systemd';

const U = '/usr/lib/systemd/system/qemu-guest-agent.service';

/** The guide's unit: a space-separated list after --blacklist, continued with a backslash. */
const GUIDE_UNIT = `[Unit]
Description=QEMU Guest Agent

[Service]
ExecStart=-/usr/bin/qemu-ga \\
    --blacklist=guest-file-open guest-file-close
Restart=always
`;

describe('parseUnitFile', () => {
  it('parses sections, comments and continuations with locations', () => {
    const r = parseUnitFile(GUIDE_UNIT, U);
    expect(r.problems).toEqual([]);
    expect(r.value.sections).toEqual(['Unit', 'Service']);
    const es = r.value.assignments.find((a) => a.key === 'ExecStart')!;
    expect(es.value).toBe('-/usr/bin/qemu-ga      --blacklist=guest-file-open guest-file-close');
    expect(es.location).toEqual({ file: U, line: 5, column: 1, endLine: 6 });
  });

  it('skips comment lines inside a continuation, joins only odd trailing backslashes, handles BOM and CRLF', () => {
    const t = '\uFEFF[Service]\r\nExecStart=/bin/a \\\r\n# comment in the middle\r\n  b\r\nX=ends\\\\\r\nY=1\r\n';
    const r = parseUnitFile(t, 'f');
    expect(r.value.assignments.map((a) => [a.key, a.value])).toEqual([
      ['ExecStart', '/bin/a    b'],
      ['X', 'ends\\\\'],
      ['Y', '1'],
    ]);
  });

  it('reports bad lines and assignments outside sections without throwing', () => {
    const r = parseUnitFile('A=1\n[Service\nnot an assignment\n[Service]\n=x\n', 'f');
    expect(r.problems.map((p) => [p.code, p.location?.line])).toEqual([
      ['systemd.outside-section', 1],
      ['systemd.invalid-section', 2],
      ['systemd.missing-equals', 3],
      ['systemd.missing-key', 5],
    ]);
    for (const t of ['', '\\', '[', '[]\n=\n', 'a\\\nb\\']) expect(() => parseUnitFile(t, 'f')).not.toThrow();
  });
});

describe('loadUnit: search path, drop-ins, masking', () => {
  const files: Record<string, string> = {
    '/usr/lib/systemd/system/q.service': '[Service]\nExecStart=/usr/bin/vendor\nUser=a\n',
    '/etc/systemd/system/q.service': '[Service]\nExecStart=/usr/bin/admin\n',
    '/usr/lib/systemd/system/q.service.d/10-a.conf': '[Service]\nUser=u10\n',
    '/usr/lib/systemd/system/q.service.d/20-b.conf': '[Service]\nUser=u20\n',
    '/etc/systemd/system/q.service.d/20-b.conf': '[Service]\nUser=e20\n',
    '/run/systemd/system/q.service.d/15.conf': '[Service]\nUser=r15\n',
    '/usr/lib/systemd/system/service.d/05-all.conf': '[Service]\nUser=all\n',
    '/etc/systemd/system/q.service.d/notes.txt': '[Service]\nUser=ignored\n',
  };

  it('takes the fragment from the highest-priority directory and orders drop-ins by file name', () => {
    const r = loadUnit('q.service', { files });
    expect(r.value.fragment).toBe('/etc/systemd/system/q.service');
    expect(r.value.dropins).toEqual([
      '/usr/lib/systemd/system/service.d/05-all.conf',
      '/usr/lib/systemd/system/q.service.d/10-a.conf',
      '/run/systemd/system/q.service.d/15.conf',
      '/etc/systemd/system/q.service.d/20-b.conf',
    ]);
    const user = unitValue(r.value, 'Service', 'User')!;
    expect(user.value).toBe('e20');
    expect(user.location.file).toBe('/etc/systemd/system/q.service.d/20-b.conf');
  });

  it('honours masking by /dev/null symlink or empty file', () => {
    expect(loadUnit('q.service', { files, links: { '/etc/systemd/system/q.service': '/dev/null' } }).value.masked).toBe(true);
    expect(loadUnit('q.service', { files: { ...files, '/etc/systemd/system/q.service': '' } }).value.masked).toBe(true);
    const r = loadUnit('q.service', { files, links: { '/etc/systemd/system/q.service.d/20-b.conf': '/dev/null' } });
    expect(r.value.dropins).not.toContain('/etc/systemd/system/q.service.d/20-b.conf');
    expect(r.value.dropins).not.toContain('/usr/lib/systemd/system/q.service.d/20-b.conf');
    expect(unitValue(r.value, 'Service', 'User')!.value).toBe('r15');
  });

  it('an empty ExecStart= in a drop-in resets the list', () => {
    const f = {
      '/usr/lib/systemd/system/qemu-guest-agent.service': GUIDE_UNIT,
      '/etc/systemd/system/qemu-guest-agent.service.d/override.conf': '[Service]\nExecStart=\nExecStart=/usr/bin/qemu-ga -b guest-exec,guest-file-open\n',
    };
    const r = resolveServiceExecStart('qemu-guest-agent.service', { files: f });
    expect(r.value.commands).toHaveLength(1);
    expect(r.value.commands[0].argv.map((w) => w.value)).toEqual(['/usr/bin/qemu-ga', '-b', 'guest-exec,guest-file-open']);
    expect(r.value.commands[0].argv[2].location).toEqual({ file: '/etc/systemd/system/qemu-guest-agent.service.d/override.conf', line: 3, column: 31 });
  });
});

describe('ExecStart parsing and expansion', () => {
  it('splits the guide line into two words: the stray RPC name is its own argument', () => {
    const r = parseExecCommands(unitList(parseUnitFile(GUIDE_UNIT, U).value, 'Service', 'ExecStart'));
    expect(r.problems).toEqual([]);
    const c = r.value[0];
    expect(c.prefixes.ignoreFailure).toBe(true);
    expect(c.path).toBe('/usr/bin/qemu-ga');
    expect(c.argv.map((w) => w.value)).toEqual(['/usr/bin/qemu-ga', '--blacklist=guest-file-open', 'guest-file-close']);
    expect(c.argv[2].location).toEqual({ file: U, line: 6, column: 33 });
  });

  it('honours quotes anywhere in a word, C escapes, prefixes, @argv0 and ";" separators', () => {
    const unit = parseUnitFile('[Service]\nExecStart=@+/bin/prog prog "--block-rpcs=a b" x\'y z\' \\x41\\n \\; ; :/bin/two $X\n', 'f').value;
    const r = parseExecCommands(unitList(unit, 'Service', 'ExecStart'));
    expect(r.problems).toEqual([]);
    expect(r.value).toHaveLength(2);
    expect(r.value[0].prefixes).toMatchObject({ argv0: true, fullPrivileges: true, ignoreFailure: false });
    expect(r.value[0].argv.map((w) => w.value)).toEqual(['prog', '--block-rpcs=a b', 'xy z', 'A\n', ';']);
    expect(r.value[1].prefixes.noEnvExpand).toBe(true);
    expect(r.value[1].argv.map((w) => w.value)).toEqual(['/bin/two', '$X']);
  });

  it('rejects bad syntax and bad prefixes with problems', () => {
    const unit = parseUnitFile('[Service]\nExecStart=/bin/a "open\nExecStart=+!/bin/b\nExecStart=/bin/ok\n', 'f').value;
    const r = parseExecCommands(unitList(unit, 'Service', 'ExecStart'));
    expect(r.problems.map((p) => [p.code, p.location?.line])).toEqual([
      ['systemd.exec-syntax', 2],
      ['systemd.exec-prefix', 3],
    ]);
    expect(r.value.map((c) => c.path)).toEqual(['/bin/ok']);
  });

  it('expands ${VAR} in place and splits a whole-word $VAR, pointing at the defining line', () => {
    const files: Record<string, string> = {
      '/usr/lib/systemd/system/qemu-guest-agent.service':
        '[Service]\nEnvironment=FSFREEZE_HOOK_PATHNAME=/etc/qemu-ga/fsfreeze-hook "QUOTED=a b"\nEnvironmentFile=/etc/sysconfig/qemu-ga\nEnvironmentFile=-/etc/sysconfig/missing\n' +
        'ExecStart=/usr/bin/qemu-ga --blacklist=${BLACKLIST_RPC} $FILTER_RPC_ARGS -F${FSFREEZE_HOOK_PATHNAME} ${UNSET} $UNSET2 a$FILTER_RPC_ARGS $$HOME ${QUOTED}\n',
      '/etc/sysconfig/qemu-ga': 'BLACKLIST_RPC=guest-file-open,guest-exec\nFILTER_RPC_ARGS="--allow-rpcs=guest-ping  \'-v x\'"\n',
    };
    const r = resolveServiceExecStart('qemu-guest-agent.service', { files });
    expect(r.problems).toEqual([]);
    expect(r.value.environment.files).toEqual([
      { path: '/etc/sysconfig/qemu-ga', optional: false, found: true, location: expect.objectContaining({ line: 3 }) },
      { path: '/etc/sysconfig/missing', optional: true, found: false, location: expect.objectContaining({ line: 4 }) },
    ]);
    const argv = r.value.commands[0].argv;
    expect(argv.map((w) => w.value)).toEqual([
      '/usr/bin/qemu-ga',
      '--blacklist=guest-file-open,guest-exec',
      '--allow-rpcs=guest-ping',
      '-v x',
      '-F/etc/qemu-ga/fsfreeze-hook',
      '',
      'a$FILTER_RPC_ARGS',
      '$HOME',
      'a b',
    ]);
    expect(argv[1].vars).toEqual([{ name: 'BLACKLIST_RPC', location: { file: '/etc/sysconfig/qemu-ga', line: 1, column: 1 } }]);
    expect(argv[2].vars![0].location).toEqual({ file: '/etc/sysconfig/qemu-ga', line: 2, column: 1 });
    expect(argv[4].vars![0].location).toMatchObject({ file: '/usr/lib/systemd/system/qemu-guest-agent.service', line: 2 });
    expect(argv[5].vars).toEqual([{ name: 'UNSET', location: undefined }]);
  });

  it('EnvironmentFile overrides Environment=, a missing mandatory file is an error', () => {
    const unit = parseUnitFile('[Service]\nEnvironmentFile=/e\nEnvironment=A=unit\nEnvironmentFile=/nope\n', 'u').value;
    const r = resolveEnvironment(unit, { files: { '/e': 'A=file\n' } });
    expect(r.value.vars.A.value).toBe('file');
    expect(r.problems.map((p) => p.code)).toEqual(['systemd.environment-file-missing']);
    const cmd = parseExecCommands(unitList(parseUnitFile('[Service]\nExecStart=/bin/x ${A}\n', 'u').value, 'Service', 'ExecStart')).value[0];
    expect(expandExecArgv(cmd, r.value).map((w) => w.value)).toEqual(['/bin/x', 'file']);
  });

  it('expands %% and unit-name specifiers', () => {
    const unit = parseUnitFile('[Service]\nExecStart=/bin/x %n %N %p %i 100%% %Z\n', 'u').value;
    const r = parseExecCommands(unitList(unit, 'Service', 'ExecStart'), { unitName: 'getty@tty1.service' });
    expect(r.value[0].argv.map((w) => w.value)).toEqual(['/bin/x', 'getty@tty1.service', 'getty@tty1', 'getty', 'tty1', '100%', '%Z']);
    expect(r.problems.map((p) => p.code)).toEqual(['systemd.unresolved-specifier']);
  });

  it('splitWords without unescaping (used for $VAR values)', () => {
    expect(splitWords('a "b c" \\n', { cunescape: false, relax: true }).words.map((w) => w.value)).toEqual(['a', 'b c', 'n']);
    expect(splitWords('"open', { cunescape: false, relax: false }).error).toMatch(/unterminated/);
  });
});

describe('resolveServiceExecStart', () => {
  it('refuses several ExecStart= commands unless Type=oneshot (e.g. a drop-in that forgot ExecStart=)', () => {
    const files = {
      '/usr/lib/systemd/system/qemu-guest-agent.service': GUIDE_UNIT,
      '/etc/systemd/system/qemu-guest-agent.service.d/override.conf': '[Service]\nExecStart=/usr/bin/qemu-ga -b guest-exec\n',
    };
    const r = resolveServiceExecStart('qemu-guest-agent.service', { files });
    expect(r.problems).toEqual([expect.objectContaining({ code: 'systemd.multiple-execstart', location: expect.objectContaining({ file: '/etc/systemd/system/qemu-guest-agent.service.d/override.conf', line: 2 }) })]);
    const oneshot = { ...files, '/etc/systemd/system/qemu-guest-agent.service.d/type.conf': '[Service]\nType=oneshot\n' };
    expect(resolveServiceExecStart('qemu-guest-agent.service', { files: oneshot }).problems).toEqual([]);
  });
});

describe('socketSettings', () => {
  it('reads listen addresses, mode and group; drop-ins override and empty Listen resets', () => {
    const files = {
      '/usr/lib/systemd/system/libvirtd.socket': '[Socket]\nListenStream=/run/libvirt/libvirt-sock\nSocketMode=0666\n',
      '/etc/systemd/system/libvirtd.socket.d/override.conf': '[Socket]\nListenStream=\nListenStream=/run/libvirt/other\nSocketMode=0770\nSocketGroup=libvirt\n',
    };
    const u = loadUnit('libvirtd.socket', { files }).value;
    const r = socketSettings(u);
    expect(r.problems).toEqual([]);
    expect(r.value.listen).toEqual([{ kind: 'ListenStream', address: '/run/libvirt/other', location: { file: '/etc/systemd/system/libvirtd.socket.d/override.conf', line: 3, column: 1 } }]);
    expect(r.value.socketMode).toEqual({ value: 0o770, text: '0770', location: { file: '/etc/systemd/system/libvirtd.socket.d/override.conf', line: 4, column: 1 } });
    expect(r.value.socketGroup?.value).toBe('libvirt');
    expect(r.value.directoryMode.value).toBe(0o755);
  });

  it('defaults SocketMode to 0666 and flags invalid modes', () => {
    const u = parseUnitFile('[Socket]\nListenStream=1234\nDirectoryMode=rwx\n', 's').value;
    const r = socketSettings(u);
    expect(r.value.socketMode).toEqual({ value: 0o666, text: '0666' });
    expect(r.problems.map((p) => p.code)).toEqual(['systemd.invalid-mode']);
  });
});
