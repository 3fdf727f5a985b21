/**
 * The `presets()` middleware: the CLI's header presets applied on the way out.
 *
 * @module
 */
import { afterNext, type Context, type Middleware } from 'tinyhttp-core'
import { addPolicy, carriesEdits, headerLayer, type HeaderLayer } from './precompute.js'
import { ISOLATE_HEADERS, cacheSpaHeaders, securityHeaders, type PresetHeader } from './presets.js'

/**
 * The middleware {@link presets} returns: a middleware plus its headers as a layer static can bake into
 * its blocks (`serveStatic(root, { headers: fileHeaders(rulesMw.headerLayer, mw.headerLayer) })`).
 *
 * @example
 * ```ts
 * const mw: PresetsMiddleware = presets({ cache: 'spa' })
 * ```
 */
export type PresetsMiddleware = Middleware & {
  /** The presets' headers, for tinyhttp-rules' `fileHeaders` (static's option `headers`). */
  readonly headerLayer: HeaderLayer
}

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
 * @returns the middleware, named `presets`, with its `headerLayer` (see `fileHeaders`)
 * @example
 * ```ts
 * app.use(presets({ cache: 'spa', isolate: true }), fallback(...), allowlist(...), serveStatic(...))
 * ```
 */
export function presets(options: PresetOptions): PresetsMiddleware {
  const always: PresetHeader[] = [
    ...(options.isolate === true ? ISOLATE_HEADERS : []),
    ...(options.securityHeaders !== undefined ? securityHeaders(options.securityHeaders.tls) : []),
  ]
  const cache = options.cache === 'spa'
  // The presets never change: one state. A file answer (below 400) gets `always` and `--cache spa`'s headers.
  const state = {}
  const layer = headerLayer(
    () => state,
    (_s, path) => (cache ? [...always, ...cacheSpaHeaders(path)] : always),
    true, // a policy the answer has is kept and `frame-ancestors` added as a second field, as per request
  )

  function decorate(ctx: Context): void {
    const res = ctx.res
    if (res.committed) return
    const cp = ctx.req.canonicalPath
    // Static sent a block with these headers baked in (option `headers`): nothing to do.
    if (carriesEdits(ctx, layer, state, cp.ok ? cp.path : undefined, res.status < 400 && res.reason !== 'fallback:spa')) return
    for (const [name, value] of always) {
      // A policy the answer brought itself (a directory listing's `default-src 'none'`) is kept: a second
      // CSP field adds restrictions (every policy is enforced), replacing it would lift them.
      if (name === 'Content-Security-Policy') addPolicy(res.headers, value)
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

  const middleware = function presets(ctx: Context, next: Parameters<Middleware>[1]) {
    return afterNext(ctx, next, decorate, failed)
  } as PresetsMiddleware
  Object.defineProperty(middleware, 'headerLayer', { value: layer, enumerable: true })
  return middleware
}
