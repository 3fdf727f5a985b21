// Ours: tinyhttp-core + tinyhttp-websocket from packages/*/dist (needs `npx tsc -b`), no compression
// (as ws's default); DEFLATE=1: perMessageDeflate: true (its defaults); DEFLATE=nct: perMessageDeflate
// { serverNoContextTakeover: true } (one compressed message is then valid for every recipient). MODE=echo: every message back to its sender. MODE=broadcast: a message from any
// client to every client with broadcast(clients, data) (framed once). MODE=loop: the same with a
// loop of send(), for comparison.
const REPO = new URL('../../../', import.meta.url)
const core = await import(new URL('packages/core/dist/index.js', REPO).href)
const websocketPkg = await import(new URL('packages/websocket/dist/index.js', REPO).href)
const { createApp } = core
const { websocket, broadcast } = websocketPkg

const port = Number(process.env.PORT)
const mode = process.env.MODE ?? 'echo'
const clients = new Set()

const perMessageDeflate = process.env.DEFLATE === 'nct' ? { serverNoContextTakeover: true } : process.env.DEFLATE === '1'
const app = createApp()
app.use(
  websocket({ path: '/', maxPayload: 16 * 1024 * 1024, perMessageDeflate }, (ws) => {
    clients.add(ws)
    ws.on('close', () => clients.delete(ws))
    if (mode === 'echo') ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }))
    else if (mode === 'broadcast') ws.on('message', (data, isBinary) => broadcast(clients, data, { binary: isBinary }))
    else
      ws.on('message', (data, isBinary) => {
        for (const client of clients) client.send(data, { binary: isBinary })
      })
  }),
)
await app.listen(port, '127.0.0.1')
process.stdout.write(`listening on ${port}\n`)
// A signal exits through process.exit, so that `node --cpu-prof` writes its profile.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(0))
