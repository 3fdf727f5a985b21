import type { Readable } from 'node:stream'
import { disposeBody, type FileBody, type SizedStream } from './http/file-body.js'
import { ResponseHeaders } from './http/response-headers.js'
import type { ResponseReason } from './response-reason.js'
import type { UpgradeHandler } from './http/response-plan.js'

export type { UpgradeHandler, UpgradeLifecycle } from './http/response-plan.js'

/** A protocol token with an optional version (RFC 9110 §7.8): `websocket`, `h2c`, `echo/1`. */
const PROTOCOL = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:\/[!#$%&'*+\-.^_`|~0-9A-Za-z]+)?$/

/** What {@link Response.upgradeTo} holds. */
interface Upgrade {
  readonly protocol: string
  readonly handler: UpgradeHandler
}

/**
 * A body sent as JSON: a plain object or array (or an object with a `toJSON` method, such as a `Date`).
 * The core serializes it with `JSON.stringify` once the whole chain has finished, so middleware on the
 * way out still sees (and may change) the object.
 *
 * @remarks
 * Typed as `object` so that values of interface types need no cast. Any other object — a `Map`, a
 * `Set`, a class instance without `toJSON`, a `Promise` (a missing `await`) — and a value `JSON.stringify`
 * refuses (a cycle, a `BigInt`) is a `TypeError` at that point: a 500 for the client, reported like
 * any unhandled error.
 *
 * @example
 * ```ts
 * app.use(ctx => {
 *   ctx.res.body = { time: new Date().toISOString() } // 200, application/json; charset=utf-8
 * })
 * ```
 */
export type JsonBody = object

/**
 * What a response body may be: text (UTF-8), bytes, a stream of unknown length, a stream of known length,
 * a file range the core streams from a descriptor, a plain object or array sent as JSON, or nothing.
 *
 * @remarks
 * Without a `Content-Type`, the core sets one from the body: `text/plain; charset=utf-8` for a string
 * (also one that starts with `<`: set `text/html` yourself for HTML), `application/octet-stream` for
 * bytes, streams and files, `application/json; charset=utf-8` for a {@link JsonBody}. A type that was set
 * is never changed; 1xx, 204, 304 and a response without a body get none.
 */
export type ResponseBody = string | Uint8Array | Readable | SizedStream | FileBody | JsonBody | null

/** What {@link Response.failure} holds: the value that was thrown, boxed (anything can be thrown, also undefined). */
interface Failure {
  readonly error: unknown
}

/**
 * Told once how a response ended: `bytes` of its body handed to the socket (0 for HEAD, 204, 304),
 * `aborted` when the connection was cut before the whole body was written (then `bytes` counts what
 * left before the cut).
 *
 * @example
 * ```ts
 * const log: ResponseEndListener = (bytes, aborted) => console.log(bytes, aborted ? 'aborted' : 'complete')
 * app.use(async (ctx, next) => {
 *   ctx.res.onEnd(log)
 *   await next()
 * })
 * ```
 */
export type ResponseEndListener = (bytes: number, aborted: boolean) => void

/**
 * The response a middleware builds. Nothing is written until the chain settles; then the core turns it
 * into bytes in one place (status line, headers, framing, body).
 *
 * @remarks
 * The status starts at 404 and becomes 200 when a body is set without an explicit status, so a chain
 * that sets nothing answers 404.
 *
 * @example
 * ```ts
 * app.use(ctx => {
 *   ctx.res.headers.set('Content-Type', 'text/plain; charset=utf-8')
 *   ctx.res.body = 'hello' // status 200
 * })
 * ```
 */
export class Response {
  /** The header fields. */
  readonly headers = new ResponseHeaders()
  #status = 404
  #explicitStatus = false
  #body: ResponseBody = null
  /** Set by the core once the status line is on the wire. */
  #committed = false
  #failure: Failure | null = null
  /** Ask the core to close the connection after this response. */
  closeConnection = false
  /**
   * Why the response is what it is, `<kind>:<code>` (e.g. `'deny:not-allowlisted'`, `'static:hit'`): set
   * by the middleware that decided the answer, read by the others on the way out (a `deny:` refusal may
   * be presented as a 404 or given a page) and by access logs. Never sent to the client. The kinds and
   * the codes the shipped plugins write are listed on {@link ResponseReasonKinds}.
   */
  reason: ResponseReason | undefined = undefined
  #onEnd: ResponseEndListener | null = null
  #upgrade: Upgrade | null = null

  /** The status code (100–599). */
  get status(): number {
    return this.#status
  }

  set status(code: number) {
    if (!Number.isInteger(code) || code < 100 || code > 599) throw new RangeError(`Invalid status code: ${code}`)
    if (this.#committed) throw new Error('Cannot set the status: the response is already on the wire')
    this.#status = code
    this.#explicitStatus = true
  }

  /**
   * The body; setting one without an explicit status makes the status 200.
   *
   * @throws TypeError when set to something that is not a {@link ResponseBody} (a number, `undefined`…)
   */
  get body(): ResponseBody {
    return this.#body
  }

  set body(value: ResponseBody) {
    if (this.#committed) throw new Error('Cannot set the body: the response is already on the wire')
    if (typeof value !== 'object' && typeof value !== 'string') {
      throw new TypeError(`ctx.res.body cannot be a ${typeof value}: set a string, bytes, a stream, a plain object or array (sent as JSON), or null for none`)
    }
    this.#body = value
    if (!this.#explicitStatus && value !== null) this.#status = 200
  }

  /** Whether the status line and headers have been written (nothing can be changed any more). */
  get committed(): boolean {
    return this.#committed
  }

  /** Whether a middleware set the status explicitly. */
  get statusSet(): boolean {
    return this.#explicitStatus
  }

  /**
   * The error {@link renderError} rendered into this response (by the core, `cors`, `fallback`, or your
   * own code), or null. The App reports it (`onError`, or the default log) when the final status is 5xx.
   * @internal
   */
  get failure(): Failure | null {
    return this.#failure
  }

  /**
   * Records the error this response now renders.
   * @internal
   */
  recordFailure(error: unknown): void {
    this.#failure = { error }
  }

  /**
   * Registers a listener told once, after the chain, when the body has been handed to the socket or
   * the connection was cut: the place for an access log that records the bytes really sent.
   * Listeners run in the order they were added; one that throws does not stop the others.
   *
   * @param listener - `(bytes, aborted) => void`
   * @example
   * ```ts
   * app.use(async (ctx, next) => {
   *   ctx.res.onEnd((bytes, aborted) => console.log(ctx.req.rawPath, ctx.res.status, bytes, aborted ? 'aborted' : ''))
   *   await next()
   * })
   * ```
   */
  onEnd(listener: ResponseEndListener): void {
    const prev = this.#onEnd
    this.#onEnd = prev === null ? listener : (bytes, aborted) => {
      try {
        prev(bytes, aborted)
      } finally {
        listener(bytes, aborted)
      }
    }
  }

  /**
   * Switches the connection to another protocol (RFC 9110 §7.8): the answer becomes `101 Switching
   * Protocols` with `Upgrade: <protocol>` and `Connection: upgrade` (the core writes both; other fields
   * you set are sent too), and once that head has left, `handler` gets the raw socket and the bytes the
   * client sent after its request head that the core had already read (often empty). From then on the
   * socket is yours: the core keeps no timers on it, it no longer counts in `app.connectionCount` and
   * `app.close()` does not wait for it, but `app.close()` still ends it — unless the handler registered its
   * own shutdown with the third argument's `onAppClose` ({@link UpgradeLifecycle}): then `app.close()`
   * calls that and waits for the socket to close, within the grace period.
   *
   * @remarks
   * The socket arrives paused: attach your listeners, then call `socket.resume()` (or `pipe` it).
   * The core refuses the switch, answering `400` and closing, when the request did not ask for it (no
   * `Upgrade` field), is HTTP/1.0, has a body, or has pipelined requests behind it (those bytes would
   * belong to the new protocol); and with `503` while the App is closing. Pick the protocol from the
   * request's `Upgrade` field; an error thrown later in the chain replaces the upgrade with the error
   * response.
   *
   * @param protocol - the protocol to switch to, a token with an optional `/version` (`websocket`, `echo/1`)
   * @param handler - `(socket, head) => void`, called once the `101` head has been written
   * @throws TypeError for an invalid protocol token
   * @throws Error when the response is already on the wire
   * @example
   * ```ts
   * app.use(ctx => {
   *   if (ctx.req.headers.get('upgrade')?.toLowerCase() !== 'echo') return
   *   ctx.res.upgrade('echo', (socket, head) => {
   *     if (head.length > 0) socket.write(head)
   *     socket.pipe(socket) // everything the client sends comes back
   *   })
   * })
   * ```
   */
  upgrade(protocol: string, handler: UpgradeHandler): void {
    if (this.#committed) throw new Error('Cannot upgrade: the response is already on the wire')
    if (typeof protocol !== 'string' || !PROTOCOL.test(protocol)) throw new TypeError(`Invalid upgrade protocol: ${String(protocol)}`)
    if (typeof handler !== 'function') throw new TypeError('upgrade() needs a handler function')
    this.status = 101
    this.#upgrade = { protocol, handler }
  }

  /**
   * The protocol switch asked for with {@link Response.upgrade}, or null.
   * @internal
   */
  get upgradeTo(): Upgrade | null {
    return this.#upgrade
  }

  /**
   * Takes the {@link Response.onEnd} listeners out (the core calls them once the response has ended).
   * @internal
   */
  takeEndListener(): ResponseEndListener | null {
    const listener = this.#onEnd
    this.#onEnd = null
    return listener
  }

  /**
   * Tells the {@link Response.onEnd} listeners how the response ended (once; later calls do nothing).
   * @internal
   */
  ended(bytes: number, aborted: boolean): void {
    const listener = this.#onEnd
    if (listener === null) return
    this.#onEnd = null
    listener(bytes, aborted)
  }

  /**
   * Marks the response as on the wire.
   * @internal
   */
  commit(): void {
    this.#committed = true
  }

  /**
   * Drops status, headers and body (used before rendering an error).
   * @internal
   */
  reset(): void {
    this.headers.clear()
    this.#status = 404
    this.#explicitStatus = false
    disposeBody(this.#body)
    this.#body = null
    this.closeConnection = false
    this.reason = undefined
    this.#failure = null
    this.#upgrade = null
  }
}
