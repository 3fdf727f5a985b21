/**
 * Serving in-process: {@link start} resolves a command line into a configuration, builds the app,
 * listens and prints the start-up lines; the server it returns closes everything it opened.
 *
 * @module
 */
import cluster from 'node:cluster'
import type { App } from 'tinyhttp-core'
import { parseArgs } from './args.js'
import { resolveConfig, type CliConfig } from './config.js'
import { errorPageWarning } from './error-pages.js'
import { CliError, oneLine, runtimeError, usageError } from './errors.js'
import { LineWriter, painter, printWarning, processIo, useColor, type CliIo } from './output.js'
import { awaitTable, buildApp } from './build-app.js'
import { listen, serverUrls } from './listen.js'
import { Readiness } from './readiness.js'
import type { ReloadOutcome } from './reload.js'
import { ruleFileEntries, watchRuleFiles } from './site-rules.js'
import type { SiteRules } from 'tinyhttp-rules'
import { version } from './version.js'
import type { AdminParts } from './admin-wiring.js'
import type { ReadinessCheck } from './admin-server.js'
import type { Snapshot } from 'tinyhttp-metrics'

/** Options of {@link start}. */
export interface StartOptions {
  /** Print the start-up lines (`Local: …`). @defaultValue true */
  banner?: boolean
  /** Print warnings about rejected or unmatched allow entries. @defaultValue true */
  warnings?: boolean
  /** Add `pid` to JSON access log lines (cluster workers). */
  pid?: number
  /**
   * The readiness to drive (`starting` until listening, then `ready`; `draining` from `drain()`), for a
   * probe started before the server (an admin listener answering `/readyz` with 503 `starting`).
   * @defaultValue a new one, on {@link StartedServer.readiness}
   */
  readiness?: Readiness
}

/** A server started by {@link start}. */
export interface StartedServer {
  /** The app (its servers are listening). */
  app: App
  /** The `Local:` URL, e.g. `http://127.0.0.1:7878`. */
  url: string
  /** The `Network:` URLs (empty unless exposed). */
  network: string[]
  /** The bound port. */
  port: number
  /** Number of files allowed at start-up. */
  files: number
  /** The configuration it runs with (after a {@link StartedServer.reload}, with the keys it applied). */
  readonly config: CliConfig
  /** `ready` once listening, `draining` from {@link StartedServer.drain} or `close()` on; `readiness.check` is the probe callback. */
  readonly readiness: Readiness
  /** `--admin`: the admin listener's URL (undefined in a cluster worker: the primary owns it). */
  readonly adminUrl: string | undefined
  /** `--admin`: this process's metrics as a snapshot (a cluster worker sends it to the primary). */
  readonly metricsSnapshot: (() => Snapshot) | undefined
  /** Seconds a shutdown keeps the listeners open after {@link StartedServer.drain} (`--drain-delay`). */
  readonly drainDelay: number
  /**
   * Starts a drain: readiness says `draining`, every later answer says `Connection: close`, idle
   * keep-alive connections close now, the listeners keep accepting until `close()`.
   */
  drain(): void
  /**
   * Applies a newly resolved configuration (SIGHUP): allowlist, site rules, TLS certificate and key, all
   * or nothing; reloads run one at a time.
   *
   * @param next - from `resolveConfig` (the config, allow and TLS files read again)
   * @returns the files allowed now and the changed keys that need a restart
   * @throws Error with the reason; the running configuration stays whole
   */
  reload(next: CliConfig): Promise<ReloadOutcome>
  /**
   * Re-reads the root's rule files (`_headers`, `_redirects`, `serve.json`), merges `extra` (undefined:
   * the configuration file's rules given last) and swaps the result in atomically; rejects and keeps the
   * old rules when they are invalid. `--watch` calls it when a rule file changes.
   *
   * @param extra - the configuration file's rules, or undefined to keep them
   */
  reloadRules(extra?: SiteRules): Promise<void>
  /**
   * Stops accepting, drains in-flight requests, closes the plugins and flushes the access log.
   *
   * @param gracePeriod - milliseconds before connections still busy are destroyed (default 5000)
   */
  close(gracePeriod?: number): Promise<void>
}

/**
 * Prints the start-up lines. Not a terminal (or `NO_COLOR`): only plain parseable lines, `Local:`
 * first (`Local: http://127.0.0.1:7878`, then any `Network: …`); a terminal: a coloured banner with
 * the root and the number of files allowed.
 *
 * @param io - the streams
 * @param config - the configuration
 * @param urls - `local`, `network`, and `admin` (`--admin`)
 * @param files - number of files allowed
 * @param workers - number of worker processes (cluster)
 */
export function printBanner(io: CliIo, config: CliConfig, urls: { local: string; network: string[]; admin?: string }, files: number, workers = 1): void {
  const tty = useColor(io.stdout, io.env)
  const paint = painter(tty)
  const lines: string[] = []
  const what = `${files} file${files === 1 ? '' : 's'} allowed${workers > 1 ? `, ${workers} workers` : ''}`
  if (tty) {
    if (!config.quiet) lines.push('', `  ${paint('bold', 'tinyhttp-cli')} ${version()}  serving ${paint('cyan', config.root)} ${paint('dim', `(${what})`)}`, '')
    lines.push(`  ${paint('bold', 'Local:')}   ${paint('cyan', urls.local)}`)
    for (const n of urls.network) lines.push(`  ${paint('bold', 'Network:')} ${paint('cyan', n)}`)
    if (urls.admin !== undefined) lines.push(`  ${paint('bold', 'Admin:')}   ${paint('cyan', urls.admin)}`)
    if (!config.quiet) lines.push('')
  } else {
    // Machine-readable: `Local:` is always the first line, nothing but URLs before the access log.
    lines.push(`Local: ${urls.local}`)
    for (const n of urls.network) lines.push(`Network: ${n}`)
    if (urls.admin !== undefined) lines.push(`Admin: ${urls.admin}`)
  }
  io.stdout.write(lines.join('\n') + '\n')
}

/**
 * The line `--dev` prints at start-up (and `--check` at the top of its report).
 *
 * @param config - a configuration with `dev` set
 * @returns the line
 * @example
 * ```ts
 * devNotice(config) // 'DEV MODE (--dev): live reload, Cache-Control: no-cache, a script in every HTML page: not for production'
 * ```
 */
export function devNotice(config: CliConfig): string {
  const where = config.dev === 'public' ? ', exposed to the network (--dev=public)' : ''
  return `DEV MODE (--dev): live reload, Cache-Control: no-cache, a script in every HTML page${where}: not for production`
}

/**
 * Starts serving as the command line would (without signal handling), for in-process use and tests.
 *
 * @param argv - the arguments, without `node` and the script (`--help`, `--version`, `--check` are refused)
 * @param io - streams and environment @defaultValue the process's
 * @param options - banner, warnings, pid
 * @returns the running server; call `close()` to stop it
 * @throws CliError with `exitCode` 2 (usage) or 1 (runtime: port in use, unreadable file)
 * @example
 * ```ts
 * const server = await start(['site', '--port', '0', '--allow', 'index.html'])
 * const res = await fetch(server.url + '/index.html')
 * await server.close()
 * ```
 */
export async function start(argv: readonly string[], io: CliIo = processIo(), options: StartOptions = {}): Promise<StartedServer> {
  const args = parseArgs(argv)
  const o = args.options
  if (o.help === true || o.version === true || o.check === true || o['print-schema'] === true) {
    throw usageError('start() serves a folder; use run() for --help, --version, --print-schema and --check')
  }
  const config = await resolveConfig(args, io)
  return startWith(config, io, options)
}

/** The admin parts without `--admin` and `--health-path`: nothing in the chain, nothing to open. */
const NO_ADMIN: AdminParts = {
  middleware: [],
  attach: () => undefined,
  checkTable: () => undefined,
  listening: async () => undefined,
  close: async () => undefined,
  url: undefined,
  snapshot: undefined,
}

/**
 * The admin parts of a configuration. `admin-wiring` (and with it `tinyhttp-metrics`) is imported only
 * when `--admin` or `--health-path` is given: a default run does not load it.
 */
async function adminFor(config: CliConfig, readiness: ReadinessCheck): Promise<AdminParts> {
  if (config.admin === undefined && config.healthPath === undefined) return NO_ADMIN
  return (await import('./admin-wiring.js')).observeForAdmin(config, readiness)
}

/**
 * Starts serving a resolved configuration.
 *
 * @param config - from {@link resolveConfig}
 * @param io - streams and environment
 * @param options - banner, warnings, pid
 * @returns the running server
 */
export async function startWith(config: CliConfig, io: CliIo, options: StartOptions = {}): Promise<StartedServer> {
  const writer = new LineWriter(io.stdout, cluster.isWorker)
  // Every optional part is imported only when the configuration asks for it (a default run loads none:
  // docs/ARCHITECTURE.md, "Start-up").
  const log = config.quiet
    ? undefined
    : (await import('./access-log.js')).accessLog({
        format: config.logFormat,
        writer,
        ...(config.logFormat === 'text' && useColor(io.stdout, io.env) ? { paint: painter(true) } : {}),
        ...(options.pid !== undefined ? { pid: options.pid } : {}),
      })
  const readiness = options.readiness ?? new Readiness()
  // --dev: the live-reload sockets (tinyhttp-websocket) and the watcher of the served files.
  const [dev, follow] = config.dev !== undefined ? await Promise.all([import('./dev/socket-endpoint.js'), import('./dev/follow.js')]) : []
  const hub = dev?.createDevHub()
  // --watch with a config file: its edits apply (followConfigFile does nothing otherwise).
  const fileWatch = config.watch && !config.check && config.configFile !== undefined ? await import('./config-file-watch.js') : undefined
  const admin = await adminFor(config, readiness.check)
  const built = await buildApp(config, log, hub, admin.middleware)
  admin.attach(built.app)
  let files: number
  let port: number
  try {
    const table = await awaitTable(built, config).catch((err: unknown) => {
      throw err instanceof CliError ? err : runtimeError(`cannot read the root ${config.root}: ${oneLine(err)}`)
    })
    files = table.allowed.length
    if (options.warnings !== false) {
      for (const r of table.rejected) printWarning(io, `allow entry ${JSON.stringify(r.entry)} rejected: ${r.reason}`)
      for (const e of table.unmatched) printWarning(io, `allow entry ${JSON.stringify(e)} matches no file`)
      for (const e of ruleFileEntries(config.allow)) {
        printWarning(io, `allow entry ${JSON.stringify(e)} names a rule file: _headers, _redirects and serve.json are read as configuration and never served`)
      }
      if (files === 0) printWarning(io, `nothing is allowed under ${config.root}: every request will be refused`)
      const pageWarning = errorPageWarning(config.errorPages, config.notFound)
      if (pageWarning !== undefined) printWarning(io, pageWarning)
      if (config.maxAge !== undefined) {
        const flags = config.immutable ? '--max-age and --immutable do' : '--max-age does'
        printWarning(io, `${flags} not apply to HTML pages: they get Cache-Control: no-cache, so visitors see a new page at once`)
      }
    }
    admin.checkTable(table)
    port = (await listen(built, config)).port
    await admin.listening()
  } catch (err) {
    await admin.close()
    await built.close(0)
    writer.flush()
    throw err
  }
  for (const server of built.app.servers) {
    server.on('error', err => printWarning(io, `server error: ${oneLine(err)}`))
  }
  // --watch: an edit of a rule file applies at once when it is valid; a broken one keeps the old rules.
  const stopWatching =
    config.watch && !config.check
      ? watchRuleFiles(config.root, () => {
          built.reloadRules().then(
            () => {
              if (!config.quiet) io.stderr.write(`tinyhttp-cli: rules reloaded from ${config.rootArg}\n`)
              // --dev: new headers (a CSP, a redirect) change the page: reload it.
              hub?.send({ paths: [], css: false })
            },
            (err: unknown) => printWarning(io, `rules not reloaded, the previous rules stay in force: ${oneLine(err)}`),
          )
        })
      : undefined
  // --watch: config-file edits; rule keys through the server's atomic reload.
  const stopFollowing = fileWatch?.followConfigFile(config, extra => built.reloadRules(extra), io, options.warnings !== false)
  // --dev: an edit of a served file reaches the browsers.
  const stopDev = hub !== undefined && follow !== undefined ? follow.followServedFiles(config.root, built.allowlist, hub, () => built.forgetCachedFiles(), io, config.quiet) : undefined
  const urls = serverUrls(config.host, port, config.tls !== undefined)
  if (options.banner !== false) printBanner(io, config, { ...urls, ...(admin.url !== undefined ? { admin: admin.url } : {}) }, files)
  readiness.markReady()
  let running = config
  let reloads: Promise<unknown> = Promise.resolve()
  if (config.dev !== undefined && options.warnings !== false) printWarning(io, devNotice(config))
  return {
    app: built.app,
    url: urls.local,
    network: urls.network,
    port,
    files,
    get config() {
      return running
    },
    readiness,
    adminUrl: admin.url,
    metricsSnapshot: admin.snapshot,
    get drainDelay() {
      return running.drainDelay
    },
    drain() {
      readiness.markDraining()
      built.app.drain()
    },
    reload(next: CliConfig) {
      const apply = async (): Promise<ReloadOutcome> => {
        const { applyReload, liveConfig } = await import('./reload.js')
        const outcome = await applyReload(built, running, next)
        running = liveConfig(running, next)
        return outcome
      }
      const p = reloads.then(apply, apply)
      reloads = p.catch(() => undefined)
      return p
    },
    reloadRules: extra => built.reloadRules(extra),
    async close(gracePeriod?: number) {
      readiness.markDraining()
      stopWatching?.()
      stopFollowing?.()
      stopDev?.()
      await built.close(gracePeriod)
      await admin.close()
      writer.flush()
    },
  }
}

