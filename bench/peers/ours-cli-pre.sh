#!/usr/bin/env bash
# Ours, the real CLI with --precompressed: file.br / file.gz on disk win over the
# variants it makes itself.
set -euo pipefail
OURS_FLAGS="--precompressed ${OURS_FLAGS:-}" exec "$(dirname "$0")/ours-cli.sh"
