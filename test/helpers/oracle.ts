import { execFileSync } from 'node:child_process';

/**
 * Real Debian programs serve as test oracles. Locally a missing oracle skips its tests (with a visible note);
 * in CI (`CI=true`) a missing oracle is a failure, never a silent skip.
 */
const cache = new Map<string, boolean>();

export function hasTool(tool: string): boolean {
  let found = cache.get(tool);
  if (found === undefined) {
    try {
      execFileSync('sh', ['-c', 'command -v "$1"', 'sh', tool], { stdio: 'ignore', env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` } });
      found = true;
    } catch {
      found = false;
    }
    cache.set(tool, found);
  }
  return found;
}

/**
 * `describeWithOracles(['virsh'], 'name', () => {...})`: runs the block when every tool is present; otherwise
 * fails in CI and skips elsewhere.
 */
export function describeWithOracles(tools: string[], name: string, body: () => void): void {
  const missing = tools.filter((t) => !hasTool(t));
  if (missing.length === 0) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it(`has its oracle programs installed (${tools.join(', ')})`, () => {
        throw new Error(`missing oracle program(s): ${missing.join(', ')} — .ci/run must install them`);
      });
    });
  } else {
    describe.skip(`${name} [skipped: ${missing.join(', ')} not installed]`, body);
  }
}
