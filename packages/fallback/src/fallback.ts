import { completedSynchronously, contentEtag, createDebug, encodePath, etagMatches, isKnownMethod, renderError, type Context, type Middleware, type Next, type Response } from 'tinyhttp-core'
import { acceptsHtmlExplicitly, negotiateFormat } from './accept.js'
import { BodyCache, renderBody, type FallbackBody } from './bodies.js'
import { resolveFallbackOptions, type FallbackOptions, type FileBodyBytes } from './options.js'

const debug = createDebug('tinyhttp:fallback')

const VARY_ACCEPT = ['Accept'] as const
const HTML = 'text/html; charset=utf-8'
const CSP = "default-src 'none'"

/** Puts a generated body on the response with its type (and CSP for HTML). */
function applyBody(res: Response, body: FallbackBody): void {
  res.headers.set('Content-Type', body.type)
  if (body.generatedHtml) res.headers.set('Content-Security-Policy', CSP)
  res.body = body.bytes
}

/** Puts a custom page on the response. */
function applyPage(res: Response, page: FileBodyBytes): void {
  res.headers.set('Content-Type', page.type)
  res.body = page.bytes
}

/**
 * The answers given when nothing else answered or something refused: 403 (or 404) for what nobody
 * handled, 405 (or 400) + `Allow` for other known methods and 501 for unknown ones, 400 for paths the
 * canonicalizer rejected, bodies
 * for refusals, rendering of errors thrown below, custom error pages and the single-page-app shell.
 *
 * @remarks
 * Position-agnostic: it wraps the rest of the chain (`try { await next() } catch { render }`) and
 * applies its policy on the way out, so it works last (it then answers only what nobody handled) or
 * anywhere above (it also fills in the refusals and renders the errors of everything below it).
 *
 * On the way out, in this order:
 * 1. an error thrown below → rendered like the core's `renderError` (status, `err.headers`, the
 *    message when exposed, else the status text; never a stack), then replaced by `pages[status]`
 *    or, with `body: 'negotiate'`, re-rendered as text, HTML or JSON; 5xx are logged through
 *    `debug('tinyhttp:fallback')`;
 * 2. nothing answered → `OPTIONS *` (asterisk-form, RFC 9110 §9.3.7: the server as a whole) gets
 *    `204 No Content` + `Allow` (the `methods` and OPTIONS) with `optionsAsterisk` or when `methods`
 *    lists OPTIONS, else it is a method like any other; 400 when `ctx.req.canonicalPath` is not ok;
 *    `methodStatus` + `Allow` for a method not in `methods` (501 without `Allow` for one not in core's
 *    `KNOWN_METHODS`, unless `methodStatus` is 400); the SPA shell when it applies; else `status`
 *    (403 by default);
 * 3. a refusal (`status >= 400`, no body) → the SPA shell for an eligible 403/404, else the
 *    configured body (`Allow` added to a 405 that has none).
 *
 * With `errorPages`, the body of a 403/404 refusal (2. and 3.) and of a thrown 403/404/5xx (1.) is first
 * asked of the file server (`errorPages.serve`, tinyhttp-static's `servePage`): the page's file with the
 * status kept; on success the request is rewritten to the page's path, and when the page cannot be served
 * the answer is the one described above.
 *
 * With `body: 'html'`, a client whose `Accept` prefers `text/html` (a browser navigation) gets the
 * generated page and every other client the empty body (errors thrown below keep their short text).
 *
 * Every answer it makes carries `X-Content-Type-Options: nosniff`; generated HTML carries
 * `Content-Security-Policy: default-src 'none'`. No request data is ever echoed.
 *
 * @param options - see {@link FallbackOptions}
 * @returns a middleware named `fallback`
 * @throws TypeError for a bad option or a `pages`/`spa` file that cannot be read
 * @example
 * ```ts
 * import { createApp } from 'tinyhttp-core'
 * import { cors } from 'tinyhttp-cors'
 * import { allowlist } from 'tinyhttp-allowlist'
 * import { serveStatic } from 'tinyhttp-static'
 * import { fallback } from 'tinyhttp-fallback'
 *
 * const app = createApp()
 * app.use(cors())
 * app.use(fallback({ status: 404, body: 'negotiate', spa: { file: 'index.html', root: './dist' } }))
 * app.use(allowlist(['index.html', 'assets/app.js'], { root: './dist' }))
 * app.use(serveStatic('./dist'))
 * ```
 */
export function fallback(options: FallbackOptions = {}): Middleware {
  const c = resolveFallbackOptions(options)
  const cache = new BodyCache(c.notes)
  const { pages, spa, allow, methods, methodStatus, asteriskAllow, body: mode, errorPages } = c
  const spaEtag = spa === null ? '' : contentEtag(spa)

  /** Sets the configured body for `status` (already on the response). */
  function fill(ctx: Context, status: number): void {
    const res = ctx.res
    res.headers.set('X-Content-Type-Options', 'nosniff')
    const page = pages.get(status)
    if (page !== undefined) {
      applyPage(res, page)
      return
    }
    if (mode === 'empty') return
    if (mode === 'text') {
      applyBody(res, cache.get(status, 'text'))
      return
    }
    res.headers.vary(VARY_ACCEPT)
    const format = negotiateFormat(ctx.req.headers.get('accept'))
    if (mode === 'html' && format !== 'html') return
    applyBody(res, cache.get(status, format))
  }

  /**
   * Serves the error page of `status` when there is one: true when it did (the request now has the page's
   * path), false when there is none or it could not be served (nothing changed), a promise while static
   * reads it from disk.
   */
  function tryPage(ctx: Context, status: number): boolean | Promise<boolean> {
    if (errorPages === null) return false
    const path = errorPages.paths.get(status) ?? (status >= 500 && status !== 501 ? errorPages.fiveXX : undefined)
    if (path === undefined || !ctx.req.canonicalPath.ok || ctx.res.committed) return false
    let served: boolean | Promise<boolean>
    try {
      served = errorPages.serve(ctx, path, status)
    } catch (err) {
      debug('error page %s for %d failed: %O', path, status, err)
      return false
    }
    if (served === true) return onPage(ctx, path)
    if (served === false) return false
    return served.then(
      ok => ok && onPage(ctx, path),
      (err: unknown) => {
        debug('error page %s for %d failed: %O', path, status, err)
        return false
      },
    )
  }

  /** The page is on the response: from now on the request has the page's path (header rules match it). */
  function onPage(ctx: Context, path: string): true {
    ctx.req.rewrite(encodePath(path))
    return true
  }

  /** The error page of `status` when there is one, else the configured body. */
  function finish(ctx: Context, status: number): void | Promise<void> {
    const served = tryPage(ctx, status)
    if (served === false) return fill(ctx, status)
    if (served === true) return
    return served.then(ok => {
      if (!ok) fill(ctx, status)
    })
  }

  /** Serves the SPA shell when it applies; returns whether it did. */
  function trySpa(ctx: Context): boolean {
    if (spa === null) return false
    const req = ctx.req
    if (req.method !== 'GET' && req.method !== 'HEAD') return false
    const canonical = req.canonicalPath
    if (!canonical.ok) return false
    const last = canonical.segments[canonical.segments.length - 1]
    if (last !== undefined && last.includes('.')) return false
    // From here on the answer depends on Accept.
    const res = ctx.res
    res.headers.vary(VARY_ACCEPT)
    if (!acceptsHtmlExplicitly(req.headers.get('accept'))) return false
    res.headers.set('Cache-Control', 'no-cache')
    res.headers.set('ETag', spaEtag)
    res.reason = 'fallback:spa'
    // The tag and the comparison are core's, the ones tinyhttp-static uses for the same file.
    const inm = req.headers.get('if-none-match')
    if (inm !== undefined && etagMatches(inm, spaEtag, false)) {
      // RFC 9110 §15.4.5: the validators and Cache-Control/Vary a 200 would carry, no content.
      res.status = 304
      return true
    }
    res.headers.set('Content-Type', HTML)
    res.headers.set('X-Content-Type-Options', 'nosniff')
    res.status = 200
    res.body = spa
    return true
  }

  /** Nothing below answered. */
  function unhandled(ctx: Context): void | Promise<void> {
    const req = ctx.req
    const res = ctx.res
    const canonical = req.canonicalPath
    if (!canonical.ok) {
      const raw = req.rawPath
      // `OPTIONS *` (asterisk-form, RFC 9110 §9.3.7) asks about the server as a whole: what it accepts.
      if (raw === '*' && asteriskAllow !== null) return asterisk(res, asteriskAllow)
      // Otherwise it and `CONNECT host:port` (authority-form) name no path: not a bad path, just a
      // method nobody handled (below).
      if (raw !== '*' && raw !== '') {
        res.status = 400
        res.reason = `reject:${canonical.reason}`
        fill(ctx, 400)
        return
      }
    }
    if (!methods.has(req.method)) {
      // RFC 9110 §9.1: 501 for a method the server does not implement (`get`, `FOO`); 405 + `Allow` for
      // a known one this server does not serve. `methodStatus: 400` answers 400 to both.
      const status = methodStatus === 405 && !isKnownMethod(req.method) ? 501 : methodStatus
      if (status !== 501) res.headers.set('Allow', allow)
      res.status = status
      res.reason = status === 501 ? 'deny:method-not-implemented' : 'deny:method'
      fill(ctx, status)
      return
    }
    if (trySpa(ctx)) return
    res.status = c.status
    res.reason = 'deny:unhandled'
    return finish(ctx, c.status)
  }

  /** `OPTIONS *` that nothing below answered: 204 + `Allow` (the parser admits `*` only for OPTIONS). */
  function asterisk(res: Response, allowed: string): void {
    res.status = 204
    res.headers.set('Allow', allowed)
    res.reason = 'fallback:options'
  }

  /** Something below refused (status ≥ 400, no body). */
  function refused(ctx: Context): void | Promise<void> {
    const res = ctx.res
    const status = res.status
    if ((status === 403 || status === 404) && trySpa(ctx)) return
    if (status === 405 && !res.headers.has('allow')) res.headers.set('Allow', allow)
    return finish(ctx, status)
  }

  /** An error thrown below. */
  function thrown(ctx: Context, err: unknown): void | Promise<void> {
    const status = renderError(ctx.res, err)
    if (status >= 500) debug('error below fallback → %d: %O', status, err)
    const served = tryPage(ctx, status)
    if (served === false) return rendered(ctx, status)
    if (served === true) return
    return served.then(ok => {
      if (!ok) rendered(ctx, status)
    })
  }

  /** An error thrown below, rendered by `renderError`: the `pages` file, or the configured format. */
  function rendered(ctx: Context, status: number): void {
    const res = ctx.res
    const page = pages.get(status)
    if (page !== undefined) applyPage(res, page)
    else if (mode === 'negotiate' || mode === 'html') {
      // renderError's body is the exposed message or the status text, never request data.
      const message = typeof res.body === 'string' ? res.body : ''
      res.headers.vary(VARY_ACCEPT)
      const format = negotiateFormat(ctx.req.headers.get('accept'))
      if (mode === 'negotiate' || format === 'html') applyBody(res, renderBody(status, format, message, c.notes.get(status)))
    }
  }

  /** On the way out: fills in what the chain below left unanswered or refused without a body. */
  function settle(ctx: Context): void | Promise<void> {
    const res = ctx.res
    if (res.committed || res.body !== null) return
    if (!res.statusSet) return unhandled(ctx)
    if (res.status >= 400) return refused(ctx)
  }

  // Like core's afterNext, but the way out may itself wait (an error page read from disk).
  return function fallback(ctx: Context, next: Next): void | Promise<void> {
    let rest: Promise<void>
    try {
      rest = next()
    } catch (err) {
      return thrown(ctx, err)
    }
    if (completedSynchronously(rest)) return settle(ctx)
    return rest.then(
      () => settle(ctx),
      (err: unknown) => thrown(ctx, err),
    )
  }
}
