import { randomBytes } from 'node:crypto';
import type { CommandArg, ManifestItem } from './manifest';
import { VARIABLES } from './manifest';
import { EVIDENCE_LIMIT } from './evidence';

/**
 * Compiles an evidence manifest into ONE POSIX sh script (dash, bash --posix) that needs only sh and the coreutils
 * present on every target (stat, readlink, head, tail, base64, id, timeout when present) and writes nothing anywhere:
 * no temp files, no redirection into files. Its stdout is decoded by `frames.ts`.
 *
 * Footprint (issue 14): the number of processes does not grow with the number of files, processes or domains. The
 * shell walks the manifest with builtins only (glob expansion, `[ -f ]`/`[ -r ]`/`[ -d ]`, `read`), resolving paths
 * inside the root as before (one `readlink` per symlink it must follow there, each read once), and queues every path
 * it will stat or read; then ONE `stat` (two on the live system: followed and not), ONE `readlink` for the links it
 * reports, ONE `head -v -c CAP+1` over all files to read (the evidence
 * limit enforced per file by the same process) and ONE `base64` for the whole stream. Commands run as before (one
 * `timeout … sh -c SNIPPET` each), their stdout straight into the stream.
 *
 * Output (N = per-run random nonce, e.g. `VMA3f9c...:`):
 *
 *   N BEGIN <version> <live 0|1> <timeout-available 0|1> <uid> <kind>   plain text (kind: host, guest or -)
 *   <base64 lines: the binary stream below, one base64 process>
 *   N DONE                                                                plain text
 *
 * The binary stream is a sequence of chunks, each introduced by `\nN <tag>\n` (the nonce cannot occur in target
 * data, so every occurrence is a real tag):
 *
 *   I <item>                 start of manifest item
 *   R <T> <state> <flags>    a record: key NUL linkTarget NUL targetPath NUL text. T = F file, S stat, L link,
 *                            D dir; state `+` = resolved, its stat line / link target / content come from the
 *                            batches named by flags (f: stat -L, l: stat, k: readlink, r: head, e: tail, d: not
 *                            readable, c: content read by the shell itself = text), else a final state (missing,
 *                            error...) with text = the error
 *   C <state>                a command that did not run, or an `each` list: key NUL NUL text
 *   X                        a command run: key NUL NUL stdout (raw), followed by
 *   E <rc>                   its exit status; payload = stderr
 *   W, then V                one virsh for every subject of an \`each\` command (virshBatch): W = its stderr, V = key
 *                            NUL NUL its stdout, then E with payload empty
 *   J <item>                 item complete
 *   B <batch>                a batch (statf, statl, link, head, tail): its stdout raw, followed by E
 *   Z                        end of stream
 *
 * The stat batch prints `name NUL %f:%u:%g:%s[:%U:%G] NUL` per path; head/tail print `==> name <==` before each
 * file, where name is the path with a per-run random string of `/.` and `//.` components (ESC, from the nonce)
 * inserted before its last component: file content cannot forge a header. Nothing from the target is ever
 * interpolated into code: paths and patterns are constants quoted by `shq`, data lives in shell variables only (the
 * batch word lists are built with `_q`, single-quoting every path), and per-subject commands receive data as "$1".
 */

export const SCRIPT_VERSION = 2;
/** The evidence limit per file and per command output (see EVIDENCE_LIMIT). */
export const FILE_CAP = EVIDENCE_LIMIT;
export const STDERR_CAP = 64 * 1024;
export const READ_TIMEOUT_SEC = 10;
/** Time limit of one batch (the stat, readlink or head over every queued path). */
export const BATCH_TIMEOUT_SEC = 120;
export const DEFAULT_COMMAND_TIMEOUT_SEC = 20;

export interface CompiledScript {
  script: string;
  nonce: string;
  items: readonly ManifestItem[];
}

/** The single quoting helper for every constant placed in the script. */
export function shq(value: string): string {
  if (value.includes('\0')) throw new Error('NUL byte in a shell constant');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The header marker of a run: 48 bits of the nonce as `/.` (0) and `//.` (1) path components. */
export function headerMarker(nonce: string): string {
  const hex = nonce.replace(/^VMA/, '').replace(/:$/, '').slice(0, 12);
  let out = '';
  for (const ch of hex) {
    const v = Number.parseInt(ch, 16);
    for (let b = 3; b >= 0; b--) out += (v >> b) & 1 ? '//.' : '/.';
  }
  return out;
}

/** Glob patterns and path segments are constants we author; they go unquoted (to expand), so keep them tame. */
const GLOB_SAFE = /^\/[A-Za-z0-9_./*?[\]!:+@-]*$/;
const CASE_SAFE = /^[A-Za-z0-9_.*?-]+$/;
const PROG_SAFE = /^[A-Za-z0-9_.+-]+$/;

function assertPath(path: string): void {
  if (!path.startsWith('/') || path.includes('\n') || path.includes('\0')) throw new Error(`bad manifest path: ${JSON.stringify(path)}`);
}

const PRELUDE = String.raw`
LC_ALL=C; export LC_ALL
PATH=/usr/sbin:/usr/bin:/sbin:/bin\${PATH:+:\$PATH}; export PATH
R=\${VMAUDIT_ROOT:-}
case \$R in /) R= ;; esac
_RPok=0; _RP=
if [ -n "\$R" ] && _RP=\$(cd -P -- "\$R" 2>/dev/null && pwd -P); then _RPok=1; case \$_RP in /) _RP= ;; esac; fi
LIVE=1; [ -n "\$R" ] && LIVE=0; [ "\${VMAUDIT_LIVE:-1}" = 0 ] && LIVE=0
_TO=0; command -v timeout >/dev/null 2>&1 && _TO=1
_U=\$(id -u 2>/dev/null); case \$_U in ''|*[!0-9]*) _U=-1 ;; esac
_SI='%f:%u:%g:%s'
if [ -n "\$R" ]; then _SF='%n\0%f:%u:%g:%s\0'; else _SF='%n\0%f:%u:%g:%s:%U:%G\0'; fi
_SQ="'"; NL='
'
# batch word lists (single-quoted paths, read back with eval) and the readlink cache of the root walk
_SLF=; _SLL=; _KL=; _HL=; _TL=; _LC=

# _to SECS CMD...: run CMD with a time limit when coreutils timeout exists
_to() { _ts=\$1; shift; if [ "\$_TO" = 1 ]; then timeout -k 2 "\$_ts" "\$@"; else "\$@"; fi; }
# _b TEXT, script v1's per-record base64, is gone: since v2 the whole stream goes through one base64 process.
# (This line marks the end of the definition of _to for tests that run code under it before the collection.)
# _q S: _qr is S as one single-quoted sh word
_q() {
  _qs=\$1; _qr=
  while :; do
    case \$_qs in
      *"\$_SQ"*) _qr=\$_qr\${_qs%%"\$_SQ"*}"\$_SQ\\\$_SQ\$_SQ"; _qs=\${_qs#*"\$_SQ"} ;;
      *) _qr="\$_SQ\$_qr\$_qs\$_SQ"; return ;;
    esac
  done
}
# _add LIST PATH: queue PATH in a batch word list
_add() { _q "\$2"; eval "\$1=\"\\$\$1 \\$_qr\""; }
# _rec T STATE FLAGS KEY TEXT: a record (see the grammar)
_rec() { printf '\n%s R %s %s %s\n%s\0%s\0%s\0%s' "\$N" "\$1" "\$2" "\$3" "\$4" "\$_lt" "\$_t" "\$5"; }
# _run SECS CMD...: CMD's stdout raw into the stream (fd 5), then E: its exit status and stderr (kept in a variable)
_run() {
  _xs=\$1; shift
  _c=\$( { _to "\$_xs" "\$@" </dev/null 2>&1 >&5 5>&-; printf ':%s' "\$?"; } )
  case \$_c in *:*) ;; *) _c="\$_c:255" ;; esac
  _rc=\${_c##*:}; _err=\${_c%:*}
  case \$_rc in ''|*[!0-9]*) _rc=255 ;; esac
  printf '\n%s E %s\n%s' "\$N" "\$_rc" "\$_err"
}
# _x SECS CMD...: a command run (X record for key _k)
_x() { printf '\n%s X\n%s\0%s\0' "\$N" "\$_k" "\$_lt"; _run "\$@"; }
# _rl P: readlink P into _wl (a target ending in newlines kept intact); 1 with _se on failure
_rl() {
  _wl=\$(readlink -- "\$1" 2>&1 && echo .) || { _se=\$_wl; return 1; }
  _wl=\${_wl%.}; _wl=\${_wl%?}
}
# _rlc P: _rl, each symlink of the root read once (cached when neither P nor its target holds a newline)
_rlc() {
  case \$1 in *"\$NL"*) _rl "\$1"; return ;; esac
  case \$_LC in *"\$NL:\$1\$NL="*) _wl=\${_LC#*"\$NL:\$1\$NL="}; _wl=\${_wl%%"\$NL"*}; return 0 ;; esac
  _rl "\$1" || return 1
  case \$_wl in *"\$NL"*) ;; *) _LC="\$_LC\$NL:\$1\$NL=\$_wl" ;; esac
  return 0
}
# _walk P: resolve P inside \$R as chroot / openat2(RESOLVE_IN_ROOT) would: component by component, each symlink
# read with readlink and its target walked in turn (an absolute target restarts at \$R, '..' stops at \$R, at most
# 40 links as the kernel's ELOOP). Only lstat/readlink of paths already resolved inside \$R: nothing outside the root
# is ever looked at. Sets _t (\$R + resolved path, no symlink left in it), or _se and returns 1.
_walk() {
  _wd=; _wt=\${1#/}; _wn=0
  while [ -n "\$_wt" ]; do
    case \$_wt in */*) _c1=\${_wt%%/*}; _wt=\${_wt#*/} ;; *) _c1=\$_wt; _wt= ;; esac
    case \$_c1 in
      ''|.) continue ;;
      ..) # the kernel looks '..' up in the directory reached so far: ENOENT / ENOTDIR when it is none
        if [ -n "\$_wd" ] && [ ! -d "\$R\$_wd" ]; then
          if [ -e "\$R\$_wd" ]; then _se='Not a directory'; else _se='No such file or directory'; fi; return 1
        fi
        _wd=\${_wd%/*}; continue ;;
    esac
    if [ -L "\$R\$_wd/\$_c1" ]; then
      _wn=\$((_wn + 1)); [ "\$_wn" -gt 40 ] && { _se='Too many levels of symbolic links'; return 1; }
      _rlc "\$R\$_wd/\$_c1" || return 1
      case \$_wl in '') _se='No such file or directory'; return 1 ;; /*) _wd= ;; esac
      _wt=\$_wl\${_wt:+/\$_wt}
    else
      _wd=\$_wd/\$_c1
    fi
  done
  _t=\$R\${_wd:-/}
}
# _res P FOLLOW: sets _t (path to stat/open), _lt (target of P when P is a symlink followed inside the root) and _lk
# (P is a symlink whose target the readlink batch reads). Under a root the parent is walked inside it, then P's own
# link (FOLLOW=1) too; the live system is left to the kernel.
_res() {
  _lt=; _lk=
  if [ -z "\$R" ]; then
    [ -L "\$1" ] && _lk=1
    _t=\$1; return 0
  fi
  case \${1##*/} in ''|.|..) _walk "\$1"; return ;; esac
  _walk "\${1%/*}" || return 1
  _t=\${_t%/}/\${1##*/}
  if [ -L "\$_t" ]; then
    # not followed (links, globs of links): the target only is reported, read by the readlink batch
    [ "\$2" = 1 ] || { _lk=1; return 0; }
    _rlc "\$_t" || return 1
    _lt=\$_wl
    _walk "\$1"; return
  fi
  return 0
}
# _inroot: the resolved _t is proven inside the root, independently of _walk: _t is not a symlink and the physical
# path of its directory as the kernel reports it (cd -P; pwd -P) lies under the root's own physical path
_inroot() {
  [ -z "\$R" ] && return 0
  [ "\$_RPok" = 1 ] || return 1
  [ -L "\$_t" ] && return 1
  _pp=\$(cd -P -- "\${_t%/*}/" 2>/dev/null && pwd -P) || return 1
  case \$_pp/ in "\$_RP"/*) return 0 ;; esac
  return 1
}
# _st: _state for a path that could not be resolved (_se): missing like stat's ENOENT / ENOTDIR, else error
_st() { case \$_se in *'No such file or directory'*|*'Not a directory'*) _state=missing ;; *) _state=error ;; esac; }
# _stat: stat _t now (script variables and command arguments only); sets _so, _ty or _state + _se
_stat() {
  if _so=\$(stat -L -c "\$_SI" -- "\$_t" 2>&1); then
    _ty=\$(( 0x\${_so%%:*} & 61440 )); _state=ok; return 0
  fi
  _se=\$_so; _so=-
  case \$_se in
    *'Permission denied'*|*'Operation not permitted'*) _state=denied ;;
    *'No such file or directory'*|*'Not a directory'*) _state=missing ;;
    *) _state=error ;;
  esac
  return 1
}
# _pend FOLLOW: queue _t for the stat batch (followed on the live system when FOLLOW=1) and the key's link for the
# readlink batch; sets _fl
_pend() {
  if [ -z "\$R" ] && [ "\$1" = 1 ]; then _fl=f; _add _SLF "\$_t"; else _fl=l; _add _SLL "\$_t"; fi
  if [ -n "\$_lk" ]; then _fl=\${_fl}k; _add _KL "\$_t"; fi
}
# _F P FROMEND: a regular file, content + stat
_F() {
  if ! _res "\$1" 1; then _st; _t=; _rec F "\$_state" - "\$1" "\$_se"; return; fi
  _pend 1
  if [ -f "\$_t" ]; then
    if [ ! -r "\$_t" ]; then _fl=\${_fl}d
    elif [ "\$2" = 1 ]; then _fl=\${_fl}e; _add _TL "\${_t%/*}\$ESC/\${_t##*/}"
    else _fl=\${_fl}r; _add _HL "\${_t%/*}\$ESC/\${_t##*/}"; fi
  fi
  _rec F + "\$_fl" "\$1" ''
}
# _Fc P: a small file read with the shell's own read builtin, its content inline (flag c: no head argument per
# process for /proc/PID/comm); sets _cm to its first line. A file of more than one line goes to the head batch.
_Fc() {
  _cm=
  if ! _res "\$1" 1; then _st; _t=; _rec F "\$_state" - "\$1" "\$_se"; return; fi
  _pend 1
  if [ -f "\$_t" ] && [ -r "\$_t" ]; then
    _c2=; _rs=3
    { _rs=0; IFS= read -r _cm || _rs=1; if [ "\$_rs" = 0 ]; then if IFS= read -r _c2 || [ -n "\$_c2" ]; then _rs=2; fi; fi; } 2>/dev/null < "\$_t"
    case \$_rs in
      0) _rec F + "\${_fl}c" "\$1" "\$_cm\$NL"; return ;;
      1) _rec F + "\${_fl}c" "\$1" "\$_cm"; return ;;
    esac
    _fl=\${_fl}r; _add _HL "\${_t%/*}\$ESC/\${_t##*/}"
  fi
  _rec F + "\$_fl" "\$1" ''
}
# _S P: stat only (follows symlinks inside the root)
_S() {
  if ! _res "\$1" 1; then _st; _t=; _rec S "\$_state" - "\$1" "\$_se"; return; fi
  _pend 1; _rec S + "\$_fl" "\$1" ''
}
# _L P: readlink + lstat, never followed
_L() {
  if ! _res "\$1" 0; then _st; _t=; _rec L "\$_state" - "\$1" "\$_se"; return; fi
  _pend 0; _rec L + "\$_fl" "\$1" ''
}
# _D P: directory listing, each name followed by '/' (entries are lstat'ed, never followed)
_D() {
  if ! _res "\$1" 1; then _st; _t=; _rec D "\$_state" - "\$1" "\$_se"; return; fi
  _pend 1
  if [ -d "\$_t" ]; then
    if [ ! -r "\$_t" ] || [ ! -x "\$_t" ]; then _rec D + "\${_fl}d" "\$1" 'Permission denied'; return; fi
    _rec D + "\${_fl}r" "\$1" ''
    for _e in "\$_t"/* "\$_t"/.[!.]* "\$_t"/..?*; do
      if [ -L "\$_e" ] || [ -e "\$_e" ]; then printf '%s/' "\${_e##*/}"; fi
    done
    return
  fi
  _rec D + "\$_fl" "\$1" ''
}
# Globs expand one directory level at a time (code generated per pattern, see globCode): _gd resolves the directory
# of a level inside the root, its pattern expands there, _gm drops a pattern that matched nothing (lstat only) and
# _ge checks a literal tail. Matches are then read by their path as the target sees it.
_gd() { _res "\$1" 1 && [ -d "\$_t" ]; }
_gm() { [ -L "\$1" ] || [ -e "\$1" ]; }
_ge() {
  if [ -z "\$R" ]; then [ -L "\$1" ] || [ -e "\$1" ]; return; fi
  _walk "\${1%/*}" && _t=\${_t%/}/\${1##*/} && { [ -L "\$_t" ] || [ -e "\$_t" ]; }
}
# _guard ID LIVEONLY NEEDSROOT PROGRAMS: emits the record and returns 1 when the command must not run
_guard() {
  _lt=; _t=
  if [ "\$2" = 1 ] && [ "\$LIVE" != 1 ]; then printf '\n%s C not-applicable\n%s\0\0%s' "\$N" "\$1" 'live-only command; target is not the running system'; return 1; fi
  if [ "\$3" = 1 ] && [ "\$_U" != 0 ]; then printf '\n%s C denied\n%s\0\0%s' "\$N" "\$1" 'needs root'; return 1; fi
  for _p in \$4; do
    command -v "\$_p" >/dev/null 2>&1 || { printf '\n%s C not-found\n%s\0\0%s' "\$N" "\$1" "\$_p: command not found"; return 1; }
  done
  return 0
}
# _C ID LIVEONLY NEEDSROOT PROGRAMS SECS SNIPPET ARGS...: run a fixed snippet we author, data only as "\$1"...
_C() {
  _guard "\$1" "\$2" "\$3" "\$4" || return 0
  _cid=\$1; _cs=\$5; _cc=\$6; shift 6
  _Cr "\$_cid" "\$_cs" "\$_cc" "\$@"
}
# _Cr ID SECS SNIPPET ARGS...: the run part of _C (after _guard)
_Cr() {
  _k=\$1; _cs=\$2; _cc=\$3; shift 3
  _lt=; _x "\$_cs" sh -c "\$_cc" sh "\$@"
}
# _Cx ID LIVEONLY NEEDSROOT PROGRAMS SECS WORD...: a snippet that is one simple command, run without sh -c
_Cx() {
  _guard "\$1" "\$2" "\$3" "\$4" || return 0
  _k=\$1; _cs=\$5; shift 5
  _lt=; _x "\$_cs" "\$@"
}
# _ra P: a target path given to a command: resolved inside the root, a regular file, proven inside the root
# (_inroot); sets _t, or _se (why the command is not run) and returns 1
_ra() {
  case \$1 in /*) ;; *) _se="\$1: not an absolute path; not run"; return 1 ;; esac
  if ! _res "\$1" 1; then _se="\$1: \$_se; not run"; return 1; fi
  if ! _stat; then _se="\$1: \$_state; not run"; return 1; fi
  if [ "\$_ty" != 32768 ]; then _se="\$1: not a regular file; not run"; return 1; fi
  _inroot || { _se="outside root: \$1 does not resolve to a path proven inside the root; not run"; return 1; }
}
# _E ID LIVEONLY NEEDSROOT PROGRAMS SECS EACH SNIPPET: SNIPPET once per line printed by EACH, as ID:line
_E() {
  _guard "\$1" "\$2" "\$3" "\$4" || return 0
  _en=\$( _to "\$5" sh -c "\$6" sh </dev/null 2>/dev/null )
  printf '\n%s C ok\n%s\0\0%s' "\$N" "\$1" "\$_en"
  printf '%s\n' "\$_en" | while IFS= read -r _d; do
    [ -n "\$_d" ] || continue
    _k="\$1:\$_d"; _lt=
    _x "\$5" sh -c "\$7" sh "\$_d"
  done
}
# _V ID LIVEONLY NEEDSROOT PROGRAMS SECS EACH URI BEFORE AFTER SNIPPET: like _E, with every subject in ONE virsh
# process, its command string \`echo \${N}D 0; BEFORE 'subject 0' AFTER; echo \${N}D 1; ...\` (subjects quoted by _q,
# which virsh's own parser reads as sh does). virsh's stderr streams as a W record, its stdout is kept until its first
# marker is seen: then a V record (split at the markers by the decoder); without it (a virsh wrapper that takes no
# command string) SNIPPET runs once per subject as _E does.
_V() {
  _guard "\$1" "\$2" "\$3" "\$4" || return 0
  _en=\$( _to "\$5" sh -c "\$6" sh </dev/null 2>/dev/null )
  printf '\n%s C ok\n%s\0\0%s' "\$N" "\$1" "\$_en"
  _vb=; _vi=0; _vo=\$IFS; IFS=\$NL; set -f
  for _d in \$_en; do _q "\$_d"; _vb="\$_vb echo \${N}D \$_vi; \$8 \$_qr \$9;"; _vi=\$((_vi + 1)); done
  set +f; IFS=\$_vo
  [ "\$_vi" -gt 0 ] || return 0
  printf '\n%s W\n' "\$N"
  _vs=\$( { _to \$((\$5 * 4)) virsh -c "\$7" "\$_vb" </dev/null 2>&5; printf ':%s' "\$?"; } )
  _vr=\${_vs##*:}; _vs=\${_vs%:*}
  case \$_vr in ''|*[!0-9]*) _vr=255 ;; esac
  case \$_vs in
    *"\${N}D 0\$NL"*) printf '\n%s V\n%s\0\0%s\n%s E %s\n' "\$N" "\$1" "\$_vs" "\$N" "\$_vr"; return ;;
  esac
  printf '%s\n' "\$_en" | while IFS= read -r _d; do
    [ -n "\$_d" ] || continue
    _k="\$1:\$_d"; _lt=
    _x "\$5" sh -c "\${10}" sh "\$_d"
  done
}
# _batches: the queued paths, each batch one process (B record + E)
_batches() {
  if [ -n "\$_SLF" ]; then eval "set -- \$_SLF"; printf '\n%s B statf\n' "\$N"; _run "\$BT" stat -L --printf "\$_SF" -- "\$@"; fi
  if [ -n "\$_SLL" ]; then eval "set -- \$_SLL"; printf '\n%s B statl\n' "\$N"; _run "\$BT" stat --printf "\$_SF" -- "\$@"; fi
  if [ -n "\$_KL" ]; then eval "set -- \$_KL"; printf '\n%s B link\n' "\$N"; _run "\$BT" readlink -z -- "\$@"; fi
  if [ -n "\$_HL" ]; then eval "set -- \$_HL"; printf '\n%s B head\n' "\$N"; _run "\$BT" head -v -c "\$C1" -- "\$@"; fi
  if [ -n "\$_TL" ]; then eval "set -- \$_TL"; printf '\n%s B tail\n' "\$N"; _run "\$BT" tail -v -c "\$C" -- "\$@"; fi
}
`.replace(/\\\$/g, '$').replace(/\\`/g, '`');

/** The script fragment computing a ScriptVariable (pure sh, reading a regular file with the same checks). */
const VARIABLE_CODE: Record<keyof typeof VARIABLES, string> = {
  SASLDB: String.raw`
SASLDB=${shq(VARIABLES.SASLDB.default)}
if _res /etc/sasl2/libvirt.conf 1 && _stat && [ "$_ty" = 32768 ]; then
  _sz=${'$'}{_so#*:*:*:}; _sz=${'$'}{_sz%%:*}
  if [ "$_sz" -le 65536 ] 2>/dev/null; then
    while IFS= read -r _l || [ -n "$_l" ]; do
      _l=${'$'}{_l#"${'$'}{_l%%[! 	]*}"}
      case $_l in
        sasldb_path:*)
          _v=${'$'}{_l#sasldb_path:}; _v=${'$'}{_v#"${'$'}{_v%%[! 	]*}"}; _v=${'$'}{_v%"${'$'}{_v##*[! 	]}"}
          case $_v in /*) SASLDB=$_v ;; esac
          break ;;
      esac
    done < "$_t"
  fi
fi
`,
};

function argCode(a: CommandArg): string {
  return typeof a === 'string' ? shq(a) : `"$${a.variable}"`;
}

const GLOB_CHARS = /[*?[]/;

/**
 * A glob expanded one directory level at a time, each level's directory resolved inside the root by `_gd` (never
 * `"$R"/a/*` + `/b` expanded by sh, which follows the root's absolute symlinks on the auditor's filesystem). One
 * nested `for` loop per component holding a pattern (loop variables numbered by depth: POSIX sh has no locals); a
 * literal tail after the last pattern is checked with `_ge`. `reader` gets each match by its path on the target.
 */
export function globCode(pattern: string, reader: string): string {
  if (!GLOB_SAFE.test(pattern)) throw new Error(`unsafe glob pattern in manifest: ${pattern}`);
  const comps = pattern.split('/').slice(1);
  if (comps.some((c) => c === '' || c === '.' || c === '..')) throw new Error(`unsafe glob pattern in manifest: ${pattern}`);
  // the target path matched so far, as sh words: "$_pN" (a match of level N) followed by a constant
  let prev = '';
  let literal = '';
  let depth = 0;
  const open: string[] = [];
  const close: string[] = [];
  const word = (): string => (prev === '' ? shq(literal || '/') : literal === '' ? prev : `${prev}${shq(literal)}`);
  for (const c of comps) {
    if (!GLOB_CHARS.test(c)) {
      literal += `/${c}`;
      continue;
    }
    depth++;
    const m = `_m${depth}`;
    const base = prev === '' && literal === '' ? '' : word();
    open.push(`if _gd ${word()}; then for ${m} in "$_t"/${c}; do _gm "$${m}" || continue; _p${depth}=${base}/"\${${m}##*/}"`);
    close.unshift('done; fi');
    prev = `"$_p${depth}"`;
    literal = '';
  }
  const target = word();
  const read = `${reader} ${target} 0`;
  return [...open, depth === 0 || literal !== '' ? `_ge ${target} && ${read}` : read, ...close].join('\n');
}

const SIMPLE_WORD = /^[A-Za-z0-9_.,:/=@%+-]+$/;

/**
 * A snippet that is one simple command (a program it `requires`, constant words, "$1"... / "$@") as sh words, run without `sh -c`
 * (which would exec the same program: one process less per command); undefined for anything else.
 */
export function directWords(script: string, argWords: string[], requires: readonly string[]): string[] | undefined {
  const ws = script.split(' ');
  // a declared program only: never a shell builtin such as `command`
  if (!PROG_SAFE.test(ws[0]) || !requires.includes(ws[0])) return undefined;
  const out: string[] = [];
  for (const w of ws) {
    if (SIMPLE_WORD.test(w)) out.push(shq(w));
    else if (/^"\$[1-9]"$/.test(w) && Number(w[2]) <= argWords.length) out.push(argWords[Number(w[2]) - 1]);
    else if (w === '"$@"') out.push(...argWords);
    else return undefined;
  }
  return out;
}

function itemCode(item: ManifestItem): string {
  switch (item.kind) {
    case 'file':
      assertPath(item.path);
      return `_F ${shq(item.path)} ${item.fromEnd ? 1 : 0}`;
    case 'stat':
      assertPath(item.path);
      return `_S ${shq(item.path)}`;
    case 'stat-var':
      return `_S "$${item.variable}"`;
    case 'link':
      assertPath(item.path);
      return `_L ${shq(item.path)}`;
    case 'dir':
      assertPath(item.path);
      return `_D ${shq(item.path)}`;
    case 'glob': {
      const reader = item.read === 'file' ? '_F' : item.read === 'stat' ? '_S' : '_L';
      return globCode(item.pattern, reader);
    }
    case 'procs': {
      for (const c of item.comms) if (!CASE_SAFE.test(c)) throw new Error(`unsafe comm pattern: ${c}`);
      for (const f of item.files) if (!/^[a-z_]+(\/[a-z_]+)*$/.test(f)) throw new Error(`unsafe proc file: ${f}`);
      const reads = item.files.map((f) => `_F "/proc/$_pid/"${shq(f)} 0`).join('; ');
      return [
        // /proc of the root, resolved inside it like every path (an offline root's `proc -> /proc` is a loop there)
        `if _gd /proc; then for _pd in "$_t"/[0-9]*; do`,
        `  _pid=\${_pd##*/}; case $_pid in *[!0-9]*) continue ;; esac`,
        `  _gd "/proc/$_pid" || continue`,
        // comm of every process, read by the shell itself (no process, no batch argument per pid)
        `  _Fc "/proc/$_pid/comm"`,
        `  case $_cm in ${item.comms.join('|')}) ${reads} ;; esac`,
        `done; fi`,
      ].join('\n');
    }
    case 'command': {
      for (const p of item.requires) if (!PROG_SAFE.test(p)) throw new Error(`unsafe program name: ${p}`);
      const secs = item.timeoutSec ?? DEFAULT_COMMAND_TIMEOUT_SEC;
      const guard = `${shq(item.id)} ${item.liveOnly ? 1 : 0} ${item.needsRoot ? 1 : 0} ${shq(item.requires.join(' '))}`;
      const head = `${guard} ${secs}`;
      if (item.each && item.virshBatch) {
        const vq = (ws: string[] | undefined): string => (ws ?? []).map((w) => shq(w)).join(' ');
        return `_V ${head} ${shq(item.each)} ${shq(item.virshBatch.uri)} ${shq(vq(item.virshBatch.before))} ${shq(vq(item.virshBatch.after))} ${shq(item.script)}`;
      }
      if (item.each) return `_E ${head} ${shq(item.each)} ${shq(item.script)}`;
      const args = item.args ?? [];
      if (!args.some((a) => typeof a !== 'string' && a.rooted)) {
        const direct = directWords(item.script, args.map(argCode), item.requires);
        if (direct) return `_Cx ${head} ${direct.join(' ')}`;
        return `_C ${head} ${shq(item.script)}${args.map((a) => ` ${argCode(a)}`).join('')}`;
      }
      // Target paths are resolved inside the root and must be regular files proven inside it, else nothing runs.
      const checks: string[] = [];
      const words = args.map((a, i) => {
        if (typeof a === 'string' || !a.rooted) return argCode(a);
        checks.push(`_ra "$${a.variable}" && _a${i}=$_t`);
        return `"$_a${i}"`;
      });
      const direct = directWords(item.script, words, item.requires);
      const run = direct ? `_k=${shq(item.id)}; _lt=; _x ${secs} ${direct.join(' ')}` : `_Cr ${shq(item.id)} ${secs} ${shq(item.script)}${words.map((w) => ` ${w}`).join('')}`;
      return [
        `if _guard ${guard}; then`,
        `  if ${checks.join(' && ')}; then ${run}`,
        `  else printf '\\n%s C error\\n%s\\0\\0%s' "$N" ${shq(item.id)} "$_se"; fi`,
        'fi',
      ].join('\n');
    }
  }
}

/** Compile `items` into a script. `nonce` is for tests only; by default a fresh random one per run. */
export function compileScript(items: readonly ManifestItem[], nonce = `VMA${randomBytes(16).toString('hex')}:`, kind?: 'host' | 'guest', header: string[] = []): CompiledScript {
  if (!/^VMA[0-9a-f]{8,64}:$/.test(nonce)) throw new Error('bad nonce');
  const vars = new Set<keyof typeof VARIABLES>();
  for (const it of items) {
    if (it.kind === 'stat-var') vars.add(it.variable);
    if (it.kind === 'command') for (const a of it.args ?? []) if (typeof a !== 'string') vars.add(a.variable);
  }
  const lines: string[] = [
    ...header,
    `# vmaudit evidence collector, script version ${SCRIPT_VERSION} (generated). Reads the declared evidence and prints it on stdout.`,
    '# It writes nothing: no files, no temp files. The whole body is a function so sh parses it before running.',
    '_vmaudit_main() {',
    `N=${shq(nonce)}; V=${SCRIPT_VERSION}; C=${FILE_CAP}; C1=${FILE_CAP + 1}; EC=${STDERR_CAP}; BT=${BATCH_TIMEOUT_SEC}; ESC=${shq(headerMarker(nonce))}`,
    PRELUDE,
    `printf '%s BEGIN %s %s %s %s %s\\n' "$N" "$V" "$LIVE" "$_TO" "$_U" ${kind ?? '-'}`,
    '{',
    'exec 5>&1',
    ...[...vars].map((v) => VARIABLE_CODE[v]),
  ];
  items.forEach((item, i) => {
    lines.push(`printf '\\n%s I ${i}\\n' "$N"`, itemCode(item), `printf '\\n%s J ${i}\\n' "$N"`);
  });
  lines.push('_batches', `printf '\\n%s Z\\n' "$N"`, '} | base64', `printf '%s DONE\\n' "$N"`, '}', '_vmaudit_main </dev/null', '');
  return { script: lines.join('\n'), nonce, items };
}
