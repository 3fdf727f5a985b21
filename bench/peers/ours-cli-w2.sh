#!/usr/bin/env bash
# Ours, the real CLI with two worker processes (run unpinned: mode free).
set -euo pipefail
OURS_FLAGS="--workers 2 ${OURS_FLAGS:-}" exec "$(dirname "$0")/ours-cli.sh"
