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

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

status=0
dotnet test ThreadSync.sln -c Release --logger "console;verbosity=normal" --logger "trx" --results-directory "$results" "$@" \
  | tee "$results/output.txt" || status=$?

# One closing line for humans and CI: totals over every test project.
passed=$(grep -hoE 'Passed: +[0-9]+' "$results/output.txt" | awk '{s+=$2} END {print s+0}')
failed=$(grep -hoE 'Failed: +[0-9]+' "$results/output.txt" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -hoE 'Skipped: +[0-9]+' "$results/output.txt" | awk '{s+=$2} END {print s+0}')
echo
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit $status
