#!/usr/bin/env bash
# Ours, the real CLI with --cache spa on the rules run's root (RULES_ROOT: the fixtures plus _headers with
# 200 header rules and _redirects with 200 redirects, written by fixtures/make.mjs). The CLI reads the rule
# files from the root once it has issue 12's rule-file reading (branch i12-cli-rules); before that, this
# measures --cache spa alone. Extra CLI flags via OURS_FLAGS.
set -euo pipefail
: "${PORT:?PORT must be set}"
: "${RULES_ROOT:?RULES_ROOT must be set (run.mjs --rules sets it)}"
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="${TINYHTTP_REPO:-$(cd "$HERE/../.." && pwd)}"
BIN="$REPO/packages/cli/dist/bin.js"
[ -f "$BIN" ] || { echo "missing $BIN (run: pnpm build)" >&2; exit 3; }
# shellcheck disable=SC2086
exec node "$BIN" "$RULES_ROOT" --port "$PORT" --host 127.0.0.1 --quiet --cache spa ${OURS_FLAGS:-}
