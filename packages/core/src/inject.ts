import { Duplex } from 'node:stream'
import { RequestParser } from './http/parser.js'
import { ResponseReader, type ReadResponse } from './http/response-reader.js'
import { serializeRequest, type InjectRequest } from './inject-request.js'

/** How {@link App.inject} connects: who the app sees as the peer, and how long to wait. */
export interface InjectOptions {
  /** The peer address the app sees (`ctx.req.remoteAddress`). @defaultValue `'127.0.0.1'` */
  remoteAddress?: string
  /** Whether the connection counts as TLS (`ctx.req.secure`). @defaultValue `false` */
  secure?: boolean
  /**
   * Milliseconds to wait for the answer; then the connection is destroyed and the promise rejects with
   * an {@link InjectError} of code `'timeout'` (a stream body that never ends, a handler that never settles).
   * @defaultValue 10000
   */
  timeout?: number
}

/**
 * What {@link App.inject} got back: the first response read off the in-memory connection (status,
 * reason phrase, fields, de-chunked body), plus every response and every byte the server wrote.
 *
 * @example
 * ```ts
 * const res = await app.inject({ target: '/index.html' })
 * res.status // 200
 * res.headers.get('etag') // '"…"'
 * res.body.toString() // the file
 * res.closed // false: the connection stayed open (keep-alive)
 * ```
 */
export interface InjectResult extends ReadResponse {
  /**
   * Every byte the server wrote on the connection, interim and pipelined responses included (for a
   * single response, exactly that response's bytes; each element of `responses` has its own `raw`).
   */
  raw: Buffer
  /** Every complete response in the order the server wrote them; `responses[0]` is this one. Several when raw input pipelined several requests. */
  responses: ReadResponse[]
  /** Whether the server closed (or half-closed) the connection after its answers. */
  closed: boolean
}

/** Why {@link App.inject} did not give a response. */
export type InjectErrorCode =
  /** No complete response within `timeout`; the connection was destroyed. */
  | 'timeout'
  /** The server closed the connection before a complete response (possibly after a partial one). */
  | 'incomplete'
  /** The server wrote bytes that are not an HTTP/1.1 response (a bug worth a report). */
  | 'malformed'

/**
 * {@link App.inject} failed: the code says why; what the server did write is attached.
 *
 * @example
 * ```ts
 * try {
 *   await app.inject({ target: '/events' }, { timeout: 500 })
 * } catch (err) {
 *   if (err instanceof InjectError && err.code === 'timeout') console.log(err.raw.toString('latin1'))
 * }
 * ```
 */
export class InjectError extends Error {
  /** Why. */
  readonly code: InjectErrorCode
  /** Every byte the server wrote before the failure. */
  readonly raw: Buffer
  /** The responses that were complete before the failure. */
  readonly responses: ReadResponse[]

  /**
   * @param code - why
   * @param message - the explanation
   * @param raw - what the server wrote
   * @param responses - the complete responses
   * @param cause - the underlying error, if any
   */
  constructor(code: InjectErrorCode, message: string, raw: Buffer, responses: ReadResponse[], cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = 'InjectError'
    this.code = code
    this.raw = raw
    this.responses = responses
  }
}

/** What inject needs of an App: its connection entry point, the one a listening socket goes through. */
export interface InjectHost {
  /** Serves one connection. */
  handleConnection(socket: Duplex): void
}

/**
 * The requests in the input, read by the same request parser the app runs: their methods (an answer to
 * HEAD has no body) and whether the input ends exactly after the last one.
 */
function scanRequests(input: Buffer): { methods: string[]; complete: number; clean: boolean } {
  const methods: string[] = []
  let complete = 0
  const parser = new RequestParser({
    onHead: head => void methods.push(head.method),
    onBody: () => {},
    onComplete: () => void complete++,
  })
  parser.execute(input)
  return { methods, complete, clean: parser.idle && complete > 0 }
}

/** The options that were given (an `undefined` leaves the request object's value in place). */
function definedOnly(options: InjectOptions): InjectOptions {
  const out: InjectOptions = {}
  if (options.remoteAddress !== undefined) out.remoteAddress = options.remoteAddress
  if (options.secure !== undefined) out.secure = options.secure
  if (options.timeout !== undefined) out.timeout = options.timeout
  return out
}

/**
 * Runs raw request bytes through an app over an in-memory connection. See {@link App.inject}.
 *
 * @param host - the app
 * @param request - a request description, or raw bytes (a string is sent as latin1)
 * @param options - peer address, TLS flag, time limit
 * @returns the first response and everything else the server wrote
 * @throws TypeError when a described request would not be one well-formed message
 * @internal
 */
export function inject(host: InjectHost, request: InjectRequest | string | Uint8Array, options: InjectOptions = {}): Promise<InjectResult> {
  let input: Buffer
  try {
    input =
      typeof request === 'string'
        ? Buffer.from(request, 'latin1')
        : request instanceof Uint8Array
          ? Buffer.from(request.buffer, request.byteOffset, request.byteLength)
          : serializeRequest(request)
  } catch (err) {
    return Promise.reject(err)
  }
  if (typeof request === 'object' && !(request instanceof Uint8Array)) {
    options = { remoteAddress: request.remoteAddress, secure: request.secure, timeout: request.timeout, ...definedOnly(options) }
  }
  const timeout = options.timeout ?? 10_000
  if (typeof timeout !== 'number' || !(timeout > 0)) return Promise.reject(new TypeError('inject: timeout must be a positive number'))
  const { methods, complete, clean } = scanRequests(input)

  return new Promise<InjectResult>((resolve, reject) => {
    const reader = new ResponseReader({ methods })
    const written: Buffer[] = []
    let serverEnded = false
    let settled = false
    let timer: NodeJS.Timeout | undefined

    const raw = (): Buffer => Buffer.concat(written)
    const settle = (): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      const closed = serverEnded || socket.destroyed
      socket.destroy()
      const error = reader.error
      const responses = reader.responses
      const first = responses[0]
      if (error !== null && error.code !== 'INCOMPLETE_RESPONSE') {
        reject(new InjectError('malformed', `inject: the app wrote a malformed response (${error.message})`, raw(), responses, error))
      } else if (first === undefined || error !== null) {
        const what = first === undefined ? 'before a complete response' : `in the middle of response ${responses.length + 1}`
        reject(new InjectError('incomplete', `inject: the connection closed ${what} (${written.reduce((n, b) => n + b.length, 0)} bytes received)`, raw(), responses))
      } else {
        resolve({ ...first, raw: raw(), responses, closed })
      }
    }
    /** Every request that will be answered is answered: decide once the server had its turn to close. */
    const answered = (): void => {
      if (reader.error !== null) return settle()
      if (reader.upgraded || (clean && reader.responses.length >= complete && reader.idle)) setImmediate(settle)
    }

    const socket = new Duplex({
      allowHalfOpen: true,
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        written.push(Buffer.from(chunk))
        if (!settled) {
          reader.push(chunk)
          answered()
        }
        callback()
      },
      final(callback) {
        serverEnded = true
        reader.end()
        callback()
        settle()
      },
    })
    Object.defineProperty(socket, 'remoteAddress', { value: options.remoteAddress ?? '127.0.0.1', enumerable: true })
    if (options.secure === true) Object.defineProperty(socket, 'encrypted', { value: true, enumerable: true })
    socket.on('error', () => {})
    socket.on('close', () => {
      if (settled) return
      reader.end()
      settle()
    })
    timer = setTimeout(() => {
      if (settled) return
      settled = true
      socket.destroy()
      reject(new InjectError('timeout', `inject: no complete answer within ${timeout} ms (the connection was destroyed)`, raw(), reader.responses))
    }, timeout)

    host.handleConnection(socket)
    if (input.length > 0) socket.push(input)
    // Input that does not end exactly after complete requests is sent, then the client half-closes
    // (like `printf … | nc`): the server answers what it can and closes. The end of input comes a turn
    // of the event loop after the bytes, as on a socket (where EOF is a read of its own), so an answer
    // ready within that turn is written before the server knows the client is done.
    if (!clean) setImmediate(() => void (settled || socket.push(null)))
  })
}
