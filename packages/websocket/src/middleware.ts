import type { Context, Middleware, Next } from 'tinyhttp-core'
import { acceptKey, handshakeRefusal, offeredProtocols, type HandshakeRefusal } from './handshake.js'
import { MessageDeflate, negotiateDeflate, type PerMessageDeflateOptions } from './deflate/index.js'
import { Heartbeat } from './heartbeat.js'
import { originPolicy, type OriginOption } from './origin-policy.js'
import { CLOSE_CODE } from './protocol.js'
import { WebSocket } from './websocket.js'

/**
 * Options of {@link websocket}. Durations are in milliseconds, sizes in bytes.
 *
 * @example
 * ```ts
 * const options: WebSocketOptions = { path: '/chat', protocols: ['chat.v2'], origins: ['https://app.example'] }
 * ```
 */
export interface WebSocketOptions {
  /** The canonical path that takes WebSockets; other paths go on down the chain. @defaultValue every path */
  readonly path?: string
  /** Cross-origin pages allowed to connect (no `Origin` and same-origin are always allowed; see README). @defaultValue none */
  readonly origins?: OriginOption
  /**
   * Subprotocols, chosen by the server: a list in the server's order of preference (the first the client
   * offered wins), or a function given the client's offer that returns one of them, or null for none.
   * Nothing offered, or nothing chosen: no `Sec-WebSocket-Protocol` in the answer.
   * @defaultValue none
   */
  readonly protocols?: readonly string[] | ((offered: readonly string[], ctx: Context) => string | null | undefined)
  /** The largest message (after inflating); larger → close 1009. @defaultValue 1048576 (1 MiB, as the core's body limit) */
  readonly maxPayload?: number
  /** A `send` while more than this waits to be written closes the connection with 1008. @defaultValue 4194304 (4 MiB) */
  readonly maxBufferedAmount?: number
  /** How long a closing handshake may take before the socket is destroyed. @defaultValue 5000 */
  readonly closeTimeout?: number
  /** Ping every socket this often and terminate those that did not pong since the last ping; 0 = off. @defaultValue 0 */
  readonly heartbeat?: number
  /**
   * permessage-deflate (RFC 7692): `true` for the defaults, or its settings (context takeover, window bits,
   * threshold, zlib level, the shared zlib limiter). Negotiated only when the client offers it.
   * @defaultValue false
   */
  readonly perMessageDeflate?: boolean | PerMessageDeflateOptions
}

/**
 * What {@link websocket} returns: the middleware, and the open WebSockets it made.
 *
 * @example
 * ```ts
 * const live = websocket({ path: '/live' }, () => {})
 * setInterval(() => broadcast(live.clients, 'tick'), 1000)
 * ```
 */
export interface WebSocketMiddleware extends Middleware {
  /** The open (and closing) WebSockets, as `ws`'s `server.clients`. */
  readonly clients: ReadonlySet<WebSocket>
}

/**
 * Called with every new WebSocket (and the request's context), before it reads its first frame. What it
 * returns is ignored, except a promise: its rejection closes the socket with 1011.
 *
 * @example
 * ```ts
 * const handler: WebSocketHandler = (ws, ctx) => ws.on('message', data => ws.send(`${ctx.req.path}: ${data}`))
 * ```
 */
export type WebSocketHandler = (ws: WebSocket, ctx: Context) => unknown

function sizeOption(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value < 0 || (!allowZero && value === 0)) throw new TypeError(`websocket: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer`)
  return value
}

/**
 * WebSockets (RFC 6455) on a path: checks the opening handshake, the `Origin` and the subprotocols, answers
 * `101` through the core's protocol switch (`ctx.res.upgrade`), and hands each connection to `handler`.
 *
 * A request for the path that is not a valid opening handshake is refused and never upgraded: `400`
 * (not `GET`, not HTTP/1.1, a body, no `Upgrade: websocket`, no `Connection: upgrade`, a bad
 * `Sec-WebSocket-Key`, a malformed `Sec-WebSocket-Protocol`), `426` with `Sec-WebSocket-Version: 13` for
 * another version, `403` for an origin the policy refuses. Refusals carry no body and a `deny:`/`reject:`
 * reason (`reject:ws-key`, `deny:ws-origin`) and close the connection. `app.close()` closes every WebSocket
 * with 1001 and waits for the closing handshakes within its grace period.
 *
 * @param options - path, origins, subprotocols, limits
 * @param handler - `(ws, ctx) => …`; a throw (or a rejected promise) closes the socket with 1011
 * @returns the middleware, with its `clients`
 * @throws TypeError for an invalid option
 * @example
 * ```ts
 * const app = createApp()
 * app.use(websocket({ path: '/echo', maxPayload: 16 * 1024 * 1024 }, (ws, ctx) => {
 *   ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }))
 * }))
 * await app.listen(8080, '127.0.0.1')
 * ```
 */
export function websocket(options: WebSocketOptions, handler: WebSocketHandler): WebSocketMiddleware {
  if (typeof handler !== 'function') throw new TypeError('websocket: the handler must be a function')
  const path = options.path
  if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/'))) throw new TypeError('websocket: path must start with /')
  const maxPayload = sizeOption('maxPayload', options.maxPayload, 1024 * 1024)
  const maxBufferedAmount = sizeOption('maxBufferedAmount', options.maxBufferedAmount, 4 * 1024 * 1024)
  const closeTimeout = sizeOption('closeTimeout', options.closeTimeout, 5000)
  const interval = sizeOption('heartbeat', options.heartbeat, 0, true)
  const originAllowed = originPolicy(options.origins)
  const choose = protocolChooser(options.protocols)
  const deflate = deflateOptions(options.perMessageDeflate)
  const clients = new Set<WebSocket>()
  const heartbeat = interval > 0 ? new Heartbeat(interval) : null
  const onClosed = (ws: WebSocket): void => {
    clients.delete(ws)
    heartbeat?.delete(ws)
  }

  const middleware = function websocket(ctx: Context, next: Next): void | Promise<void> {
    if (path !== undefined) {
      const canonical = ctx.req.canonicalPath
      if (!canonical.ok || canonical.path !== path) return next()
    }
    const req = ctx.req
    const refusal = handshakeRefusal(req) ?? originRefusal(ctx, originAllowed)
    if (refusal !== null) return refuse(ctx, refusal)
    const offered = offeredProtocols(req)
    if (offered === null) return refuse(ctx, { status: 400, code: 'ws-protocol' })
    const protocol = offered.length === 0 ? null : (choose(offered, ctx) ?? null)
    if (protocol !== null && !offered.includes(protocol)) throw new TypeError(`websocket: protocols chose ${protocol}, which the client did not offer`)
    const agreed = deflate === null ? null : negotiateDeflate(req.headers.get('sec-websocket-extensions'), deflate)
    const headers = ctx.res.headers
    headers.set('Sec-WebSocket-Accept', acceptKey(req.headers.get('sec-websocket-key') as string))
    if (protocol !== null) headers.set('Sec-WebSocket-Protocol', protocol)
    if (agreed !== null) headers.set('Sec-WebSocket-Extensions', agreed.response)
    ctx.res.upgrade('websocket', (socket, head, lifecycle) => {
      const codec = agreed === null ? null : new MessageDeflate(agreed.params, deflate as PerMessageDeflateOptions)
      const extensions = agreed === null ? '' : agreed.response
      const ws = new WebSocket(socket, { maxPayload, maxBufferedAmount, closeTimeout, protocol: protocol ?? '', extensions, codec, onClosed })
      clients.add(ws)
      heartbeat?.add(ws)
      lifecycle.onAppClose(goingAway(ws))
      runHandler(handler, ws, ctx)
      ws.start(head)
    })
  }
  return Object.assign(middleware, { clients: clients as ReadonlySet<WebSocket> })
}

/** Calls the handler; what it throws (now or later) closes the socket with 1011. */
/**
 * What `app.close()` does to an open WebSocket: close 1001. Made here, outside the upgrade handler, so
 * that the closure (kept as long as the socket is open) holds the socket alone, not the handshake's
 * context, request and response.
 */
function goingAway(ws: WebSocket): () => void {
  return () => {
    if (ws.readyState === WebSocket.OPEN) ws.close(CLOSE_CODE.GOING_AWAY)
  }
}

function runHandler(handler: WebSocketHandler, ws: WebSocket, ctx: Context): void {
  const fail = (err: unknown): void => {
    if (ws.listenerCount('error') > 0) ws.emit('error', err instanceof Error ? err : new Error(String(err)))
    if (ws.readyState === WebSocket.OPEN) ws.close(CLOSE_CODE.INTERNAL_ERROR)
  }
  try {
    const result = handler(ws, ctx) as { then?: unknown } | null | undefined
    if (result != null && typeof result.then === 'function') (result as PromiseLike<unknown>).then(undefined, fail)
  } catch (err) {
    fail(err)
  }
}

function originRefusal(ctx: Context, allowed: ReturnType<typeof originPolicy>): HandshakeRefusal | null {
  const origins = ctx.req.headers.getAll('origin')
  if (origins.length > 1) return { status: 403, code: 'ws-origin' }
  return allowed(origins[0], ctx.req.headers.get('host'), ctx) ? null : { status: 403, code: 'ws-origin' }
}

/** A refusal: status, no body, `Connection: close`; 426 says which version this server speaks. */
function refuse(ctx: Context, refusal: HandshakeRefusal): void {
  const res = ctx.res
  res.status = refusal.status
  if (refusal.status === 426) res.headers.set('Sec-WebSocket-Version', '13')
  res.reason = refusal.status === 403 ? `deny:${refusal.code}` : `reject:${refusal.code}`
  res.closeConnection = true
}

function protocolChooser(option: WebSocketOptions['protocols']): (offered: readonly string[], ctx: Context) => string | null | undefined {
  if (option === undefined) return () => null
  if (typeof option === 'function') return option
  if (!Array.isArray(option)) throw new TypeError('websocket: protocols must be a list or a function')
  const preference = [...(option as readonly string[])]
  return offered => preference.find(name => offered.includes(name)) ?? null
}

/** The permessage-deflate settings, checked at once (`TypeError`), or null when it is off. */
function deflateOptions(option: WebSocketOptions['perMessageDeflate']): PerMessageDeflateOptions | null {
  if (option === undefined || option === false) return null
  if (option !== true && (typeof option !== 'object' || option === null)) throw new TypeError('websocket: perMessageDeflate must be a boolean or an object')
  const settings = option === true ? {} : option
  negotiateDeflate(undefined, settings) // checks the settings
  return settings
}
