#!/usr/bin/env bash
# nginx at its best for small files: nginx-1w.sh (one worker, sendfile, loopback
# only) with open_file_cache (no open/fstat/close per request), tcp_nopush on,
# etag on. The anchor the CPU-per-request goals are stated against.
# Config and temp paths live in /tmp/bench-nginx-ofc-$PORT/ (run.mjs removes it).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
export NGINX_NAME=nginx-ofc NGINX_WORKERS=1 TCP_NOPUSH=on
export NGINX_HTTP_EXTRA="    etag on;
    open_file_cache max=1000 inactive=60s;
    open_file_cache_valid 60s;
    open_file_cache_min_uses 1;
    open_file_cache_errors on;"
exec "$HERE/nginx-1w.sh"
