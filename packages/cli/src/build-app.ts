/**
 * The app the CLI serves: the middleware chain built from a configuration, and the wait for its allowlist.
 *
 * @module
 */
import { allowlist, type AllowlistMiddleware, type AllowlistReport } from 'tinyhttp-allowlist'
import { createApp, type App, type Middleware } from 'tinyhttp-core'
import { cors } from 'tinyhttp-cors'
import { fallback, type FallbackOptions } from 'tinyhttp-fallback'
import { presets } from 'tinyhttp-rules'
import { serveStatic, type ServeStaticOptions } from 'tinyhttp-static'
import type { CliConfig } from './config.js'
import { errorPagePaths } from './error-pages.js'
import { oneLine, usageError } from './errors.js'
import { hostCheck, hostPolicy, type HostPolicy } from './host-check.js'
import { isLoopback } from './listen.js'

/** An app built from a {@link CliConfig}, not listening yet. */
export interface BuiltApp {
  /** The app with the whole chain installed. */
  app: App
  /** The allowlist (its `ready` promise resolves with the table). */
  allowlist: AllowlistMiddleware
  /** Closes the app (draining in-flight requests), then the plugins (watchers, caches). */
  close(gracePeriod?: number): Promise<void>
  /** Resolves once static has no compression job queued or running (`--check` waits for it). */
  compressionIdle(): Promise<void>
}

/**
 * Turns a refusal of the allowlist (403, `deny:*`, no body) into 404, for `--not-found 404`: then
 * nothing tells a path that is not served from one that does not exist (both answer 404).
 *
 * @returns the middleware, placed between `fallback` and `allowlist`
 */
export function denyAsNotFound(): Middleware {
  return async function denyAsNotFound(ctx, next) {
    await next()
    const res = ctx.res
    if (res.status === 403 && res.body === null && !res.committed && res.reason?.startsWith('deny:') === true) res.status = 404
  }
}

/**
 * The sentence under the status of a refusal on the HTML page browsers get (other clients get the empty
 * body of the original program): it says what the answer means and never names the request, so the
 * bytes are the same whether the file exists or not.
 */
const REFUSAL_NOTES: FallbackOptions['notes'] = {
  400: 'This server could not accept this request.',
  403: 'This server only serves the files it was told to serve.',
  404: 'This server only serves the files it was told to serve.',
  405: 'This server only answers GET and HEAD requests.',
  501: 'This server does not implement this method; it only answers GET and HEAD requests.',
}

/** Calls a plugin factory; its `TypeError` (a bad option) becomes a usage error. */
function plugin<T>(name: string, make: () => T): T {
  try {
    return make()
  } catch (err) {
    throw usageError(`${name}: ${oneLine(err).replace(new RegExp(`^${name}: `), '')}`)
  }
}

/**
 * Builds the app: `[access log] → [host check] → cors → fallback → [deny as 404] → allowlist → static`.
 *
 * @param config - the validated configuration
 * @param log - the access log middleware, outermost; omitted when quiet
 * @returns the app and its allowlist
 * @throws CliError (exit code 2) when a plugin refuses its options
 * @example
 * ```ts
 * const built = buildApp(config)
 * await built.allowlist.ready
 * await built.app.listen(0)
 * ```
 */
export function buildApp(config: CliConfig, log?: Middleware): BuiltApp {
  const staticOptions: ServeStaticOptions = {
    etag: config.etag,
    precompressed: config.precompressed,
    compress: config.compress,
    ...(config.maxAge !== undefined ? { maxAge: config.maxAge } : {}),
    ...(config.immutable ? { immutable: true } : {}),
    ...(config.seedMethods ? { methodNotAllowed: 'next' as const } : {}),
  }
  const fallbackOptions: FallbackOptions = {
    status: config.notFound,
    body: 'html',
    notes: REFUSAL_NOTES,
    // `OPTIONS *` asks about the server as a whole: 204 + `Allow: GET, HEAD, OPTIONS`, never a 400.
    optionsAsterisk: true,
    ...(config.seedMethods ? { methodStatus: 400 as const } : {}),
    ...(config.spa !== undefined ? { spa: { file: config.spa, root: config.root } } : {}),
  }
  // Error pages are files of the root that static sends with the refusal's status (it is built below).
  const pagePaths = errorPagePaths(config.errorPages)
  if (pagePaths !== undefined) fallbackOptions.errorPages = { paths: pagePaths, serve: (ctx, path, status) => files.servePage(ctx, path, status) }
  const corsMw = config.cors === false ? undefined : plugin('cors', () => cors({ origin: config.cors as '*' | string[] }))
  const fallbackMw = plugin('fallback', () => fallback(fallbackOptions))
  const allow = plugin('allowlist', () => allowlist(config.allow, { root: config.root, watch: config.watch && !config.check }))
  let files: ReturnType<typeof serveStatic>
  try {
    files = plugin('static', () => serveStatic(config.root, staticOptions))
  } catch (err) {
    allow.close()
    throw err
  }

  // The chain is made of our plugins only: the missing-await check (for user middleware) would cost
  // about 0.7 µs of a 3.3 µs pipelined request (A/B in the issue-9 note) and can never fire here.
  const app = createApp({ checkMissingAwait: false })
  if (log !== undefined) app.use(log)
  const hosts = hostsOf(config)
  if (hosts.check) app.use(hostCheck(hosts.names))
  if (corsMw !== undefined) app.use(corsMw)
  // Only when a preset is on (no cost otherwise); outside fallback, so the SPA shell and refusals get them.
  if (config.cache !== undefined || config.isolate || config.securityHeaders) {
    app.use(
      presets({
        ...(config.cache !== undefined ? { cache: config.cache } : {}),
        isolate: config.isolate,
        ...(config.securityHeaders ? { securityHeaders: { tls: config.tls !== undefined } } : {}),
      }),
    )
  }
  app.use(fallbackMw)
  if (config.notFound === 404) app.use(denyAsNotFound())
  app.use(allow, files)

  let closed: Promise<void> | null = null
  return {
    app,
    allowlist: allow,
    compressionIdle: () => files.idle(),
    close(gracePeriod?: number) {
      closed ??= app.close(gracePeriod).finally(() => {
        allow.close()
        files.close()
      })
      return closed
    },
  }
}

/**
 * The host policy of a configuration: the DNS-rebinding check is on for a loopback-only bind or when
 * `--allowed-hosts` names hosts, off for `--allowed-hosts all`.
 *
 * @param config - the configuration
 * @returns the policy
 * @example
 * ```ts
 * if (hostsOf(config).check) app.use(hostCheck(hostsOf(config).names))
 * ```
 */
export function hostsOf(config: CliConfig): HostPolicy {
  return hostPolicy(isLoopback(config.host), config.allowedHosts)
}

/**
 * Waits for the allowlist and checks that the `--spa` file is served.
 *
 * @param built - from {@link buildApp}
 * @param config - the configuration
 * @returns the allowlist table
 * @throws CliError (exit code 2) when an allow entry resolves outside the root or the SPA file is not allowed
 */
export async function awaitTable(built: BuiltApp, config: CliConfig): Promise<AllowlistReport> {
  // An entry whose real path leaves the root (a symlink) is refused by the allowlist and reported as a
  // warning; the server still starts and answers that path 403, like any path that is not listed.
  // (Entries that name a path outside the root, like `../x`, were refused with exit code 2 already.)
  const report = await built.allowlist.ready
  if (config.spa !== undefined) {
    const url = '/' + config.spa
    if (!report.allowed.some(f => f.urlPath === url)) {
      throw usageError(`--spa file ${config.spa} is not allowed: add --allow ${JSON.stringify(config.spa)}`)
    }
  }
  return report
}
