import { constants, deflateRaw } from 'node:zlib'
import { encodeFrame, frameHeader } from './frame-writer.js'
import { OPCODE } from './protocol.js'
import { WebSocket, type SendOptions } from './websocket.js'

/**
 * Sends one message to many WebSockets, framed once — and compressed once: every open recipient gets the
 * same frame buffer (no copy per socket), behind whatever it still has queued. Recipients that agreed to
 * permessage-deflate without server context takeover (the compressor resets after every message, so one
 * compressed message is valid for all of them) share one compressed frame, made with the smallest window
 * any of them allows; the others get the uncompressed frame (RFC 7692 lets any message go uncompressed).
 * Sockets that are not open are skipped; a recipient past its `maxBufferedAmount` is closed with 1008 as
 * on {@link WebSocket.send}. Each recipient keeps its order: a message sent after the broadcast waits for
 * the shared compression.
 *
 * @param clients - the recipients, e.g. the `clients` of a {@link websocket} middleware
 * @param data - a string (text) or bytes (binary)
 * @param options - `binary` to override the type, `compress: false` to send it uncompressed to all
 * @returns how many sockets it was sent to
 * @example
 * ```ts
 * const chat = websocket({ path: '/chat', perMessageDeflate: { serverNoContextTakeover: true } }, ws => {
 *   ws.on('message', data => broadcast(chat.clients, data.toString()))
 * })
 * app.use(chat)
 * ```
 */
export function broadcast(clients: Iterable<WebSocket>, data: string | Uint8Array, options: SendOptions = {}): number {
  const binary = options.binary ?? typeof data !== 'string'
  const opcode = binary ? OPCODE.BINARY : OPCODE.TEXT
  const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  let plain: Buffer | null = null
  let shared: WebSocket[] | null = null
  let windowBits = 15
  let sent = 0
  for (const ws of clients) {
    if (ws.readyState !== WebSocket.OPEN) continue
    sent++
    const codec = ws.codec
    if (options.compress !== false && codec !== null && codec.params.serverNoContextTakeover && bytes.length >= codec.threshold) {
      ;(shared ??= []).push(ws)
      windowBits = Math.min(windowBits, codec.params.serverMaxWindowBits)
      continue
    }
    ws.sendFrame((plain ??= encodeFrame(opcode, bytes)), bytes.length)
  }
  if (shared !== null) {
    const frame = compressedFrame(opcode, bytes, windowBits)
    // A rejection reaches every recipient's sender (which fails its connection); this keeps it from being unhandled meanwhile.
    frame.catch(() => {})
    for (const ws of shared) ws.sendFrame(frame, bytes.length)
  }
  return sent
}

/**
 * One compressed message framed with RSV1 (RFC 7692 §7.2.1: sync flush, the trailing 00 00 ff ff removed).
 * One zlib job per broadcast, whatever the number of recipients.
 */
function compressedFrame(opcode: number, data: Buffer, windowBits: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    deflateRaw(data, { windowBits, finishFlush: constants.Z_SYNC_FLUSH }, (err, out) => {
      if (err !== null) return reject(err)
      const payload = out.subarray(0, out.length - 4)
      resolve(Buffer.concat([frameHeader(opcode, payload.length, { rsv1: true }), payload]))
    })
  })
}
