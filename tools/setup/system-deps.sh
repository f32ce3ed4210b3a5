#!/usr/bin/env bash
# System packages the test suite needs (part of `npm run setup`): Debian's Chromium for the
# editor's end-to-end tests and redis-server for batch jobs (`stylegraph batch run --local`). Installs it when missing and this machine can (root with apt-get);
# otherwise stops with the one command to run. STYLEGRAPH_CHROMIUM names another Chromium binary.
set -euo pipefail

chromium="${STYLEGRAPH_CHROMIUM:-/usr/bin/chromium}"
missing=()
[ -x "$chromium" ] || missing+=(chromium)
command -v "${STYLEGRAPH_REDIS_SERVER:-redis-server}" >/dev/null 2>&1 || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get update && apt-get install -y ${missing[*]}"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing ${missing[*]} (Debian packages the tests need)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq "${missing[@]}" >&2
  exit 0
fi
echo "setup: the tests need ${missing[*]}; install them with:  sudo sh -c '$cmd'  (or set STYLEGRAPH_CHROMIUM to a Chromium binary), then run npm run setup again" >&2
exit 1
