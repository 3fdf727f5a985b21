/**
 * The app the CLI serves: the middleware chain built from a configuration, and the wait for its allowlist.
 *
 * @module
 */
import { allowlist, type AllowlistMiddleware, type AllowlistReport } from 'tinyhttp-allowlist'
import { createApp, type App, type Middleware } from 'tinyhttp-core'
import { cors } from 'tinyhttp-cors'
import { fallback, type FallbackOptions } from 'tinyhttp-fallback'
import type { HeaderLayer, RulesMiddleware, SiteRules } from 'tinyhttp-rules'
import { serveStatic, type ServeStaticOptions } from 'tinyhttp-static'
import type { CliConfig } from './config.js'
import type { DevHub } from './dev/hub.js'
import { errorPagePaths } from './error-pages.js'
import { oneLine, usageError } from './errors.js'
import { hostCheck, hostPolicy, type HostPolicy } from './host-check.js'
import { isLoopback } from './listen.js'
import { RULE_FILES, RuleFileError, existsInTable, isEmptyRules, loadSiteRules } from './site-rules.js'

/** An app built from a {@link CliConfig}, not listening yet. */
export interface BuiltApp {
  /** The app with the whole chain installed. */
  app: App
  /** The allowlist. Wait for {@link BuiltApp.ready}, not its own `ready`: the rule files are excluded after. */
  allowlist: AllowlistMiddleware
  /** Resolves with the allowlist's first table without the rule files (`_headers`, `_redirects`, `serve.json`). */
  ready: Promise<AllowlistReport>
  /** The site rules in force: the root's rule files, then the configuration file's rules. */
  readonly siteRules: SiteRules
  /**
   * Re-reads the root's rule files, merges `extra` after them (undefined: the extra rules given last, at
   * first `config.siteRules`), validates and compiles the result, then swaps it in at once: a request
   * sees the old rules or the new ones, never a mix. Reloads run one at a time, in call order.
   *
   * @param extra - the configuration file's rules, or undefined to keep the current ones
   * @throws RulesConfigError (a fault in a file, with its line or key), RuleFileError (a rule file that
   *   cannot be read), or Error when the server started without rules and not under `--watch` (the
   *   `rules` middleware is then not in the chain: restart to apply); the old rules stay in force
   */
  reloadRules(extra?: SiteRules): Promise<void>
  /** Whether the rules middleware is in the chain, so {@link BuiltApp.reloadRules} can swap any rules in. */
  readonly rulesLive: boolean
  /** Closes the app (draining in-flight requests), then the plugins (watchers, caches). */
  close(gracePeriod?: number): Promise<void>
  /** Resolves once static has no compression job queued or running (`--check` waits for it). */
  compressionIdle(): Promise<void>
  /** Drops static's memory cache: the next request for each file reads the disk (`--dev`, after a change). */
  forgetCachedFiles(): void
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

/** The optional plugins a configuration uses, imported; undefined for each it does not use. */
interface Features {
  /** `tinyhttp-rules`, for `--cache`, `--isolate` or `--security-headers` (the presets). */
  rules: typeof import('tinyhttp-rules') | undefined
  /** `tinyhttp-listing`'s factory, for `--listing`. */
  listing: typeof import('tinyhttp-listing').listing | undefined
  /** The script injection and the dev middleware, for `--dev`. */
  dev: (typeof import('./dev/inject.js') & typeof import('./dev/middleware.js')) | undefined
}

/**
 * Imports the plugins of the options that are on, before anything is opened (so a failed import leaves
 * nothing to close). A default run imports none of them: each module Node's ESM loader keeps costs about
 * 0.1 MB of RSS, and these are about 30 (the site rules' own import is in `loadSiteRules`).
 */
async function importFeatures(config: CliConfig): Promise<Features> {
  const presets = config.cache !== undefined || config.isolate || config.securityHeaders
  const [rules, listing, inject, middleware] = await Promise.all([
    presets ? import('tinyhttp-rules') : undefined,
    config.listing ? import('tinyhttp-listing') : undefined,
    config.dev !== undefined ? import('./dev/inject.js') : undefined,
    config.dev !== undefined ? import('./dev/middleware.js') : undefined,
  ])
  return { rules, listing: listing?.listing, dev: inject !== undefined && middleware !== undefined ? { ...inject, ...middleware } : undefined }
}

/** Loads the root's rule files at start-up: a fault is a usage error (exit 2) naming the file and line. */
async function startupRules(config: CliConfig): Promise<SiteRules> {
  try {
    return await loadSiteRules(config.root, config.siteRules, config.rootArg)
  } catch (err) {
    if (err instanceof RuleFileError || (await isRulesConfigError(err))) throw usageError((err as Error).message)
    throw err
  }
}

/**
 * Whether `err` is a fault in a rule set. Only `tinyhttp-rules` throws one, so it is loaded already
 * when `err` is one (importing it again costs nothing), and a start-up without rules never loads it.
 */
async function isRulesConfigError(err: unknown): Promise<boolean> {
  return err instanceof Error && err.name === 'RulesConfigError' && err instanceof (await import('tinyhttp-rules')).RulesConfigError
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
 * Builds the app: `[access log] → [host check] → [dev → dev socket] → cors → [presets] → [rules] → fallback →
 * [deny as 404] → [listing] → allowlist → static`.
 *
 * @remarks
 * The rules of the root's `_headers`, `_redirects` and `serve.json` (then `config.siteRules`) are read
 * here; `rules` is in the chain only when there are rules (or under `--watch`, where a rule file may
 * appear later). It sits outside `fallback` so that its header rules reach every answer, as they reach
 * a file: the SPA shell (matched as the `--spa` file's path), the refusal pages and the error pages
 * fallback renders; its redirects answer before anything below; its rewrites change the path the
 * allowlist then judges (a rewrite cannot publish a denied file). `presets` stays outside it: a flag
 * given on the command line wins over a rule file. The rule files are removed from the allowlist's table,
 * so they get the answer of any path not served (403, or 404 with `--not-found 404`).
 *
 * @param config - the validated configuration
 * @param log - the access log middleware, outermost; omitted when quiet
 * @param hub - under `--dev`, the live-reload sockets (their endpoint goes right after the dev middleware;
 *   `--check` builds without it)
 * @param outer - middleware before even the access log (`--health-path`, the metrics of `--admin`)
 * @returns the app and its allowlist
 * @throws CliError (exit code 2) when a plugin refuses its options (a rejection: the optional plugins
 *   are imported first, see {@link importFeatures})
 * @example
 * ```ts
 * const built = await buildApp(config)
 * await built.allowlist.ready
 * await built.app.listen(0)
 * ```
 */
export async function buildApp(config: CliConfig, log?: Middleware, hub?: DevHub, outer: readonly Middleware[] = []): Promise<BuiltApp> {
  const features = await importFeatures(config)
  const staticOptions: ServeStaticOptions = {
    etag: config.etag,
    precompressed: config.precompressed,
    compress: config.compress,
    ...(config.maxAge !== undefined ? { maxAge: config.maxAge } : {}),
    ...(config.immutable ? { immutable: true } : {}),
    ...(config.seedMethods ? { methodNotAllowed: 'next' as const } : {}),
    // --dev: the live-reload tag in every HTML file, before it is hashed, cached and compressed.
    ...(features.dev !== undefined ? { htmlTransform: features.dev.injectDevScript } : {}),
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
  // Only when a preset is on (no cost otherwise).
  const presetsMw =
    features.rules !== undefined
      ? features.rules.presets({
          ...(config.cache !== undefined ? { cache: config.cache } : {}),
          isolate: config.isolate,
          ...(config.securityHeaders ? { securityHeaders: { tls: config.tls !== undefined } } : {}),
        })
      : undefined
  // Error pages are files of the root that static sends with the refusal's status (it is built below).
  const pagePaths = errorPagePaths(config.errorPages)
  if (pagePaths !== undefined) fallbackOptions.errorPages = { paths: pagePaths, serve: (ctx, path, status) => files?.servePage(ctx, path, status) ?? false }
  const corsMw = config.cors === false ? undefined : plugin('cors', () => cors({ origin: config.cors as '*' | string[] }))
  const fallbackMw = plugin('fallback', () => fallback(fallbackOptions))
  const allow = plugin('allowlist', () => allowlist(config.allow, { root: config.root, watch: config.watch && !config.check }))
  // Configuration, never content: out of the table even when an entry (or the default `**/*`) names them.
  const ready = allow.remove([...RULE_FILES])
  ready.catch(() => undefined)
  let files: ReturnType<typeof serveStatic> | undefined
  let rulesMw: RulesMiddleware | undefined
  let siteRules: SiteRules
  try {
    siteRules = await startupRules(config)
    // No rules: no middleware and no cost (under --watch it stays, so a rule file created later applies).
    if (!isEmptyRules(siteRules) || (config.watch && !config.check)) {
      const spaPath = config.spa === undefined ? undefined : '/' + config.spa
      const { rules, RulesConfigError } = await import('tinyhttp-rules')
      try {
        rulesMw = rules(siteRules, {
          exists: existsInTable(() => allow.report, 'index.html'),
          index: 'index.html',
          ...(config.allowedRedirectHosts !== undefined ? { allowedHosts: config.allowedRedirectHosts } : {}),
          // The SPA shell is the --spa file: its header rules apply (not those of the deep link).
          ...(spaPath !== undefined ? { servedPath: ctx => (ctx.res.reason === 'fallback:spa' ? spaPath : undefined) } : {}),
        })
      } catch (err) {
        if (err instanceof RulesConfigError) throw usageError(err.message)
        throw err
      }
    }
    // Header rules and presets precomputed into static's prepared blocks (rules inside presets): a file
    // answered from memory pays nothing for them per request.
    const layers: HeaderLayer[] = [...(rulesMw !== undefined ? [rulesMw.headerLayer] : []), ...(presetsMw !== undefined ? [presetsMw.headerLayer] : [])]
    if (layers.length > 0) staticOptions.headers = (await import('tinyhttp-rules')).fileHeaders(...layers)
    files = plugin('static', () => serveStatic(config.root, staticOptions))
  } catch (err) {
    allow.close()
    files?.close()
    throw err
  }

  // The chain is made of our plugins only: the missing-await check (for user middleware) would cost
  // about 0.7 µs of a 3.3 µs pipelined request (A/B in the issue-9 note) and can never fire here.
  const app = createApp({ checkMissingAwait: false, ...(config.trustProxy === undefined ? {} : { trustProxy: config.trustProxy }) })
  if (outer.length > 0) app.use(...outer)
  if (log !== undefined) app.use(log)
  const hosts = hostsOf(config)
  if (hosts.check) app.use(hostCheck(hosts.names))
  // Outside every layer that writes headers: it sees (and keeps strict) the CSP the client gets.
  if (features.dev !== undefined) app.use(features.dev.devMiddleware(features.dev.spaOptions(config.root, config.spa)))
  if (hub !== undefined) app.use(hub.endpoint)
  if (corsMw !== undefined) app.use(corsMw)
  // Outside fallback, so the SPA shell and refusals get them too.
  if (presetsMw !== undefined) app.use(presetsMw)
  // Outside fallback: header rules reach the SPA shell, refusals and error pages (see @remarks).
  if (rulesMw !== undefined) app.use(rulesMw)
  app.use(fallbackMw)
  if (config.notFound === 404) app.use(denyAsNotFound())
  // Before the allowlist, which refuses a folder path it has no index for: the listing answers those
  // folders from the allowlist's own table (only what it serves) and passes every other request on.
  if (features.listing !== undefined) app.use(features.listing(allow))
  app.use(allow, files)

  let extra = config.siteRules
  let reloads: Promise<void> = Promise.resolve()
  async function reload(given: SiteRules | undefined): Promise<void> {
    const nextExtra = given ?? extra
    const next = await loadSiteRules(config.root, nextExtra, config.rootArg)
    if (rulesMw === undefined) {
      if (!isEmptyRules(next)) throw new Error('the server started without site rules: restart to apply them (or serve with --watch)')
    } else {
      rulesMw.update(next) // validates and compiles, then one swap; throws and keeps the old set otherwise
    }
    siteRules = next
    extra = nextExtra
  }

  let closed: Promise<void> | null = null
  return {
    app,
    allowlist: allow,
    ready,
    get siteRules() {
      return siteRules
    },
    rulesLive: rulesMw !== undefined,
    reloadRules(given?: SiteRules) {
      const run = (): Promise<void> => reload(given)
      const p = reloads.then(run, run)
      reloads = p.catch(() => undefined)
      return p
    },
    compressionIdle: () => files.idle(),
    forgetCachedFiles: () => files.forget(),
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
  const report = await built.ready
  if (config.spa !== undefined) {
    const url = '/' + config.spa
    if (!report.allowed.some(f => f.urlPath === url)) {
      throw usageError(`--spa file ${config.spa} is not allowed: add --allow ${JSON.stringify(config.spa)}`)
    }
  }
  return report
}
