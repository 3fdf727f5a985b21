/**
 * The `presets()` middleware: the CLI's header presets applied on the way out.
 *
 * @module
 */
import { afterNext, type Context, type Middleware } from 'tinyhttp-core'
import { ISOLATE_HEADERS, cacheSpaHeaders, securityHeaders, type PresetHeader } from './presets.js'

/**
 * Which presets are on.
 *
 * @example `const p: PresetOptions = { cache: 'spa', isolate: true, securityHeaders: { tls: false } }`
 */
export interface PresetOptions {
  /** `--cache spa`. */
  readonly cache?: 'spa'
  /** `--isolate`. */
  readonly isolate?: boolean
  /** `--security-headers`; `tls` decides HSTS (a start-up choice). */
  readonly securityHeaders?: { readonly tls: boolean }
}

/**
 * Sets the presets' headers on whatever answered (every status, HEAD, refusals), unless the response is
 * already on the wire. The always-on headers are computed once; `--cache spa` looks at the canonical path
 * served (after any rewrite), and the SPA shell (reason `fallback:spa`) counts as HTML (`no-cache`).
 * Place it outside `fallback` so it sees the shell and the error pages.
 *
 * @param options - the presets on
 * @returns the middleware, named `presets`
 * @example
 * ```ts
 * app.use(presets({ cache: 'spa', isolate: true }), fallback(...), allowlist(...), serveStatic(...))
 * ```
 */
export function presets(options: PresetOptions): Middleware {
  const always: PresetHeader[] = [
    ...(options.isolate === true ? ISOLATE_HEADERS : []),
    ...(options.securityHeaders !== undefined ? securityHeaders(options.securityHeaders.tls) : []),
  ]
  const cache = options.cache === 'spa'

  function decorate(ctx: Context): void {
    const res = ctx.res
    if (res.committed) return
    for (const [name, value] of always) {
      // A policy the answer brought itself (a directory listing's `default-src 'none'`) is kept: a second
      // CSP field adds restrictions (every policy is enforced), replacing it would lift them.
      if (name === 'Content-Security-Policy' && res.headers.has(name)) res.headers.append(name, value)
      else res.headers.set(name, value)
    }
    if (!cache) return
    if (res.reason === 'fallback:spa') {
      res.headers.set('Cache-Control', 'no-cache')
      return
    }
    const path = ctx.req.canonicalPath
    if (!path.ok || res.status >= 400) return
    for (const [name, value] of cacheSpaHeaders(path.path)) res.headers.set(name, value)
  }

  function failed(_ctx: Context, err: unknown): never {
    throw err
  }

  return function presets(ctx, next) {
    return afterNext(ctx, next, decorate, failed)
  }
}
