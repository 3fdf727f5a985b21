// The floor: the least a WebSocket server on Node's public socket API (node:net, `data` events and
// `socket.write`) can cost. Not a server anyone should run: it checks nothing (no masking rule, no
// opcode, length, UTF-8 or close handling, no limits), answers every upgrade, and echoes each frame
// (unmasked, reframed) or, with MODE=broadcast, frames it once and writes the same bytes to every
// socket. A goal that asks for less CPU than this asks for less than the socket layer itself costs.
import { createHash } from 'node:crypto'
import { createServer } from 'node:net'

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
const port = Number(process.env.PORT)
const broadcast = process.env.MODE === 'broadcast'
const sockets = new Set()

/** One unmasked server frame (FIN set) with the payload of the masked client frame at `at`. */
function reframe(buf, at, opcode, length, payloadAt) {
  const head = length < 126 ? 2 : length < 65_536 ? 4 : 10
  const out = Buffer.allocUnsafe(head + length)
  out[0] = 0x80 | opcode
  if (head === 2) out[1] = length
  else if (head === 4) {
    out[1] = 126
    out.writeUInt16BE(length, 2)
  } else {
    out[1] = 127
    out.writeBigUInt64BE(BigInt(length), 2)
  }
  const k0 = buf[payloadAt - 4]
  const k1 = buf[payloadAt - 3]
  const k2 = buf[payloadAt - 2]
  const k3 = buf[payloadAt - 1]
  let i = 0
  for (; i + 4 <= length; i += 4) {
    out[head + i] = buf[payloadAt + i] ^ k0
    out[head + i + 1] = buf[payloadAt + i + 1] ^ k1
    out[head + i + 2] = buf[payloadAt + i + 2] ^ k2
    out[head + i + 3] = buf[payloadAt + i + 3] ^ k3
  }
  for (; i < length; i++) out[head + i] = buf[payloadAt + i] ^ buf[payloadAt - 4 + (i & 3)]
  return out
}

/** Answers every whole frame in `buf`; returns where the first incomplete one starts. */
function frames(socket, buf) {
  let at = 0
  while (buf.length - at >= 6) {
    let length = buf[at + 1] & 127
    let payloadAt = at + 6
    if (length === 126) {
      if (buf.length - at < 8) break
      length = buf.readUInt16BE(at + 2)
      payloadAt = at + 8
    } else if (length === 127) {
      if (buf.length - at < 14) break
      length = Number(buf.readBigUInt64BE(at + 2))
      payloadAt = at + 14
    }
    if (buf.length < payloadAt + length) break
    const out = reframe(buf, at, buf[at] & 15, length, payloadAt)
    if (!broadcast) socket.write(out)
    else for (const s of sockets) s.write(out)
    at = payloadAt + length
  }
  return at
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
    socket.on('data', (chunk) => {
      const buf = rest === null ? chunk : Buffer.concat([rest, chunk])
      const at = frames(socket, buf)
      rest = at === buf.length ? null : buf.subarray(at)
    })
  })
}).listen(port, '127.0.0.1', () => process.stdout.write(`listening on ${port}\n`))
// A signal exits through process.exit, so that `node --cpu-prof` writes its profile.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(0))
