import { afterNext, completedSynchronously, createDebug, renderError, type Context, type Middleware, type Next } from 'tinyhttp-core'
import { isTokenList } from './header-list.js'
import { MAX_ORIGIN_LENGTH } from './origin.js'
import { resolveCorsOptions, type CorsOptions, type ResolvedCors } from './options.js'

const debug = createDebug('tinyhttp:cors')

const ACAO = 'Access-Control-Allow-Origin'
const ACAC = 'Access-Control-Allow-Credentials'
const ACAM = 'Access-Control-Allow-Methods'
const ACAH = 'Access-Control-Allow-Headers'
const ACEH = 'Access-Control-Expose-Headers'
const ACMA = 'Access-Control-Max-Age'
const ACAPN = 'Access-Control-Allow-Private-Network'

const VARY_ORIGIN = ['Origin'] as const
const VARY_ACRH = ['Access-Control-Request-Headers'] as const
const VARY_BOTH = ['Origin', 'Access-Control-Request-Headers'] as const

/** Whether a request is a CORS preflight: OPTIONS with both `Origin` and `Access-Control-Request-Method`. */
function isPreflight(ctx: Context): boolean {
  const headers = ctx.req.headers
  return headers.has('origin') && headers.has('access-control-request-method')
}

/**
 * Renders an error thrown below `cors` so the CORS headers can still be added (a 500 the browser can
 * read). A response already on the wire cannot be changed: the error goes on up.
 */
function renderBelow(ctx: Context, err: unknown): void {
  const status = renderError(ctx.res, err)
  if (status >= 500) debug('error below cors → %d: %O', status, err)
}

/** Fills in a preflight answer (204) for an allowed origin. */
function answerPreflight(ctx: Context, c: ResolvedCors, allowOrigin: string): void {
  const res = ctx.res
  const headers = res.headers
  headers.set(ACAO, allowOrigin)
  if (c.credentials) headers.set(ACAC, 'true')
  headers.set(ACAM, c.allowMethods)
  if (c.allowHeaders === null) {
    const requested = ctx.req.headers.get('access-control-request-headers')
    if (requested !== undefined && isTokenList(requested)) headers.set(ACAH, requested.trim())
  } else if (c.allowHeaders !== '') {
    headers.set(ACAH, c.allowHeaders)
  }
  headers.set(ACMA, c.maxAge)
  if (c.privateNetwork && ctx.req.headers.get('access-control-request-private-network') === 'true') headers.set(ACAPN, 'true')
}

/** `origin: '*'`: the hot path. No promise of its own when everything below answered synchronously. */
function wildcardCors(c: ResolvedCors): Middleware {
  const exposeHeaders = c.exposeHeaders
  const varyPreflight = c.allowHeaders === null

  /** On the way out: the headers every response gets. */
  function decorate(ctx: Context): void {
    const res = ctx.res
    if (res.committed) return
    res.headers.set(ACAO, '*')
    if (exposeHeaders !== '') res.headers.set(ACEH, exposeHeaders)
  }

  function failed(ctx: Context, err: unknown): void {
    renderBelow(ctx, err)
    decorate(ctx)
  }

  return function cors(ctx: Context, next: Next): void | Promise<void> {
    if (ctx.req.method === 'OPTIONS' && isPreflight(ctx)) {
      const res = ctx.res
      res.status = 204
      res.reason = 'cors:preflight'
      if (varyPreflight) res.headers.vary(VARY_ACRH)
      answerPreflight(ctx, c, '*')
      return
    }
    return afterNext(ctx, next, decorate, failed)
  }
}

/** A list, a RegExp or a function: the answer depends on `Origin`, so `Vary: Origin` always. */
function dynamicCors(c: ResolvedCors): Middleware {
  const { match, userFunction, credentials, allowNullOrigin, exposeHeaders } = c
  const varyPreflight = c.allowHeaders === null ? VARY_BOTH : VARY_ORIGIN

  /** On the way out: `Vary: Origin`, and the grant or the removal of any grant made below. */
  function decorate(ctx: Context, origin: string | undefined, allowed: boolean): void {
    const res = ctx.res
    if (res.committed) return
    const headers = res.headers
    headers.vary(VARY_ORIGIN)
    if (allowed) {
      headers.set(ACAO, origin as string)
      if (credentials) headers.set(ACAC, 'true')
      if (exposeHeaders !== '') headers.set(ACEH, exposeHeaders)
    } else {
      // The configured policy is the only one: nothing below may grant access to this origin.
      headers.delete(ACAO)
      headers.delete(ACAC)
    }
  }

  function failed(ctx: Context, err: unknown, origin: string | undefined, allowed: boolean): void {
    renderBelow(ctx, err)
    decorate(ctx, origin, allowed)
  }

  /** Answers a preflight, or runs the rest of the chain and decorates its response. */
  function proceed(ctx: Context, next: Next, origin: string | undefined, allowed: boolean): void | Promise<void> {
    const req = ctx.req
    if (origin !== undefined && req.method === 'OPTIONS' && req.headers.has('access-control-request-method')) {
      const res = ctx.res
      res.status = 204
      res.reason = allowed ? 'cors:preflight' : 'cors:preflight-denied'
      res.headers.vary(varyPreflight)
      if (allowed) answerPreflight(ctx, c, origin)
      return
    }
    let rest: Promise<void>
    try {
      rest = next()
    } catch (err) {
      return failed(ctx, err, origin, allowed)
    }
    if (completedSynchronously(rest)) return decorate(ctx, origin, allowed)
    return rest.then(
      () => decorate(ctx, origin, allowed),
      (err: unknown) => failed(ctx, err, origin, allowed),
    )
  }

  /** The user's origin function decides (it may be async and may throw). */
  async function askThenProceed(ctx: Context, next: Next, origin: string): Promise<void> {
    let allowed: boolean
    try {
      allowed = (await match(origin, ctx)) === true
    } catch (err) {
      // A broken origin function is a server error, not a silent refusal.
      const res = ctx.res
      renderError(res, err) // rethrows when the response is already committed
      debug('origin function threw → 500: %O', err)
      res.headers.vary(VARY_ORIGIN)
      return
    }
    return proceed(ctx, next, origin, allowed)
  }

  return function cors(ctx: Context, next: Next): void | Promise<void> {
    const origin = ctx.req.headers.get('origin')
    if (origin === undefined) return proceed(ctx, next, undefined, false)
    if (origin === 'null') return proceed(ctx, next, origin, allowNullOrigin)
    if (origin.length > MAX_ORIGIN_LENGTH) return proceed(ctx, next, origin, false)
    if (userFunction) return askThenProceed(ctx, next, origin)
    return proceed(ctx, next, origin, match(origin, ctx) === true)
  }
}

/**
 * CORS for tinyhttp: answers preflights and adds `Access-Control-*` headers to every response on its
 * way out (200, 206, 304, 403, 404, 416, and errors thrown below, which it renders first).
 *
 * @remarks
 * - `origin: '*'` (the default) sends `Access-Control-Allow-Origin: *` on every response, with or
 *   without an `Origin` header, and no `Vary: Origin`.
 * - Any other `origin` reflects an allowed origin exactly as sent and always appends `Vary: Origin`,
 *   also when access is refused or the request had no `Origin`.
 * - A preflight is `OPTIONS` with `Origin` and `Access-Control-Request-Method`; it gets 204 (with the
 *   CORS headers when the origin is allowed, only `Vary` otherwise). Any other `OPTIONS` goes down
 *   the chain (where `fallback()` answers 405).
 * - `Origin: null` is refused unless `allowNullOrigin` is set.
 *
 * @param options - see {@link CorsOptions}
 * @returns a middleware named `cors`
 * @throws TypeError for a bad configuration: `origin: '*'` with `credentials: true`, an origin that is
 * not serialized the way browsers send it, a RegExp with `g`/`y`/`m`, not anchored with `^…$` or with a
 * nested repetition such as `(a+)+`, a non-token method or header name, a negative `maxAge`
 * @example
 * ```ts
 * import { createApp } from 'tinyhttp-core'
 * import { cors } from 'tinyhttp-cors'
 *
 * const app = createApp()
 * app.use(cors())                                             // ACAO: * everywhere
 * // or: app.use(cors({ origin: ['https://app.example'], credentials: true }))
 * // or: app.use(cors({ origin: /^https:\/\/(www|app)\.example\.com$/ }))
 * ```
 */
export function cors(options: CorsOptions = {}): Middleware {
  const resolved = resolveCorsOptions(options)
  return resolved.wildcard ? wildcardCors(resolved) : dynamicCors(resolved)
}
