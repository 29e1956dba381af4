#!/usr/bin/env bash
# Fetches libvirt's own test-suite domain XMLs (the labelled real corpus of test/corpus, see test/corpus/README.md)
# from the Debian source package of the machine's suite, and prints the directory that holds them:
#   .cache/libvirt-corpus/libvirt-<upstream version>/tests/{qemuxml2argvdata,qemuxml2xmloutdata,
#                                                           genericxml2xmlindata,qemustatusxml2xmldata}
# Idempotent: once unpacked, later runs print the cached directory without touching the network
# (--refresh, or VMAUDIT_CORPUS_REFRESH=1, asks Debian again for the current version).
# The system's apt configuration is never modified: a private sources file, lists and cache under the cache dir
# (apt still reads /etc/apt/apt.conf.d, so a configured proxy applies). Works as root and as any user.
# VMAUDIT_CORPUS_SUITE=bookworm picks the Debian suite (default: VERSION_CODENAME of /etc/os-release on Debian).
# Exit codes: 0 = printed the directory; 2 = the corpus cannot be fetched here (no apt, not Debian, no network):
# the reason is on stderr; anything else is a bug of this script.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
C="$ROOT/.cache/libvirt-corpus"
DIRS=(qemuxml2argvdata qemuxml2xmloutdata genericxml2xmlindata qemustatusxml2xmldata)
REFRESH="${VMAUDIT_CORPUS_REFRESH:-0}"
[ "${1:-}" = "--refresh" ] && REFRESH=1

unavailable() { echo "fetch-libvirt-corpus: $*" >&2; exit 2; }

mkdir -p "$C"
exec 9>"$C/.lock"
flock 9

# The cached corpus (the newest complete one) unless a refresh is asked for.
if [ "$REFRESH" != 1 ]; then
  cached="$(ls -d "$C"/libvirt-*/.complete 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$cached" ]; then dirname "$cached"; exit 0; fi
fi

command -v apt-get >/dev/null || unavailable "apt-get not found: the corpus is Debian's libvirt source package (run on Debian, or unpack libvirt's tests/ under $C/libvirt-<version>/ by hand and touch .complete there)"
command -v xz >/dev/null || unavailable "xz not found (apt-get install xz-utils)"
SUITE="${VMAUDIT_CORPUS_SUITE:-}"
if [ -z "$SUITE" ]; then
  # shellcheck disable=SC1091
  ID="$(. /etc/os-release 2>/dev/null && echo "${ID:-}")"
  [ "$ID" = debian ] || unavailable "this is not Debian (/etc/os-release ID='$ID'); set VMAUDIT_CORPUS_SUITE=bookworm to use Debian bookworm's libvirt"
  SUITE="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
  [ -n "$SUITE" ] || unavailable "no VERSION_CODENAME in /etc/os-release; set VMAUDIT_CORPUS_SUITE"
fi
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$KEYRING" ] || unavailable "$KEYRING missing (apt-get install debian-archive-keyring)"

APT="$C/apt"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/download"
printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: %s\n' "$SUITE" "$KEYRING" >"$APT/src.sources"
OPTS=(-o "Dir::Etc::sourcelist=$APT/src.sources" -o Dir::Etc::sourceparts=/dev/null
      -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache" -o Debug::NoLocking=true)
# As root apt downloads as the _apt user, who cannot write into a user's tree: download as root then (no warning).
[ "$(id -u)" -ne 0 ] || OPTS+=(-o APT::Sandbox::User=root)

log="$APT/update.log"
if ! apt-get "${OPTS[@]}" update >"$log" 2>&1 || grep -qE '^(Err|E):' "$log" || ! ls "$APT/lists/"*_Sources* >/dev/null 2>&1; then
  unavailable "apt-get update of deb-src $SUITE failed (no network?):
$(grep -E '^(Err|E|W):' "$log" | head -n 5)"
fi
# apt-get source: the .dsc and its tarballs into download/ (the previous ones are dropped first).
rm -f "$APT/download/"*
if ! (cd "$APT/download" && apt-get "${OPTS[@]}" source --download-only libvirt) >"$APT/source.log" 2>&1; then
  unavailable "apt-get source --download-only libvirt failed:
$(tail -n 5 "$APT/source.log")"
fi
orig="$(ls "$APT/download/"libvirt_*.orig.tar.* 2>/dev/null | head -n 1 || true)"
[ -n "$orig" ] || unavailable "no libvirt_*.orig.tar.* in the downloaded source package: $(ls "$APT/download")"
version="$(basename "$orig" | sed -E 's/^libvirt_(.*)\.orig\.tar\..*$/\1/')"
dest="$C/libvirt-$version"
if [ ! -e "$dest/.complete" ]; then
  rm -rf "$dest.tmp"; mkdir -p "$dest.tmp"
  # The upstream tarball's top directory is libvirt-<version>/; only the four test-data directories are unpacked.
  tar -xf "$orig" -C "$dest.tmp" --strip-components=1 --wildcards $(printf "*/tests/%s/* " "${DIRS[@]}")
  for d in "${DIRS[@]}"; do [ -d "$dest.tmp/tests/$d" ] || { echo "fetch-libvirt-corpus: $orig has no tests/$d" >&2; exit 1; }; done
  cp "$APT/download/"*.dsc "$dest.tmp/" 2>/dev/null || true
  touch "$dest.tmp/.complete"
  rm -rf "$dest"; mv "$dest.tmp" "$dest"
fi
echo "$dest"
