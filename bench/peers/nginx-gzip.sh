#!/usr/bin/env bash
# nginx compressing every response on the fly, as it is usually set up: nginx-1w.sh
# (one worker, sendfile, tcp_nopush off, loopback only) with `gzip on` at
# gzip_comp_level 1 (nginx's default level), Vary, and the usual text types
# (nginx gzips only text/html unless gzip_types lists more).
# Config and temp paths live in /tmp/bench-nginx-gzip-$PORT/ (run.mjs removes it).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
export NGINX_NAME=nginx-gzip NGINX_WORKERS=1 TCP_NOPUSH=off
export NGINX_HTTP_EXTRA="    gzip on;
    gzip_comp_level 1;
    gzip_vary on;
    gzip_types text/plain text/css text/javascript application/javascript application/json image/svg+xml application/xml;"
exec "$HERE/nginx-1w.sh"
