// A chat room: a static page and a WebSocket at /chat; every message goes to everyone, framed once.
//
//   npx -y pnpm@10 build && node examples/chat/server.js      → http://127.0.0.1:7878
import { createApp } from '../../packages/core/dist/index.js'
import { allowlist } from '../../packages/allowlist/dist/index.js'
import { serveStatic } from '../../packages/static/dist/index.js'
import { fallback } from '../../packages/fallback/dist/index.js'
import { broadcast, websocket } from '../../packages/websocket/dist/index.js'

const root = new URL('./public/', import.meta.url).pathname
const room = new Set()
/** Sends one event to everyone in the room: one JSON text, framed once for all. */
const say = (event) => broadcast(room, JSON.stringify({ ...event, online: room.size }))

const app = createApp()
app.use(
  // Browsers send Origin: only this page's own origin may connect (the default policy).
  websocket({ path: '/chat', maxPayload: 4096 }, (ws) => {
    const name = `guest-${Math.random().toString(36).slice(2, 6)}`
    room.add(ws)
    say({ system: `${name} joined` })
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'text only')
      const text = data.toString('utf8').trim().slice(0, 500)
      if (text !== '') say({ from: name, text })
    })
    ws.on('close', () => {
      room.delete(ws)
      say({ system: `${name} left` })
    })
  }),
)
app.use(allowlist(['index.html'], { root })) // `/` is index.html; anything else 403
app.use(serveStatic(root))
app.use(fallback())

const { port } = await app.listen(Number(process.env.PORT ?? 7878), '127.0.0.1')
console.log(`Local: http://127.0.0.1:${port}`)
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void app.close().then(() => process.exit(0)))
