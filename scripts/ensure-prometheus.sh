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
  # The package may start a system-wide server (where systemd runs); the tests run their own on a free
  # loopback port, so stop that one.
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then systemctl stop prometheus || true; fi
  exit 0
fi
if [ -n "${CI:-}" ]; then
  echo "promtool/prometheus missing and cannot be installed here (need root and apt-get)" >&2
  exit 1
fi
echo "note: promtool/prometheus not found; the Prometheus scrape tests will be skipped (apt-get install prometheus)" >&2
