#!/usr/bin/env bash
# nginx serving precompressed files: nginx-1w.sh with `gzip_static on` (file.gz next
# to file, made by gzip -9 in bench/fixtures/make.mjs; nginx-light has no brotli)
# and Vary. Nothing is compressed per request.
# Config and temp paths live in /tmp/bench-nginx-gzip-static-$PORT/ (run.mjs removes it).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
export NGINX_NAME=nginx-gzip-static NGINX_WORKERS=1 TCP_NOPUSH=off
export NGINX_HTTP_EXTRA="    gzip_static on;
    gzip_vary on;"
exec "$HERE/nginx-1w.sh"
