#!/usr/bin/env bash
# The real-VS-Code suites, as CI runs them (called from .ci/run after the unit tests):
#   1. tools: Node 24, code-server, Chromium (installed once, cached in ~/.cache/stakes)
#   2. the extension-host suite inside code-server, against the packaged .vsix
#   3. the same suite under desktop VS Code (test-electron) where it can be had; SKIPPED here
#   4. the browser end-to-end suite against the packaged .vsix
# Both suites always run; the script fails if either failed. Expects Node 22+ on PATH.
set -uo pipefail
cd "$(dirname "$0")/../.."
export CI="${CI:-true}"
start=$(date +%s)
failed=()
stage() {
  local name=$1; shift
  local t0; t0=$(date +%s)
  printf '\n--- %s ---\n' "$name"
  if "$@"; then
    printf -- '--- %s: ok (%ss) ---\n' "$name" "$(( $(date +%s) - t0 ))"
  else
    printf -- '--- %s: FAILED (%ss) ---\n' "$name" "$(( $(date +%s) - t0 ))"
    failed+=("$name")
  fi
}

stage "tools (Node 24, code-server, Chromium)" node test/e2e/setup.mjs
if [ ${#failed[@]} -gt 0 ]; then echo "VS Code suites: tool installation failed"; exit 1; fi
stage "compile tests + package .vsix" bash -c 'npx tsc -p . && npm run --silent package >/dev/null && ls -la stakes.vsix'
if [ ${#failed[@]} -gt 0 ]; then echo "VS Code suites: build failed"; exit 1; fi

stage "extension-host suite in code-server" node test/e2e/integration.mjs --vsix stakes.vsix
stage "extension-host suite in desktop VS Code" node out/test/integration/runElectron.js
stage "browser end-to-end suite" node test/e2e/run.mjs --vsix stakes.vsix

echo
echo "VS Code suites finished in $(( $(date +%s) - start ))s; screenshots in test-results/e2e/"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAILED: %s\n' "${failed[@]}"
  exit 1
fi
