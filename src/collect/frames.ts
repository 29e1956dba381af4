import type { CommandEvidence, CommandState, EvidenceBundle, FileEvidence, FileMeta, FileState } from './evidence';
import type { ManifestItem } from './manifest';
import { itemKey } from './manifest';
import { FILE_CAP, SCRIPT_VERSION } from './script';

/**
 * Decodes the framed stdout of a collection script (grammar in script.ts) into evidence. Never throws on bad
 * input: noise outside frames (login banners) is ignored, malformed frames become item errors, and a stream cut
 * short marks every item that did not complete as `error: connection lost`.
 */
export interface DecodedEvidence {
  files: EvidenceBundle['files'];
  dirs: EvidenceBundle['dirs'];
  commands: EvidenceBundle['commands'];
  /** uid the script ran as (-1 when unknown). */
  uid: number;
  live: boolean;
  /** True when the stream reached DONE. */
  complete: boolean;
  /** Human-readable notes about the stream (cut, malformed frames). */
  problems: string[];
}

export const CONNECTION_LOST = 'connection lost';

interface Header {
  type: string;
  state: string;
  stat: string;
}

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

function splitPayload(payload: Buffer): { key: string; link: string; body: Buffer } | undefined {
  const a = payload.indexOf(0);
  if (a < 0) return undefined;
  const b = payload.indexOf(0, a + 1);
  if (b < 0) return undefined;
  return { key: utf8Lenient.decode(payload.subarray(0, a)), link: utf8Lenient.decode(payload.subarray(a + 1, b)), body: payload.subarray(b + 1) };
}

function b64text(field: string): string {
  if (field === '-' || field === '') return '';
  return utf8Lenient.decode(Buffer.from(field, 'base64'));
}

function readErrorState(err: string): FileState {
  return /Permission denied|Operation not permitted/.test(err) ? 'denied' : 'error';
}

/** Split a buffer into lines without decoding payload bytes twice. */
function lines(buf: Buffer): string[] {
  return buf.toString('latin1').split('\n');
}

export function decodeFrames(stdout: Buffer, nonce: string, items: readonly ManifestItem[]): DecodedEvidence {
  const out: DecodedEvidence = { files: {}, dirs: {}, commands: {}, uid: -1, live: false, complete: false, problems: [] };
  const prefix = `${nonce} `;
  const all = lines(stdout);
  const completed = new Set<number>();
  let begun = false;
  let timeoutAvailable = false;
  let header: Header | undefined;
  let payload: string[] = [];
  let badPayload = false;

  const finish = (rc: number, stderr: string): void => {
    if (!header) return;
    const h = header;
    header = undefined;
    const parts = badPayload ? undefined : splitPayload(Buffer.from(payload.join(''), 'base64'));
    payload = [];
    if (!parts) {
      out.problems.push(`malformed ${h.type} frame skipped`);
      return;
    }
    const meta = parseStat(h.stat);
    if (parts.link) meta.linkTarget = parts.link;
    if (h.type === 'C') {
      out.commands[parts.key] = command(parts.key, h.state, rc, parts.body, stderr, timeoutAvailable);
    } else if (h.type === 'D') {
      const state = FILE_STATES.has(h.state as FileState) ? (h.state as FileState) : 'error';
      const entry: EvidenceBundle['dirs'][string] = { state, ...meta };
      if (state === 'ok') entry.entries = utf8Lenient.decode(parts.body).split('/').filter((e) => e !== '').sort();
      else if (state === 'error' || state === 'denied') entry.error = utf8Lenient.decode(parts.body) || undefined;
      if (entry.error === undefined) delete entry.error;
      out.dirs[parts.key] = entry;
    } else if (h.type === 'F' || h.type === 'S' || h.type === 'L') {
      out.files[parts.key] = file(parts.key, h, meta, rc, parts.body, stderr);
    } else {
      out.problems.push(`unknown frame type ${h.type}`);
    }
  };

  for (const raw of all) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line.startsWith(prefix)) {
      if (header) {
        if (B64_LINE.test(line)) payload.push(line);
        else badPayload = true;
      }
      continue;
    }
    const f = Buffer.from(line.slice(prefix.length), 'latin1').toString('utf8').split(' ');
    const tag = f[0];
    if (tag === 'BEGIN') {
      begun = true;
      if (f[1] !== String(SCRIPT_VERSION)) out.problems.push(`collector script version ${f[1]} (expected ${SCRIPT_VERSION})`);
      out.live = f[2] === '1';
      timeoutAvailable = f[3] === '1';
      out.uid = /^\d+$/.test(f[4] ?? '') ? Number(f[4]) : -1;
      continue;
    }
    if (!begun) continue;
    if (tag === 'I') {
      header = undefined;
      continue;
    }
    if (tag === 'J') {
      completed.add(Number(f[1]));
      continue;
    }
    if (tag === 'DONE') {
      out.complete = true;
      break;
    }
    if (tag === '.') {
      const rc = /^\d+$/.test(f[1] ?? '') ? Number(f[1]) : 255;
      finish(rc, b64text(f[2] ?? '-'));
      continue;
    }
    if (header) out.problems.push(`frame ${header.type} without trailer`);
    header = { type: tag, state: f[1] ?? '', stat: f.slice(2).join(' ') };
    payload = [];
    badPayload = false;
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
  if (rc === 127 && /not found/.test(stderr)) {
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
