// The `ws` package as users run it: a WebSocketServer on its own node:http server, no compression
// (ws's default; DEFLATE=1 turns perMessageDeflate on with its defaults). MODE=echo: every message
// back to its sender; MODE=broadcast: a message from any client to every client with a loop of
// send() (ws has no broadcast of its own; its README shows this loop). Without bufferutil:
// WS_NO_BUFFER_UTIL=1 (the `ws-js` targets). utf-8-validate is never used on Node ≥ 18.14: ws
// validates with buffer.isUtf8 there.
import { WebSocketServer } from 'ws'

const port = Number(process.env.PORT)
const broadcast = process.env.MODE === 'broadcast'
// DEFLATE=1: ws's defaults for it (threshold 1 KiB, level 6, context takeover); DEFLATE=nct: the same
// without server context takeover (as ours-broadcast-z needs, for a like-for-like loop)
const perMessageDeflate = process.env.DEFLATE === 'nct' ? { serverNoContextTakeover: true } : process.env.DEFLATE === '1'
const wss = new WebSocketServer({ port, host: '127.0.0.1', maxPayload: 16 * 1024 * 1024, perMessageDeflate })
wss.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => {
    if (!broadcast) socket.send(data, { binary: isBinary })
    else for (const client of wss.clients) client.send(data, { binary: isBinary })
  })
})
wss.on('listening', () => process.stdout.write(`listening on ${port}\n`))
// A signal exits through process.exit, so that `node --cpu-prof` writes its profile.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(0))
