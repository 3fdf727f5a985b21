#!/usr/bin/env bash
# nginx at its best for small files: one worker, open_file_cache (no
# open/fstat/close per request), sendfile, tcp_nopush on, etag on, no access
# log, loopback only. The anchor the CPU-per-request goals are stated against.
# Config and temp paths live in /tmp/bench-nginx-ofc-$PORT/ (run.mjs removes it).
# NGINX_WORKER_CONNECTIONS (default 4096) raises the connection limit
# (idle-memory.mjs opens 10 000 idle connections).
set -euo pipefail
: "${PORT:?PORT must be set}"
ROOT="${ROOT:-$(cd "$(dirname "$0")/../fixtures/public" && pwd)}"
CONNS="${NGINX_WORKER_CONNECTIONS:-4096}"
DIR="/tmp/bench-nginx-ofc-$PORT"
rm -rf "$DIR"
mkdir -p "$DIR/tmp"
MIME=/etc/nginx/mime.types
[ -f "$MIME" ] || { echo "missing $MIME (apt-get install nginx-light)" >&2; exit 3; }
cat > "$DIR/nginx.conf" <<CONF
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile $((CONNS + 64));
pid $DIR/nginx.pid;
error_log $DIR/error.log warn;
events { worker_connections $CONNS; }
http {
    include $MIME;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    etag on;
    open_file_cache max=1000 inactive=60s;
    open_file_cache_valid 60s;
    open_file_cache_min_uses 1;
    open_file_cache_errors on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    client_body_temp_path $DIR/tmp/body;
    proxy_temp_path $DIR/tmp/proxy;
    fastcgi_temp_path $DIR/tmp/fastcgi;
    uwsgi_temp_path $DIR/tmp/uwsgi;
    scgi_temp_path $DIR/tmp/scgi;
    server {
        listen 127.0.0.1:$PORT;
        server_name localhost;
        root $ROOT;
        index index.html;
        add_header Access-Control-Allow-Origin * always;
    }
}
CONF
exec nginx -p "$DIR" -e "$DIR/error.log" -c "$DIR/nginx.conf"
