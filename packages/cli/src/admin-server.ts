/**
 * The admin listener (`--admin`): a second tinyhttp-core App on its own port, apart from the public one
 * so nothing it answers can shadow a served file or be shadowed by one. It answers `GET`/`HEAD`
 * `/livez`, `/readyz` and `/metrics`, and 404 to anything else; it has no access log.
 *
 * @module
 */
import { createApp, type App, type Context } from 'tinyhttp-core'
import { PROMETHEUS_CONTENT_TYPE } from 'tinyhttp-metrics'
import type { AdminAddress } from './config-admin.js'
import type { ReadinessReport } from './readiness.js'

/**
 * Asks whether the server should get traffic, and why not: the check of the CLI's `Readiness`
 * (`readiness.check`), which owns the state; the admin listener and the health path only ask.
 */
export type ReadinessCheck = () => ReadinessReport

/** What the admin listener needs. */
export interface AdminOptions {
  /** Asked on every `/readyz`. */
  readiness: ReadinessCheck
  /** The Prometheus text for `/metrics` (a promise when workers are asked). */
  scrape: () => string | Promise<string>
}

/** A running admin listener. */
export interface AdminServer {
  /** The App serving it. */
  app: App
  /** `http://host:port` */
  url: string
  /** The bound port. */
  port: number
  /** Closes it (at once: probes and scrapes are short). */
  close(): Promise<void>
}

const PATHS = new Set(['/livez', '/readyz', '/metrics'])

function text(ctx: Context, status: number, body: string): void {
  const res = ctx.res
  res.status = status
  res.headers.set('Content-Type', 'text/plain; charset=utf-8')
  res.headers.set('Cache-Control', 'no-store')
  res.headers.set('X-Content-Type-Options', 'nosniff')
  res.body = body
}

/**
 * Makes the admin App (not listening): `/livez` 200 `ok` while the process runs; `/readyz` 200 `ready`
 * or 503 `not ready: <reason>`; `/metrics` the scrape with `Content-Type: text/plain; version=0.0.4`;
 * 405 (`Allow: GET, HEAD`) for another method on those paths; 404 for any other path.
 *
 * @param options - readiness and scrape
 * @returns the App
 * @example
 * ```ts
 * const admin = adminApp({ readiness: () => ({ ready: true, reason: 'ready' }), scrape: () => '' })
 * await admin.listen(9464, '127.0.0.1')
 * ```
 */
export function adminApp(options: AdminOptions): App {
  const app = createApp({ checkMissingAwait: false, keepAliveTimeout: 5_000, headersTimeout: 5_000, requestTimeout: 10_000 })
  app.use(function admin(ctx) {
    const canonical = ctx.req.canonicalPath
    const path = canonical.ok ? canonical.path : ''
    if (!PATHS.has(path)) return text(ctx, 404, 'not found\n')
    const method = ctx.req.method
    if (method !== 'GET' && method !== 'HEAD') {
      text(ctx, 405, 'method not allowed\n')
      ctx.res.headers.set('Allow', 'GET, HEAD')
      return
    }
    if (path === '/livez') return text(ctx, 200, 'ok\n')
    if (path === '/readyz') {
      const state = options.readiness()
      return state.ready ? text(ctx, 200, 'ready\n') : text(ctx, 503, `not ready: ${state.reason.replace(/[\r\n]+/g, ' ')}\n`)
    }
    const finish = (body: string): void => {
      text(ctx, 200, body)
      ctx.res.headers.set('Content-Type', PROMETHEUS_CONTENT_TYPE)
    }
    const scraped = options.scrape()
    if (typeof scraped === 'string') return finish(scraped)
    return scraped.then(finish)
  })
  return app
}

/**
 * Starts the admin listener.
 *
 * @param address - where to bind (`--admin`)
 * @param options - readiness and scrape
 * @returns the running listener
 * @throws the listen error (port in use, …)
 * @example
 * ```ts
 * const admin = await startAdmin({ host: '127.0.0.1', port: 9464 }, { readiness, scrape })
 * await admin.close()
 * ```
 */
export async function startAdmin(address: AdminAddress, options: AdminOptions): Promise<AdminServer> {
  const app = adminApp(options)
  const bound = await app.listen(address.port, address.host)
  const host = bound.address.includes(':') ? `[${bound.address}]` : bound.address
  return { app, url: `http://${host}:${bound.port}`, port: bound.port, close: () => app.close(0) }
}
