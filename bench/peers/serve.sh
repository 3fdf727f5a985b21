#!/usr/bin/env bash
# serve (vercel/serve) as a user starts it, with its built-in compression middleware
# (the `compression` package: br at quality 4 or gzip at level 6, per request), CORS on,
# no request log. cleanUrls off in a serve.json of our own, so /index.html is answered
# rather than redirected to /. Config in /tmp/bench-serve-$PORT/ (run.mjs removes it).
set -euo pipefail
: "${PORT:?PORT must be set}"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="${ROOT:-$HERE/../fixtures/public}"
DIR="/tmp/bench-serve-$PORT"
mkdir -p "$DIR"
echo '{ "cleanUrls": false }' > "$DIR/serve.json"
export NO_UPDATE_CHECK=1
exec node "$HERE/../node_modules/serve/build/main.js" "$ROOT" --listen "tcp://127.0.0.1:$PORT" \
  --no-request-logging --no-clipboard --no-port-switching --cors --config "$DIR/serve.json"
