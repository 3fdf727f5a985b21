// Below the floor: floor.mjs with Node's stream layer taken out. After the handshake each connection
// is read and written through its libuv handle directly (`socket._handle`, `onread`, `writeBuffer` with
// a `WriteWrap` from the deprecated `process.binding('stream_wrap')`), the way Node's own net.Socket
// does underneath: no Readable/Writable state, no `data` events, no write callbacks. Internal API, in a
// benchmark only, never in packages/: it measures what is left of a WebSocket round trip when nothing
// but the kernel and libuv is paid for (writes are assumed to complete at once, as they do here).
import { createHash } from 'node:crypto'
import { createServer } from 'node:net'
import { frames } from './floor-frames.mjs'

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
const streamWrap = process.binding('stream_wrap')
const { streamBaseState, kReadBytesOrError, kArrayBufferOffset, WriteWrap } = streamWrap
const written = () => {}

/** One buffer onto a libuv stream handle, as net.Socket's write does underneath. */
function writeTo(handle, buf) {
  const req = new WriteWrap()
  req.handle = handle
  req.oncomplete = written
  req.async = false
  handle.writeBuffer(req, buf)
}
const port = Number(process.env.PORT)
const broadcast = process.env.MODE === 'broadcast'
const sockets = new Set() // their handles

/** MODE=broadcast: the same frame to every handle. */
const toAll = (out) => {
  for (const h of sockets) writeTo(h, out)
}

createServer({ noDelay: true }, (socket) => {
  socket.on('error', () => socket.destroy())
  socket.once('data', (request) => {
    const key = /\r\nsec-websocket-key:[ \t]*([^\r\n]+)/i.exec(request.toString('latin1'))?.[1]?.trim() ?? ''
    const accept = createHash('sha1').update(key + GUID).digest('base64')
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`, () => {
      // From here on the handle is ours: net.Socket stops reading, and onread gets every chunk.
      const handle = socket._handle
      socket.pause()
      let rest = null
      const send = broadcast ? toAll : (out) => writeTo(handle, out)
      handle.onread = (arrayBuffer) => {
        const n = streamBaseState[kReadBytesOrError]
        if (n <= 0) {
          if (n < 0) {
            sockets.delete(handle)
            handle.close()
          }
          return
        }
        const chunk = Buffer.from(arrayBuffer, streamBaseState[kArrayBufferOffset], n)
        const buf = rest === null ? chunk : Buffer.concat([rest, chunk])
        const at = frames(buf, send)
        rest = at === buf.length ? null : Buffer.from(buf.subarray(at))
      }
      handle.readStart()
      sockets.add(handle)
    })
  })
}).listen(port, '127.0.0.1', () => process.stdout.write(`listening on ${port}\n`))
// A signal exits through process.exit, so that `node --cpu-prof` writes its profile.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(0))
