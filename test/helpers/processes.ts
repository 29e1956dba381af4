import * as fs from 'node:fs';

/**
 * Live processes (zombies left out) whose environment holds VMAUDIT_MARK=<marker>: how tests find exactly the
 * processes they started, to assert none survive and to clean up only those (never a broad pkill).
 */
export function markedPids(marker: string): number[] {
  if (!marker) return [];
  const out: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!fs.readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`VMAUDIT_MARK=${marker}`)) continue;
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
      if (!stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) out.push(Number(pid));
    } catch {
      // gone
    }
  }
  return out;
}
