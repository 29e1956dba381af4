#!/bin/sh
# Entry point of the vmaudit container image (Containerfile). Runs from the directory mounted at /work
# (VMAUDIT_WORK), so relative paths in arguments and reports (-o report.sarif) are files of the mount.
#
#   (no arguments)            vmaudit scan domain .      every *.xml directly in /work
#   -f sarif -o r.sarif ...   vmaudit scan domain . -f sarif -o r.sarif ...
#   vms/a.xml vms/ -f json    vmaudit scan domain vms/a.xml vms/ -f json
#   - (stdin, with -i)        vmaudit scan domain -
#   scan host --root /host    vmaudit scan host --root /host   (any vmaudit command: scan, rules, policy, ...)
#
# vmaudit's exit code is the container's: 0 passed, 1 gate failed, 2 usage error, 3 a target could not be scanned.
set -eu

work=${VMAUDIT_WORK:-/work}
if ! cd "$work" 2>/dev/null; then
  echo "vmaudit-container: $work is not a directory: mount the domain XML there, e.g. -v \"\$PWD:$work:ro\"" >&2
  exit 2
fi

case "${1-}" in
  scan | rules | policy | report | fix | collect | help | --help | -h | --version)
    exec vmaudit "$@" ;;
  '' | -?*)
    # Flags only (or nothing): scan the mounted directory. "-" alone is stdin, a file argument.
    exec vmaudit scan domain . "$@" ;;
  *)
    exec vmaudit scan domain "$@" ;;
esac
