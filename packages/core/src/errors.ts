import { STATUS_TEXT } from './http/status-text.js'

const BRAND = Symbol.for('tinyhttp-core.HttpError')

/** Options for {@link HttpError}. */
export interface HttpErrorOptions {
  /** Headers to set on the error response (e.g. `Allow` for 405, `Retry-After` for 503). */
  headers?: Record<string, string>
  /** The underlying error, kept for logs; never written to the wire. */
  cause?: unknown
  /**
   * Whether `message` may be sent to the client.
   * @defaultValue `true` below 500, `false` from 500 on
   */
  expose?: boolean
  /**
   * A stable machine-readable reason, e.g. `'dot-segment'` or `'body-limit'`. When the error is rendered
   * ({@link renderError}), the response's {@link Response.reason} becomes `error:<reason>`.
   */
  reason?: string
}

/**
 * An error that carries an HTTP status. Throw it from a middleware to refuse a request.
 *
 * @remarks
 * Branded with `Symbol.for('tinyhttp-core.HttpError')`, so `instanceof` holds even when two copies of
 * tinyhttp-core are installed. Read `status`, never `code` (Node uses `code` for `ENOENT` and friends).
 *
 * @example
 * ```ts
 * app.use(async (ctx, next) => {
 *   if (ctx.req.method !== 'GET') throw new HttpError(405, 'Method Not Allowed', { headers: { Allow: 'GET, HEAD' } })
 *   await next()
 * })
 * ```
 */
export class HttpError extends Error {
  /** The HTTP status code, 400–599. */
  readonly status: number
  /** Whether {@link HttpError.message} may be shown to the client. */
  readonly expose: boolean
  /** Headers the error response carries. */
  readonly headers: Readonly<Record<string, string>>
  /** A stable machine-readable reason (never sent to the client); see {@link HttpErrorOptions.reason}. */
  readonly reason: string | undefined

  /**
   * @param status - an HTTP status code from 400 to 599 (anything else becomes 500)
   * @param message - the text sent as the body when `expose` is true; defaults to the status text
   * @param options - headers, cause, expose, reason
   */
  constructor(status: number, message?: string, options: HttpErrorOptions = {}) {
    const valid = Number.isInteger(status) && status >= 400 && status <= 599
    const code = valid ? status : 500
    super(message ?? STATUS_TEXT[code] ?? 'Error', options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'HttpError'
    this.status = code
    this.expose = options.expose ?? code < 500
    this.headers = options.headers ?? {}
    this.reason = options.reason
  }

  /** Recognises HttpErrors from any installed copy of tinyhttp-core. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isHttpError(value)
  }

  /** @internal */
  get [BRAND](): true {
    return true
  }
}

/**
 * Tells whether a value is an {@link HttpError} from any copy of tinyhttp-core.
 *
 * @param value - anything that was thrown
 * @returns true for branded HttpErrors
 * @example
 * ```ts
 * try { await next() } catch (err) { if (isHttpError(err) && err.status === 403) ctx.res.body = 'nope' ; else throw err }
 * ```
 */
export function isHttpError(value: unknown): value is HttpError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true
}
