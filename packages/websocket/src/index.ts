/**
 * tinyhttp-websocket: WebSockets (RFC 6455) written from scratch on the core's protocol-upgrade seam,
 * with the API of the `ws` package — a strict incremental frame parser, the opening handshake with an
 * `Origin` policy stricter than `ws`'s, back-pressure with a bound, heartbeats, and broadcast.
 *
 * @example
 * ```ts
 * import { createApp } from 'tinyhttp-core'
 * import { websocket } from 'tinyhttp-websocket'
 *
 * const app = createApp()
 * app.use(websocket({ path: '/echo' }, ws => {
 *   ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }))
 * }))
 * await app.listen(8080, '127.0.0.1')
 * ```
 *
 * @packageDocumentation
 */
export { websocket, type WebSocketHandler, type WebSocketMiddleware, type WebSocketOptions } from './middleware.js'
export { WebSocket, type SendOptions, type WebSocketEvents } from './websocket.js'
export type { Message } from './message-iterator.js'
export { broadcast } from './broadcast.js'
export type { OriginOption } from './origin-policy.js'
export { FrameParser, type Frame, type FrameHandler, type FrameParserOptions } from './frame-parser.js'
export { FrameError, type FrameErrorCode } from './frame-error.js'
export { encodeFrame, frameHeader, type FrameOptions } from './frame-writer.js'
export { Utf8Validator } from './utf8-validator.js'
export { CLOSE_CODE, OPCODE, isWireCloseCode } from './protocol.js'
export { acceptKey, handshakeRefusal, isHandshakeKey, offeredProtocols, type HandshakeRefusal } from './handshake.js'
