/**
 * Where a fact came from. Every fact a rule can point at carries one, so a finding lands on the exact line.
 * `file` is the artifact path as the user knows it: a path relative to the working directory for files given on
 * the command line, or the absolute path on the scanned host for host evidence (e.g. `/etc/libvirt/libvirtd.conf`).
 */
export interface SourceLocation {
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column (UTF-16 code units, as SARIF's default columnKind). */
  column: number;
  endLine?: number;
  endColumn?: number;
  /** A stable, human-readable path to the element, e.g. `/domain/devices/disk[2]/driver`. */
  path?: string;
}

/** Maps character offsets in a text to 1-based line/column, in O(log n) per lookup. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}
