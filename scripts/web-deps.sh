#!/usr/bin/env bash
# Installs the teaching page's npm packages (Chart.js and its annotation plugin for the page, playwright-core
# for its end-to-end tests), exactly as web/package-lock.json pins them, into web/node_modules. Skips npm when
# node_modules already matches the lockfile, so repeated runs are fast and work offline.
set -euo pipefail
cd "$(dirname "$0")/../web"

stamp=node_modules/.hedgesim-lock
if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
  echo "web-deps: web/node_modules matches package-lock.json"
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
cp package-lock.json "$stamp"
