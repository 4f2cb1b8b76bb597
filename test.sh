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

output="$(mktemp)"
trap 'rm -f "$output"' EXIT

# Tests run on Microsoft.Testing.Platform (see global.json); one run covers every test project in the solution.
status=0
dotnet test --solution ThreadSync.sln -c Release "$@" 2>&1 | tee "$output" || status=$?

# One closing line for humans and CI, from the platform's run summary.
passed=$(grep -oE '^\s+succeeded: [0-9]+' "$output" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE '^\s+failed: [0-9]+' "$output" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE '^\s+skipped: [0-9]+' "$output" | awk '{s+=$2} END {print s+0}')
echo
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "No test ran." >&2
  exit 1
fi
exit $status
