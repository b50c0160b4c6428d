#!/usr/bin/env bash
# `pnpm mutation [stryker options]`: StrykerJS over scripts/core and scripts/plan (stryker.config.json), incremental.
# Not part of .ci/run. StrykerJS 10 needs Node.js 22 or newer: on an older Node this runs it under Node 24
# (the npm registry's `node` package, fetched by npx once).
# One folder at a time: `pnpm mutation --mutate 'scripts/plan/**/*.ts'`.
set -euo pipefail
cd "$(dirname "$0")/../.."
stryker=node_modules/@stryker-mutator/core/bin/stryker.js
if node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 22 ? 0 : 1)'; then
  exec node "$stryker" run "$@"
fi
exec npx -y node@24 "$stryker" run "$@"
