import { Server, type AddressInfo, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { applyBodyDefaults } from './body-defaults.js'
import { completedSynchronously, compose, type ComposeOptions } from './compose.js'
import { Context } from './context.js'
import { createDebug } from './debug-log.js'
import type { BodySource } from './http/body-source.js'
import { Connection } from './http/connection.js'
import type { ConnectionOptions } from './http/connection-host.js'
import { DeadlineSet } from './http/deadline-set.js'
import { DEFAULT_PARSER_LIMITS, type ParserLimits } from './http/parser-limits.js'
import { inject, type InjectOptions, type InjectResult } from './inject.js'
import type { InjectRequest } from './inject-request.js'
import type { Peer } from './http/peer.js'
import { CidrList, parseCidrList } from './proxy/cidr.js'
import { ForwardedPeer } from './proxy/forwarded.js'
import { attachProxied, resolveProxyProtocol, type ListenOptions } from './proxy/proxy-listener.js'
import type { RequestHead } from './http/request-head.js'
import type { ResponsePlan, UpgradeLifecycle } from './http/response-plan.js'
import { WireStats } from './http/wire-stats.js'
import { renderError } from './render-error.js'
import { handshakeDone, trackTlsHandshakes } from './tls-handshakes.js'
import { respond } from './respond.js'
import { Request } from './request.js'
import { RequestBody } from './request-body.js'
import { Response } from './response.js'
import { UpgradedSockets } from './upgraded-sockets.js'
import type { Middleware } from './types.js'
import { logUnhandled } from './unhandled-log.js'
import { refuseImpossibleUpgrade } from './upgrade-refusal.js'

const debug = createDebug('tinyhttp:core')

/** Options of {@link createApp}. All durations are in milliseconds. */
export interface AppOptions {
  /** From the first byte of a request (or from connect) until its header section is complete; then 408 and close. @defaultValue 10000 */
  headersTimeout?: number
  /** From the first byte of a request until the whole request, body included, has arrived; then 408. @defaultValue 30000 */
  requestTimeout?: number
  /** Idle time allowed between requests on a persistent connection. @defaultValue 5000 */
  keepAliveTimeout?: number
  /** How long a write may stay blocked by a client that does not read. @defaultValue 30000 */
  sendTimeout?: number
  /** Requests per connection before it is closed; 0 = no limit. @defaultValue 0 */
  maxRequestsPerSocket?: number
  /** Pipelined requests queued behind the one being answered before reading pauses. @defaultValue 16 */
  maxPipelined?: number
  /** Longest request-line in bytes; longer → 414. @defaultValue 8192 */
  maxRequestLineSize?: number
  /** Largest header section in bytes; larger → 431. @defaultValue 16384 */
  maxHeaderSize?: number
  /** Most header fields; more → 431. @defaultValue 100 */
  maxHeaderCount?: number
  /**
   * After an early answer to a request whose body is still arriving, read and drop the rest at most this
   * long: an unread body that completes in time keeps the connection open; otherwise (and during a
   * lingering close) the connection closes. @defaultValue 2000
   */
  lingerTimeout?: number
  /** …and at most this many bytes (an unread Content-Length body with more still to come closes at once). @defaultValue 65536 */
  lingerBytes?: number
  /** How long {@link App.close} waits for in-flight responses before destroying connections. @defaultValue 5000 */
  closeGracePeriod?: number
  /**
   * Called with every error that became a 5xx, once the chain has finished — whoever rendered it (the
   * core, `cors`, `fallback`, or your own `renderError` call). Giving one turns the default log off.
   * @defaultValue one line (method, raw path, status) and the stack on stderr, like Koa; nothing when
   * `NODE_ENV` is `test` (then only `DEBUG=tinyhttp:core` shows it)
   */
  onError?: (err: unknown, ctx: Context) => void
  /**
   * Warn when a middleware resolved before the rest of the chain finished ("missing `await next()`?").
   * The check costs a few allocations per middleware and request (pipelined, about 0.7 µs of a 3.3 µs
   * request through the CLI's five layers), so a chain made only of trusted plugins can turn it off.
   * @defaultValue `true` unless `NODE_ENV` is `production`
   */
  checkMissingAwait?: boolean
  /**
   * Whose `Forwarded`/`X-Forwarded-For` to believe (`'10.0.0.0/8,::1'`): from them, `ctx.req.remoteAddress` is
   * the right-most address not in the list (`clientBehindProxies`). @defaultValue none: never read
   */
  trustProxy?: CidrList | string | readonly string[]
}

function positive(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new TypeError(`createApp: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} number`)
  }
  return value
}

/**
 * The application: a middleware chain on top of the core's own HTTP/1.1 connection handling.
 * Create it with {@link createApp}.
 *
 * @example
 * ```ts
 * const app = createApp()
 * app.use(async (ctx, next) => {
 *   await next()
 *   ctx.res.headers.set('Access-Control-Allow-Origin', '*')
 * })
 * app.use(ctx => { ctx.res.body = 'hello' })
 * const { port } = await app.listen(7878, '127.0.0.1')
 * ```
 */
export class App {
  readonly #middleware: Middleware[] = []
  #composed: ((ctx: Context) => Promise<void>) | null = null
  readonly #connectionOptions: ConnectionOptions
  /** The deadlines of every connection (one interval for all). @internal */
  readonly deadlines: DeadlineSet
  readonly #connections = new Set<Connection>()
  /** Sockets handed to an upgrade handler: not HTTP connections any more, but ended by {@link App.close}. */
  readonly #upgraded = new UpgradedSockets()
  readonly #servers = new Set<Server>()
  /** Sockets that are not connections yet: reading their PROXY header, or in their TLS handshake ({@link App.close} destroys them). @internal */
  readonly handshakes = new Set<Socket>()
  readonly #trustProxy: CidrList | null
  readonly #onError: (err: unknown, ctx: Context) => void
  readonly #closeGracePeriod: number
  readonly #composeOptions: ComposeOptions
  #closing = false
  #draining = false
  #closed: Promise<void> | null = null
  /** What the wire counted (connections, requests it refused before the chain): see {@link WireStats}. */
  readonly wireStats = new WireStats()

  /** @param options - timeouts and limits */
  constructor(options: AppOptions = {}) {
    // Frozen: every connection's parser takes it as already resolved (no work per connection).
    const limits: ParserLimits = Object.freeze({
      ...DEFAULT_PARSER_LIMITS,
      maxRequestLineSize: positive('maxRequestLineSize', options.maxRequestLineSize, DEFAULT_PARSER_LIMITS.maxRequestLineSize),
      maxHeaderSize: positive('maxHeaderSize', options.maxHeaderSize, DEFAULT_PARSER_LIMITS.maxHeaderSize),
      maxHeaderCount: positive('maxHeaderCount', options.maxHeaderCount, DEFAULT_PARSER_LIMITS.maxHeaderCount),
    })
    this.#connectionOptions = {
      headersTimeout: positive('headersTimeout', options.headersTimeout, 10_000),
      requestTimeout: positive('requestTimeout', options.requestTimeout, 30_000),
      keepAliveTimeout: positive('keepAliveTimeout', options.keepAliveTimeout, 5_000),
      sendTimeout: positive('sendTimeout', options.sendTimeout, 30_000),
      maxRequestsPerSocket: positive('maxRequestsPerSocket', options.maxRequestsPerSocket, 0, true),
      maxPipelined: positive('maxPipelined', options.maxPipelined, 16),
      lingerTimeout: positive('lingerTimeout', options.lingerTimeout, 2_000),
      lingerBytes: positive('lingerBytes', options.lingerBytes, 64 * 1024, true),
      limits,
    }
    this.#closeGracePeriod = positive('closeGracePeriod', options.closeGracePeriod, 5_000, true)
    const o = this.#connectionOptions
    const shortest = Math.min(o.headersTimeout, o.requestTimeout, o.keepAliveTimeout, o.sendTimeout, o.lingerTimeout)
    this.deadlines = new DeadlineSet(Math.min(1000, Math.max(10, shortest / 4)))
    this.#onError = options.onError ?? logUnhandled
    if (options.checkMissingAwait !== undefined && typeof options.checkMissingAwait !== 'boolean') {
      throw new TypeError('checkMissingAwait must be a boolean')
    }
    this.#composeOptions = options.checkMissingAwait === undefined ? {} : { checkMissingAwait: options.checkMissingAwait }
    const trust = options.trustProxy
    this.#trustProxy = trust === undefined ? null : trust instanceof CidrList ? trust : parseCidrList(trust)
  }

  /**
   * Adds middleware to the end of the chain.
   *
   * @param middleware - one or more `(ctx, next) => void | Promise<void>`
   * @returns this, for chaining
   * @throws TypeError when an argument is not a function
   * @example
   * ```ts
   * app.use(cors()).use(allowlist(['index.html'], { root: './public' })).use(serveStatic('./public'))
   * ```
   */
  use(...middleware: Array<Middleware<any>>): this {
    for (const fn of middleware) {
      if (typeof fn !== 'function') throw new TypeError('app.use() expects middleware functions')
      debug('use %s', fn.name || 'anonymous')
      this.#middleware.push(fn as Middleware)
    }
    this.#composed = null
    return this
  }

  /** Whether {@link App.close} has been called. */
  get closing(): boolean {
    return this.#closing
  }

  /** Whether {@link App.drain} or {@link App.close} has been called: every answer says `Connection: close`. */
  get draining(): boolean {
    return this.#draining || this.#closing
  }

  /**
   * Starts a drain, the step before {@link App.close} that loses no request: the listeners keep
   * accepting, every answer from now on says `Connection: close`, idle keep-alive connections close now
   * (not one that has yet to send its first request). Call `close()` once the balancer stopped routing.
   *
   * @example
   * ```ts
   * process.once('SIGTERM', () => (app.drain(), setTimeout(() => void app.close(), 5000)))
   * ```
   */
  drain(): void {
    if (this.draining) return
    this.#draining = true
    for (const conn of this.#connections) conn.drain()
  }

  // ── The life of a request ──────────────────────────────────────────────────
  // A connection (http/connection.ts) parsed a request head; it calls serve() and writes the plan it
  // gets back. Everything the application sees is made here, and nothing of it goes back to the wire.

  /**
   * Answers one request for a connection: head in → Request, Response, Context → the chain → render
   * what it threw → finish (404, body defaults, error report) → respond() → the plan out. Synchronous
   * when every middleware is (the plan itself), else a promise of the plan that rejects only when the
   * response was already committed.
   *
   * @param head - the parsed request head
   * @param body - the body as it arrives, or null
   * @param peer - the other end of the connection (address read only when asked)
   * @param secure - whether the connection is TLS
   * @returns the response plan, now or later
   * @internal
   */
  serve(head: RequestHead, body: BodySource | null, peer: Peer, secure: boolean): ResponsePlan | Promise<ResponsePlan> {
    const remote = this.#trustProxy === null ? peer : new ForwardedPeer(peer, head.rawHeaders, this.#trustProxy)
    const req = new Request(head, body === null ? null : new RequestBody(body), remote, secure)
    const ctx = new Context(req, new Response())
    const chain = (this.#composed ??= compose(this.#middleware, this.#composeOptions))
    const done = chain(ctx)
    if (completedSynchronously(done)) return this.#answer(ctx)
    return done.then(
      () => this.#answer(ctx),
      (err: unknown) => {
        renderError(ctx.res, err) // rethrows when the response is already committed
        return this.#answer(ctx)
      },
    )
  }

  /** After the chain: finish the response, then turn it into the plan the connection writes. */
  #answer(ctx: Context): ResponsePlan {
    this.#finish(ctx)
    return respond(ctx.res)
  }

  /**
   * After the chain: a plain 404 when nothing answered, the body defaults (JSON, Content-Type), and the
   * report of an error rendered into a 5xx.
   */
  #finish(ctx: Context): void {
    const res = ctx.res
    // Committed already (a middleware that called the internal commit()): nothing may change it.
    if (res.committed) return
    if (res.upgradeTo !== null) refuseImpossibleUpgrade(ctx.req, res, this.#closing)
    if (res.body === null) answerUnhandled(res)
    else {
      try {
        applyBodyDefaults(res)
      } catch (err) {
        renderError(res, err)
      }
    }
    const failure = res.failure
    if (failure !== null && res.status >= 500) {
      debug('error → %d: %O', res.status, failure.error)
      try {
        this.#onError(failure.error, ctx)
      } catch (hookError) {
        // A failing error hook must not take the answer (or the process) down with it.
        debug('onError threw: %O', hookError)
      }
    }
  }

  /**
   * Starts serving on a socket (a `net.Socket`, a `tls.TLSSocket`, or any Duplex in tests).
   *
   * @param socket - the accepted connection
   * @param peer - who the requests come from, when not the socket (the client a PROXY header named)
   */
  handleConnection(socket: Duplex, peer?: Peer): void {
    if (this.#closing) {
      socket.destroy()
      return
    }
    this.wireStats.connectionsOpened++
    this.#connections.add(new Connection(socket, this, this.#connectionOptions, peer ?? (socket as Peer)))
  }

  /**
   * Sends one request (or raw bytes) through the app in memory and reads the answer back: no port, no
   * socket. The bytes go through {@link App.handleConnection} on an in-memory connection, so the same
   * parser, connection, middleware chain and `respond()` run as for a socket, and `body` is exactly what
   * the wire would carry (empty for HEAD, de-chunked). A request that never gets a complete answer
   * rejects with an {@link InjectError} after `timeout`.
   *
   * @remarks
   * - A described request is serialized for you (`Host: localhost` and `Content-Length` added when
   *   absent); CR, LF or NUL in any part is a `TypeError`, never a second request.
   * - Raw input runs the parser too (a malformed request gets the 400/414/431/… the wire gives). When it
   *   holds complete requests, the connection stays open until each is answered (keep-alive headers as a
   *   client that keeps the connection sees them); otherwise the client half-closes after sending it, as
   *   `printf … | nc` would, and the server answers what it can and closes.
   * - Several pipelined requests give several responses: the result is the first, `responses` holds all.
   * - Interim `1xx` responses are not the result: they are in `interim` of the response they preceded.
   *
   * @param request - a request description, or raw request bytes (a string is sent as latin1)
   * @param options - the peer address and TLS flag the app sees, and the time limit
   * @returns the first response, every response, every byte, and whether the server closed
   * @throws TypeError when a described request would not be a single well-formed message
   * @example
   * ```ts
   * const res = await app.inject({ method: 'GET', target: '/index.html', headers: { 'accept-encoding': 'br' } })
   * res.status // 200
   * res.headers.get('etag')
   * res.body // Buffer: exactly the content bytes
   * const [a, b] = (await app.inject('GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n')).responses
   * ```
   */
  inject(request: InjectRequest | string | Uint8Array, options?: InjectOptions): Promise<InjectResult> {
    return inject(this, request, options)
  }

  /** A connection closed (or switched protocols). @internal */
  release(conn: object): void {
    if (this.#connections.delete(conn as Connection)) this.wireStats.connectionsClosed++
  }

  /**
   * A socket that switched protocols: tracked only so that {@link App.close} ends it (or asks its
   * handler to, {@link UpgradeLifecycle.onAppClose}). @internal
   */
  adopt(socket: Duplex): UpgradeLifecycle {
    return this.#upgraded.adopt(socket)
  }

  /**
   * Serves connections accepted by a server you created, e.g. a `tls.Server` for HTTPS.
   * Create it with `allowHalfOpen: true` so a client that half-closes still gets its answer.
   *
   * With `proxyProtocol`, on a `tls.Server` too: the header is read before the TLS handshake.
   *
   * @param server - a `net.Server` or `tls.Server`
   * @param options - the PROXY protocol
   * @returns this
   * @throws TypeError for a bad `proxyProtocol` option
   * @example
   * ```ts
   * const server = tls.createServer({ key, cert, allowHalfOpen: true })
   * app.attach(server, { proxyProtocol: { trusted: '127.0.0.1' } }) // behind HAProxy `send-proxy-v2 ssl`
   * server.listen(8443, '127.0.0.1')
   * ```
   */
  attach(server: Server, options: ListenOptions = {}): this {
    const proxy = options.proxyProtocol === undefined ? null : resolveProxyProtocol(options.proxyProtocol, this.#connectionOptions.headersTimeout)
    this.#servers.add(server)
    if (proxy !== null) attachProxied(server, isTlsServer(server), proxy, this)
    else if (isTlsServer(server)) {
      trackTlsHandshakes(server, this)
      server.on('secureConnection', socket => {
        handshakeDone(socket, this)
        this.handleConnection(socket)
      })
    }
    else server.on('connection', socket => this.handleConnection(socket))
    server.on('close', () => this.#servers.delete(server))
    return this
  }

  /**
   * Listens on a TCP port.
   *
   * @param port - the port; 0 picks a free one @defaultValue 0
   * @param host - the address to bind @defaultValue '127.0.0.1'
   * @param options - the PROXY protocol
   * @returns the bound address once listening
   * @throws TypeError (synchronously) for a bad `proxyProtocol` option
   * @example
   * ```ts
   * const { port } = await app.listen(0) // a free port on 127.0.0.1
   * await app.listen(8080, '0.0.0.0', { proxyProtocol: { trusted: '10.0.0.0/8' } }) // behind a load balancer
   * ```
   */
  listen(port = 0, host = '127.0.0.1', options: ListenOptions = {}): Promise<AddressInfo> {
    const server = new Server({ allowHalfOpen: true, noDelay: true })
    this.attach(server, options)
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        this.#servers.delete(server)
        reject(err)
      }
      server.once('error', onError)
      server.listen(port, host, () => {
        server.off('error', onError)
        resolve(server.address() as AddressInfo)
      })
    })
  }

  /** The servers this App listens on (through {@link App.listen} or {@link App.attach}). */
  get servers(): ReadonlySet<Server> {
    return this.#servers
  }

  /** Number of open HTTP connections (a socket handed to an upgrade handler no longer counts). */
  get connectionCount(): number {
    return this.#connections.size
  }

  /** Open HTTP connections with a request in progress; counted when asked (a walk: for a scrape, not per request). */
  get activeConnections(): number {
    let active = 0
    for (const conn of this.#connections) if (!conn.idle) active++
    return active
  }

  /**
   * Stops accepting, lets in-flight responses finish (they say `Connection: close`), closes idle
   * keep-alive connections at once, and destroys what is left after the grace period. Sockets handed to
   * an upgrade handler ({@link Response.upgrade}) are ended at once (destroyed after the grace period if
   * still open) and not waited for — unless their handler registered its own shutdown
   * ({@link UpgradeLifecycle.onAppClose}, e.g. a WebSocket's close handshake): that is called instead,
   * and `close()` waits for those sockets to close, destroying them after the grace period.
   *
   * @param gracePeriod - milliseconds to wait before forcing @defaultValue the `closeGracePeriod` option
   * @returns resolves once every server and connection is closed
   */
  close(gracePeriod = this.#closeGracePeriod): Promise<void> {
    if (this.#closed !== null) return this.#closed
    this.#closing = true
    const servers = [...this.#servers].map(
      server => new Promise<void>(resolve => (server.listening ? server.close(() => resolve()) : resolve())),
    )
    for (const socket of this.handshakes) socket.destroy()
    this.handshakes.clear()
    for (const conn of this.#connections) conn.shutdown()
    const upgradedClosed = this.#upgraded.endAll(gracePeriod)
    const drained = new Promise<void>(resolve => {
      const started = Date.now()
      const check = (): void => {
        for (const conn of this.#connections) conn.shutdown()
        if (this.#connections.size === 0) return resolve()
        if (Date.now() - started >= gracePeriod) {
          for (const conn of this.#connections) conn.destroy()
        }
        // Referenced on purpose: a process that is only closing must not exit before close() resolves.
        setTimeout(check, 20)
      }
      check()
    })
    this.#closed = Promise.all([...servers, drained, ...upgradedClosed]).then(() => undefined)
    return this.#closed
  }
}

/**
 * Creates an {@link App}.
 *
 * @param options - timeouts and limits
 * @returns the App
 * @example
 * ```ts
 * import { createApp } from 'tinyhttp-core'
 * const app = createApp({ keepAliveTimeout: 5000 })
 * app.use(ctx => { ctx.res.body = 'hello' })
 * await app.listen(7878, '127.0.0.1')
 * ```
 */
export function createApp(options?: AppOptions): App {
  return new App(options)
}

/** A chain that set neither a status nor a body gets a plain 404. */
function answerUnhandled(res: Response): void {
  if (!res.statusSet) {
    res.status = 404
    res.headers.set('Content-Type', 'text/plain; charset=utf-8')
    res.headers.set('X-Content-Type-Options', 'nosniff')
    res.body = 'Not Found'
  }
}

/**
 * Whether a server is a `tls.Server` (it then hands out sockets on `secureConnection`). Checked by its
 * shape, so the core does not load `node:tls` (a few MB of resident memory) for plain HTTP.
 */
function isTlsServer(server: Server): boolean {
  const candidate = server as Server & { addContext?: unknown; setSecureContext?: unknown }
  return typeof candidate.addContext === 'function' && typeof candidate.setSecureContext === 'function'
}
