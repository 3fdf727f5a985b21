/**
 * `--health-path`: readiness on the public port, for load balancers that cannot probe another port.
 *
 * @module
 */
import type { Middleware } from 'tinyhttp-core'
import type { AllowlistReport } from 'tinyhttp-allowlist'
import type { ReadinessCheck } from './admin-server.js'
import { usageError } from './errors.js'

/**
 * The middleware that answers the health path: `GET`/`HEAD` → 200 `ok` when ready, 503 `not ready:
 * <reason>` when not, `Cache-Control: no-store`; other methods and paths go on down the chain. It is
 * installed outermost, before the access log and the metrics: a probe every second is neither a
 * visitor nor a refusal.
 *
 * @param path - the canonical path (`/healthz`)
 * @param readiness - asked on every probe
 * @returns the middleware
 * @example
 * ```ts
 * app.use(healthPath('/healthz', () => ({ ready: true, reason: 'ready' })))
 * ```
 */
export function healthPath(path: string, readiness: ReadinessCheck): Middleware {
  return function healthPath(ctx, next) {
    const req = ctx.req
    const canonical = req.canonicalPath
    if (!canonical.ok || canonical.path !== path || (req.method !== 'GET' && req.method !== 'HEAD')) return next()
    const state = readiness()
    const res = ctx.res
    res.status = state.ready ? 200 : 503
    res.headers.set('Content-Type', 'text/plain; charset=utf-8')
    res.headers.set('Cache-Control', 'no-store')
    res.headers.set('X-Content-Type-Options', 'nosniff')
    res.body = state.ready ? 'ok\n' : `not ready: ${state.reason.replace(/[\r\n]+/g, ' ')}\n`
  }
}

/**
 * Refuses a health path that would hide something the allowlist serves: the same URL path, the index
 * of a folder (`/docs/` when `docs/index.html` is served) or a folder's redirect (`/docs`).
 *
 * @param path - the `--health-path` value
 * @param table - the allowlist's table at start-up
 * @throws CliError (exit code 2) naming the file it would hide
 * @example
 * ```ts
 * refuseShadowing('/healthz', await built.ready)
 * ```
 */
export function refuseShadowing(path: string, table: Pick<AllowlistReport, 'allowed'>): void {
  const folder = path.endsWith('/') ? path : path + '/'
  for (const file of table.allowed) {
    const url = file.urlPath
    if (url === path || (path.endsWith('/') && url === path + 'index.html') || url.startsWith(folder)) {
      throw usageError(`--health-path ${path} would hide ${url}, which is served: choose a path no file uses (e.g. /healthz)`)
    }
  }
}
