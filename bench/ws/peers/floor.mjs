// The floor: the least a WebSocket server on Node's public socket API (node:net, `data` events and
// `socket.write`) can cost. Not a server anyone should run: it checks nothing (no masking rule, no
// opcode, length, UTF-8 or close handling, no limits), answers every upgrade, and echoes each frame
// (unmasked, reframed) or, with MODE=broadcast, frames it once and writes the same bytes to every
// socket. A goal that asks for less CPU than this asks for less than the socket layer itself costs.
import { createHash } from 'node:crypto'
import { createServer } from 'node:net'
import { frames } from './floor-frames.mjs'

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
const port = Number(process.env.PORT)
const broadcast = process.env.MODE === 'broadcast'
const sockets = new Set()

/** MODE=broadcast: the same frame to every socket. */
const toAll = (out) => {
  for (const s of sockets) s.write(out)
}

createServer({ noDelay: true }, (socket) => {
  socket.on('error', () => socket.destroy())
  socket.once('data', (request) => {
    const key = /\r\nsec-websocket-key:[ \t]*([^\r\n]+)/i.exec(request.toString('latin1'))?.[1]?.trim() ?? ''
    const accept = createHash('sha1').update(key + GUID).digest('base64')
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`)
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    let rest = null
    const send = broadcast ? toAll : (out) => socket.write(out)
    socket.on('data', (chunk) => {
      const buf = rest === null ? chunk : Buffer.concat([rest, chunk])
      const at = frames(buf, send)
      rest = at === buf.length ? null : buf.subarray(at)
    })
  })
}).listen(port, '127.0.0.1', () => process.stdout.write(`listening on ${port}\n`))
// A signal exits through process.exit, so that `node --cpu-prof` writes its profile.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(0))
