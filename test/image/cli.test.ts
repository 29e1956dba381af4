import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../helpers/cli';
import { describeWithOracles } from '../helpers/oracle';

/** The CLI side of image scans, on inputs refused before any appliance launch (cheap): exit codes and messages. */
describeWithOracles(['qemu-img'], 'scan guest --image / scan domain --with-disks (CLI)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-image-cli-'));
    fs.writeFileSync(path.join(dir, 'corrupt.qcow2'), Buffer.concat([Buffer.from('QFI\xfb', 'latin1'), Buffer.alloc(60, 0xff)]));
    fs.writeFileSync(
      path.join(dir, 'vm.xml'),
      `<domain type='kvm'><name>vm</name><memory unit='MiB'>512</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><devices>
<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${path.join(dir, 'gone.qcow2')}'/><target dev='vda' bus='virtio'/></disk>
</devices></domain>
`,
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('per-image errors: each image named, exit 3, JSON report lists both', async () => {
    const r = await runCli(['scan', 'guest', '--image', path.join(dir, 'absent.qcow2'), '--image', path.join(dir, 'corrupt.qcow2'), '--format', 'json']);
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout) as { errors: { target: { name: string }; message: string }[] };
    expect(report.errors.map((e) => e.message).sort()).toEqual([expect.stringMatching(/absent\.qcow2: no such file$/), expect.stringMatching(/corrupt\.qcow2: not a readable disk image \(qemu-img: /)]);
  });

  it('--with-disks: a disk whose file is missing is a target error <domain file>/<dev>, the domain itself still scanned', async () => {
    const r = await runCli(['scan', 'domain', path.join(dir, 'vm.xml'), '--with-disks', '--format', 'json']);
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout) as { errors: { target: { kind: string; name: string } }[]; targets: { kind: string; name: string }[] };
    expect(report.targets.map((t) => `${t.kind} ${path.basename(t.name)}`)).toEqual(['domain vm.xml', 'guest vda']);
    expect(report.errors.map((e) => `${e.target.kind} ${path.basename(e.target.name)}`)).toEqual(['guest vda']);
    expect(report.errors[0].target.name).toMatch(/vm\.xml\/vda$/);
  });

  it.each([
    [['scan', 'guest', '--image', 'a.qcow2', '--root', '.'], /choose one source: --image or --root/],
    [['scan', 'guest', '--image', 'a.qcow2', '--image-format', 'qcow2,x'], /--image-format "qcow2,x": a qemu format name/],
    [['scan', 'domain', '-', '--with-disks'], /--with-disks reads the disks named by domain files/],
  ])('usage errors exit 2: %j', async (args, re) => {
    const r = await runCli(args as string[], { input: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(re);
  });
});
