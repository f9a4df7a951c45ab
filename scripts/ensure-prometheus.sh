#!/usr/bin/env bash
# promtool and a Prometheus server for the scrape tests, from Debian's `prometheus` package.
# Installs it when missing and this is a Debian-like machine where we are root; otherwise says what to do.
set -euo pipefail
if command -v promtool >/dev/null && command -v prometheus >/dev/null; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's prometheus package (promtool + server for the scrape tests)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  # The package may start a system-wide server; the tests run their own on a free loopback port.
  (command -v systemctl >/dev/null && systemctl stop prometheus 2>/dev/null) || pkill -x prometheus || true
  exit 0
fi
echo "note: promtool/prometheus not found; the Prometheus scrape tests will be skipped (apt-get install prometheus)" >&2
