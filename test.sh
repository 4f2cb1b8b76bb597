#!/usr/bin/env bash
# Runs the whole ThreadSync test suite. This is the one test command of the README; .ci/run runs exactly it.
# It installs and starts whatever the tests need, so it works on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is required (https://dot.net)." >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

# The PostgreSQL store tests need a server: start (and if need be install) the throwaway one, unless one is given.
if [ -z "${THREADSYNC_TEST_POSTGRES:-}" ]; then
  THREADSYNC_TEST_POSTGRES="$(bash eng/start-test-postgres.sh)"
fi
export THREADSYNC_TEST_POSTGRES

# The load harness's smoke run (below) starts Portkey's gateway from npm as the peer it compares against.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Node.js not found; installing it with apt-get (the load harness's peer gateway runs on it)." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y --no-install-recommends nodejs npm >&2
  else
    echo "Node.js and npm are required for the load harness smoke run: install them first." >&2
    exit 1
  fi
fi

# The browser tests (tests/ThreadSync.Hosting.Tests/Browser) drive a headless Chromium over the DevTools protocol.
if [ -z "${THREADSYNC_CHROMIUM:-}" ]; then
  if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 && ! command -v google-chrome >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "Chromium not found; installing it with apt-get (the browser tests run it headless)." >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update >&2
      apt-get install -y --no-install-recommends chromium >&2
    else
      echo "Chromium is required for the browser tests: install it (e.g. apt-get install chromium) or set THREADSYNC_CHROMIUM." >&2
      exit 1
    fi
  fi
  THREADSYNC_CHROMIUM="$(command -v chromium || command -v chromium-browser || command -v google-chrome)"
fi
export THREADSYNC_CHROMIUM

output="$(mktemp)"
trap 'rm -f "$output"' EXIT

# Tests run on Microsoft.Testing.Platform (see global.json); one run covers every test project in the solution.
status=0
dotnet test --solution ThreadSync.sln -c Release "$@" 2>&1 | tee "$output" || status=$?

# The load harness's smoke mode: every configuration (direct, ThreadSync on SQLite and on PostgreSQL x2, Portkey)
# must answer a few plain and streamed requests correctly. No timing is asserted. Counted as one test.
smoke=0
if [ "$status" -eq 0 ]; then
  echo
  echo "Load harness smoke run:"
  # Built here: `dotnet test` builds only what the test projects need (the harness also builds the reference server).
  if dotnet build -c Release -nologo -v quiet benchmarks/ThreadSync.LoadHarness \
    && dotnet run -c Release --no-build --project benchmarks/ThreadSync.LoadHarness -- --smoke; then
    smoke=1
  else
    status=1
  fi
fi

# One closing line for humans and CI, from the platform's run summary.
passed=$(( $(grep -oE '^\s+succeeded: [0-9]+' "$output" | awk '{s+=$2} END {print s+0}') + smoke ))
failed=$(grep -oE '^\s+failed: [0-9]+' "$output" | awk '{s+=$2} END {print s+0}')
if [ "$status" -ne 0 ] && [ "$smoke" -eq 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi
skipped=$(grep -oE '^\s+skipped: [0-9]+' "$output" | awk '{s+=$2} END {print s+0}')
echo
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "No test ran." >&2
  exit 1
fi
exit $status
