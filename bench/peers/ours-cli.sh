#!/usr/bin/env bash
# Ours, the real CLI: allowlist + static + cors + fallback. With no --allow
# flag it serves every non-dotfile under ROOT. Extra CLI flags via OURS_FLAGS.
set -euo pipefail
: "${PORT:?PORT must be set}"
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="${TINYHTTP_REPO:-$(cd "$HERE/../.." && pwd)}"
ROOT="${ROOT:-$HERE/../fixtures/public}"
BIN="$REPO/packages/cli/dist/bin.js"
[ -f "$BIN" ] || { echo "missing $BIN (run: pnpm build)" >&2; exit 3; }
# shellcheck disable=SC2086
exec node "$BIN" "$ROOT" --port "$PORT" --host 127.0.0.1 --quiet ${OURS_FLAGS:-}
