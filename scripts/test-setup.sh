#!/usr/bin/env bash
# What `make test` needs on a fresh machine: Debian's Chromium for the browser
# tests and PostgreSQL on 127.0.0.1:5432 for the store's conformance suite.
# It installs or starts what it can, and says in one line what it cannot.
# `make test` and .ci/run both call it. It never downloads a browser of its own.
set -uo pipefail

# Chromium: Debian's package, installed when missing and we are root with apt.
if [ -z "${FLOWDECK_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test-setup: installing Debian's chromium for the browser tests"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } ||
      echo "test-setup: could not install chromium (apt-get failed): the browser tests will fail; install it and run make test again"
  else
    echo "test-setup: chromium is missing and cannot be installed here (needs root and apt-get): run 'sudo apt-get install -y chromium' (or set FLOWDECK_CHROMIUM)"
  fi
fi

# PostgreSQL: the machine's server on 127.0.0.1:5432, started if it stopped.
if [ -n "${FLOWDECK_TEST_POSTGRES_URL:-}" ] && command -v pg_isready >/dev/null 2>&1; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start >/dev/null 2>&1 || true
      for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    fi
    pg_isready -q -h 127.0.0.1 -p 5432 ||
      echo "test-setup: PostgreSQL is not answering on 127.0.0.1:5432 and could not be started: its tests will fail (or run with FLOWDECK_TEST_POSTGRES_URL= to leave them out)"
  fi
elif [ -n "${FLOWDECK_TEST_POSTGRES_URL:-}" ]; then
  echo "test-setup: pg_isready not found: cannot check PostgreSQL on 127.0.0.1:5432; its tests will fail if it is not running"
fi
exit 0
