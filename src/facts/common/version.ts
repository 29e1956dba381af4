/**
 * Upstream version numbers of the platform (libvirt, QEMU, the kernel) and the version ranges rules state.
 * Versions are compared numerically component by component, missing components counting as 0 (9.0 == 9.0.0),
 * as libvirt's own virParseVersionString does; distribution decorations are dropped first
 * (Debian `1:7.2+dfsg-7+deb12u7` → 7.2, kernel `6.1.0-28-amd64` → 6.1.0, RPM `9.0.0-10.el9` → 9.0.0).
 */

/** The leading dotted number of a version string, after an epoch (`N:`); null when there is none. */
export function upstreamVersion(text: string | null | undefined): string | null {
  if (!text) return null;
  const m = /^(?:\d+:)?(\d+(?:\.\d+){0,3})/.exec(text.trim());
  return m ? m[1] : null;
}

function parts(v: string): number[] {
  return v.split('.').map((p) => Number(p));
}

/** <0, 0, >0 like a comparator; both must be upstream versions (digits and dots). */
export function compareVersions(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const COMPARATOR = /^(<=|>=|<|>|=)?(\d+(?:\.\d+){0,3})$/;

/**
 * Checks a range: space-separated comparators that must all hold (`>=5.7 <9.0`, `<9`, `=9.0.0`, `9.0` meaning =).
 * Returns an error message for a malformed range instead of throwing.
 */
export function parseRange(range: string): { test: (version: string) => boolean; error: string | null } {
  const words = range.trim().split(/\s+/).filter(Boolean);
  const tests: ((v: string) => boolean)[] = [];
  for (const w of words) {
    const m = COMPARATOR.exec(w);
    if (!m) return { test: () => false, error: `'${w}' is not a version comparator (use <, <=, >, >=, = and a version such as 9.0 or 6.10.0)` };
    const [, op = '=', bound] = m;
    tests.push((v) => {
      const c = compareVersions(v, bound);
      return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : op === '>=' ? c >= 0 : c === 0;
    });
  }
  if (tests.length === 0) return { test: () => false, error: 'an empty version range' };
  return { test: (v) => tests.every((t) => t(v)), error: null };
}

export function satisfies(version: string, range: string): boolean {
  return parseRange(range).test(version);
}
