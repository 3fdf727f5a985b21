import { HttpError } from './errors.js'
import type { RequestHead } from './http/request-head.js'
import { RequestHeaders } from './http/request-headers.js'
import { canonicalizePath, type CanonicalPath } from './path/canonical-path.js'
import { RequestBody } from './request-body.js'

/**
 * Canonical forms of recently seen raw paths (results are frozen, so sharing them is safe). Bounded: short
 * paths only, and the whole map is dropped when full, so an attacker cycling paths costs nothing but hits.
 */
const canonicalCache = new Map<string, CanonicalPath>()
const CANONICAL_CACHE_MAX = 1024
const CANONICAL_CACHE_PATH_MAX = 256

// The path asked for last answers first: comparing the request's fresh string with it is cheaper than
// hashing that string for the map (clients ask for the same path over and over).
let lastPath = ''
let lastCanonical: CanonicalPath | undefined

function canonicalOf(path: string): CanonicalPath {
  if (path === lastPath && lastCanonical !== undefined) return lastCanonical
  let result = canonicalCache.get(path)
  if (result === undefined) {
    result = canonicalizePath(path)
    if (path.length <= CANONICAL_CACHE_PATH_MAX) {
      if (canonicalCache.size >= CANONICAL_CACHE_MAX) canonicalCache.clear()
      canonicalCache.set(path, result)
    }
  }
  lastPath = path
  lastCanonical = result
  return result
}

/** Default limit of {@link Request.body}, {@link Request.text} and {@link Request.json}: 1 MiB. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024

/**
 * Where a request came from, read only when asked.
 * @internal
 */
export interface RemotePeer {
  /** The peer's IP address, when known. */
  readonly remoteAddress?: string | undefined
  /** The peer's port, when known. */
  readonly remotePort?: number | undefined
}

/**
 * A parsed request as the middleware chain sees it.
 *
 * @remarks
 * Route on {@link Request.path}: it is the canonical, decoded path (`/%61dmin` is `/admin`), and reading
 * it throws a 400 {@link HttpError} for a path that has no single meaning (`/a/../b`, `%2F`, NUL, bad
 * UTF-8…), so a guard on it cannot be bypassed by encoding. {@link Request.rawPath} is the path exactly
 * as sent, for logs.
 *
 * @example
 * ```ts
 * app.use(async (ctx, next) => {
 *   const { method, path, query, headers } = ctx.req
 *   if (path === '/admin' && headers.get('authorization') !== `Bearer ${process.env.ADMIN_TOKEN}`) throw new HttpError(401)
 *   if (method === 'POST' && path === '/echo') ctx.res.body = { received: await ctx.req.json() } // sent as JSON
 *   else if (path === '/hello') ctx.res.body = `hello ${query.get('name') ?? 'you'}` // text/plain
 *   else await next()
 * })
 * ```
 */
export class Request implements AsyncIterable<Buffer> {
  /** The method token, case-sensitive (`GET`, `HEAD`, …). */
  readonly method: string
  /** The request-target exactly as sent. */
  readonly target: string
  /**
   * The path exactly as sent (no query), still percent-encoded: `/%61dmin`. For logs; never route on it,
   * route on {@link Request.path}.
   */
  readonly rawPath: string
  /** `'1.0'` or `'1.1'`. */
  readonly httpVersion: '1.0' | '1.1'
  /** The header fields. */
  readonly headers: RequestHeaders
  /** The host the request addressed: the absolute-form authority, else the Host field. */
  readonly host: string
  /** Whether the request arrived over TLS. */
  readonly secure: boolean
  readonly #rawQuery: string
  readonly #remote: string | undefined | RemotePeer
  #query: URLSearchParams | undefined
  #canonical: CanonicalPath | undefined
  #original: CanonicalPath | undefined
  #body: RequestBody | null

  /**
   * @param head - the parsed head
   * @param body - the body as it arrives, or null when the request has none
   * @param remote - the peer address, or where to read it when asked (it costs a system call)
   * @param secure - whether the socket is TLS
   * @internal
   */
  constructor(head: RequestHead, body: RequestBody | null, remote: string | undefined | RemotePeer, secure: boolean) {
    this.method = head.method
    this.target = head.target
    this.rawPath = head.path
    this.#rawQuery = head.query
    this.httpVersion = head.versionMinor === 1 ? '1.1' : '1.0'
    this.headers = new RequestHeaders(head.rawHeaders)
    this.host = head.host
    this.#remote = remote
    this.secure = secure
    this.#body = body
  }

  /**
   * The client's IP address, when known: the socket's peer (read from the socket the first time it is
   * asked for), or, on a listener with the PROXY protocol, the source its header named, or, with the
   * App's `trustProxy`, the right-most address of `Forwarded`/`X-Forwarded-For` not in that list.
   */
  get remoteAddress(): string | undefined {
    const remote = this.#remote
    return typeof remote === 'object' ? remote.remoteAddress : remote
  }

  /**
   * The client's port, when known, from the same source as {@link Request.remoteAddress} (undefined when
   * that is a `Forwarded`/`X-Forwarded-For` entry without a port).
   */
  get remotePort(): number | undefined {
    const remote = this.#remote
    return typeof remote === 'object' ? remote.remotePort : undefined
  }

  /** The query string parsed lazily (only when read). */
  get query(): URLSearchParams {
    return (this.#query ??= new URLSearchParams(this.#rawQuery))
  }

  /** The raw query without `?` (`''` when none). */
  get rawQuery(): string {
    return this.#rawQuery
  }

  /**
   * The one canonical form of the path, or the reason it was rejected, as a result object (never
   * throws); computed once per request. Every plugin maps requests through this and nothing else.
   */
  get canonicalPath(): CanonicalPath {
    return (this.#canonical ??= canonicalOf(this.rawPath))
  }

  /**
   * The canonical path the request arrived with, when a rewrite ({@link Request.rewrite}) replaced it;
   * undefined when there was none.
   */
  get originalPath(): CanonicalPath | undefined {
    return this.#original
  }

  /**
   * Serves the request as if it had asked for another path of this site (a rewrite: the client is not
   * told). From then on {@link Request.canonicalPath} and {@link Request.path} are the new path, so every
   * plugin after this one (the allowlist first) sees only it; {@link Request.rawPath} and
   * {@link Request.target} stay as sent, {@link Request.originalPath} keeps the one it replaced.
   *
   * @param encodedPath - the new path, percent-encoded like a request path (`/edit/caf%C3%A9.html`); no query
   * @throws TypeError when {@link canonicalizePath} refuses it (a rewrite can never produce a path a request could not)
   * @example
   * ```ts
   * app.use((ctx, next) => {
   *   if (ctx.req.canonicalPath.ok && ctx.req.canonicalPath.path === '/app') ctx.req.rewrite('/index.html')
   *   return next()
   * })
   * ```
   */
  rewrite(encodedPath: string): void {
    const result = canonicalOf(encodedPath)
    if (!result.ok) throw new TypeError(`a rewrite to a path the canonical path refuses (${result.reason})`)
    this.#original ??= this.canonicalPath
    this.#canonical = result
  }

  /**
   * The canonical, decoded path (`/%61dmin` → `/admin`, `/caf%C3%A9` → `/café`): the one to route on.
   *
   * @remarks
   * The asterisk-form of `OPTIONS *` and the authority-form of `CONNECT host:port` name no path: for
   * them this is `'*'` and `''` (as sent), which no route starting with `/` can match, so the request
   * goes on to whatever answers it (`fallback()`: `OPTIONS *` → 204 + `Allow`) instead of becoming a 400.
   *
   * @throws HttpError 400 with `reason` set to the rejection reason (`'dot-segment'`, `'encoded-separator'`,
   * …) when the path is ambiguous or malformed
   */
  get path(): string {
    const result = this.canonicalPath
    if (result.ok) return result.path
    const raw = this.rawPath
    // The parser lets these two through only for `OPTIONS *` and `CONNECT host:port`.
    if (raw === '*' || raw === '') return raw
    throw new HttpError(400, 'Bad Request', { reason: result.reason })
  }

  /** The body stream (also available by iterating the request itself). */
  get bodyStream(): RequestBody {
    return (this.#body ??= new RequestBody(0))
  }

  /** Reads the body as it arrives. */
  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return this.bodyStream[Symbol.asyncIterator]()
  }

  /**
   * Reads the whole body into memory.
   *
   * @param limit - maximum bytes, default 1 MiB
   * @returns the bytes
   * @throws HttpError 413 when the body is larger than `limit`
   */
  async body(limit = DEFAULT_BODY_LIMIT): Promise<Buffer> {
    const stream = this.bodyStream
    const declared = stream.expectedLength
    if (declared > limit) throw new HttpError(413, 'Content Too Large', { reason: 'body-limit' })
    const chunks: Buffer[] = []
    let total = 0
    for await (const chunk of stream) {
      total += chunk.length
      if (total > limit) throw new HttpError(413, 'Content Too Large', { reason: 'body-limit' })
      chunks.push(chunk)
    }
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total)
  }

  /**
   * Reads the whole body as UTF-8 text.
   *
   * @param limit - maximum bytes, default 1 MiB
   * @throws HttpError 413 when larger than `limit`
   */
  async text(limit = DEFAULT_BODY_LIMIT): Promise<string> {
    return (await this.body(limit)).toString('utf8')
  }

  /**
   * Reads the whole body and parses it as JSON.
   *
   * @param limit - maximum bytes, default 1 MiB
   * @throws HttpError 413 when larger than `limit`, 400 when it is not valid JSON
   */
  async json<T = unknown>(limit = DEFAULT_BODY_LIMIT): Promise<T> {
    const text = await this.text(limit)
    try {
      return JSON.parse(text) as T
    } catch (cause) {
      throw new HttpError(400, 'Invalid JSON body', { cause, reason: 'invalid-json' })
    }
  }
}
