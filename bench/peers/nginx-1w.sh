#!/usr/bin/env bash
# nginx, one worker, sendfile, tcp_nopush off, loopback only.
# Config and temp paths live in /tmp/bench-nginx-$PORT/ (run.mjs removes it).
# NGINX_WORKER_CONNECTIONS (default 4096) raises the connection limit
# (idle-memory.mjs opens 10 000 idle connections). nginx-ofc.sh runs this
# script with NGINX_NAME (the folder name), TCP_NOPUSH and NGINX_HTTP_EXTRA
# (directives added to the http block).
set -euo pipefail
: "${PORT:?PORT must be set}"
ROOT="${ROOT:-$(cd "$(dirname "$0")/../fixtures/public" && pwd)}"
WORKERS="${NGINX_WORKERS:-1}"
NOPUSH="${TCP_NOPUSH:-off}"
CONNS="${NGINX_WORKER_CONNECTIONS:-4096}"
DIR="/tmp/bench-${NGINX_NAME:-nginx}-$PORT"
EXTRA="${NGINX_HTTP_EXTRA:-}"
rm -rf "$DIR"
mkdir -p "$DIR/tmp"
MIME=/etc/nginx/mime.types
[ -f "$MIME" ] || { echo "missing $MIME (apt-get install nginx-light)" >&2; exit 3; }
cat > "$DIR/nginx.conf" <<CONF
daemon off;
master_process on;
worker_processes $WORKERS;
worker_rlimit_nofile $((CONNS + 64));
pid $DIR/nginx.pid;
error_log $DIR/error.log warn;
events { worker_connections $CONNS; }
http {
    include $MIME;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush $NOPUSH;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    client_body_temp_path $DIR/tmp/body;
    proxy_temp_path $DIR/tmp/proxy;
    fastcgi_temp_path $DIR/tmp/fastcgi;
    uwsgi_temp_path $DIR/tmp/uwsgi;
    scgi_temp_path $DIR/tmp/scgi;
$EXTRA
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
