#!/usr/bin/env bash
# The machine tools some tests need, from Debian's packages: `prometheus` (promtool + a server for the
# scrape tests) and `chromium` (the one-click action page as a browser sees it). Installs what is
# missing when this is a Debian-like machine where we are root; otherwise says what to do, and in CI
# (CI set) fails, so a test is never skipped there for want of a tool.
set -euo pipefail
missing=()
{ command -v promtool >/dev/null && command -v prometheus >/dev/null; } || missing+=(prometheus)
{ command -v chromium >/dev/null || command -v chromium-browser >/dev/null; } || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's ${missing[*]} (for the scrape and browser tests)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The prometheus package may start a system-wide server (where systemd runs); the tests run their own
  # on a free loopback port, so stop that one.
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then systemctl stop prometheus || true; fi
  exit 0
fi
if [ -n "${CI:-}" ]; then
  echo "${missing[*]} missing and cannot be installed here (need root and apt-get)" >&2
  exit 1
fi
echo "note: ${missing[*]} not found; their tests will be skipped (apt-get install ${missing[*]})" >&2
