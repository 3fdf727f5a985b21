import { encodeFrame } from './frame-writer.js'
import { OPCODE } from './protocol.js'
import { WebSocket, type SendOptions } from './websocket.js'

/**
 * Sends one message to many WebSockets, framed once: every open recipient gets the same frame buffer
 * (no copy per socket), behind whatever it still has queued. Sockets that are not open are skipped; a
 * recipient past its `maxBufferedAmount` is closed with 1008 like on {@link WebSocket.send}.
 *
 * @remarks
 * The frame is sent uncompressed: permessage-deflate allows any message to go uncompressed, and a
 * compressed frame can only be shared by sockets that reset their compressor after every message.
 *
 * @param clients - the recipients, e.g. the `clients` of a {@link websocket} middleware
 * @param data - a string (text) or bytes (binary)
 * @param options - `binary` to override the type
 * @returns how many sockets it was sent to
 * @example
 * ```ts
 * const chat = websocket({ path: '/chat' }, ws => {
 *   ws.on('message', data => broadcast(chat.clients, data.toString()))
 * })
 * app.use(chat)
 * ```
 */
export function broadcast(clients: Iterable<WebSocket>, data: string | Uint8Array, options: Pick<SendOptions, 'binary'> = {}): number {
  const binary = options.binary ?? typeof data !== 'string'
  const frame = encodeFrame(binary ? OPCODE.BINARY : OPCODE.TEXT, typeof data === 'string' ? Buffer.from(data) : data)
  let sent = 0
  for (const ws of clients) {
    if (ws.readyState !== WebSocket.OPEN) continue
    ws.sendFrame(frame)
    sent++
  }
  return sent
}
