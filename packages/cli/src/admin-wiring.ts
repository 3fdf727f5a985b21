/**
 * What `--admin` and `--health-path` add to a served app: the metrics middleware (with the wire and
 * process metrics), the health path, the shadowing check, and the admin listener
 * (not in a cluster worker: there the primary owns it and asks the workers for their snapshots).
 *
 * @module
 */
import cluster from 'node:cluster'
import type { AllowlistReport } from 'tinyhttp-allowlist'
import type { App, Middleware } from 'tinyhttp-core'
import { metrics, processMetrics, toPrometheusText, wireMetrics, type ProcessMetrics, type Snapshot } from 'tinyhttp-metrics'
import { startAdmin, type AdminServer, type ReadinessCheck } from './admin-server.js'
import type { CliConfig } from './config.js'
import { oneLine, runtimeError } from './errors.js'
import { healthPath, refuseShadowing } from './health-path.js'

/** The admin pieces of one served app, in the order start-up uses them. */
export interface AdminParts {
  /** Middleware for the front of the chain: the health path, then the metrics (empty when both are off). */
  readonly middleware: Middleware[]
  /** Reads the App's wire counters into the metrics. */
  attach(app: App): void
  /** Refuses a health path that hides a served file. */
  checkTable(table: Pick<AllowlistReport, 'allowed'>): void
  /** The public port listens: starts the admin listener (not in a cluster worker). */
  listening(): Promise<void>
  /** Closes the admin listener and stops sampling. */
  close(): Promise<void>
  /** The admin listener's URL once it listens. */
  readonly url: string | undefined
  /** This process's metrics (undefined without `--admin`). */
  readonly snapshot: (() => Snapshot) | undefined
}

/**
 * Prepares the admin pieces of a configuration.
 *
 * @param config - `admin` and `healthPath`
 * @param readiness - asked by `/readyz` and the health path (the server's `Readiness.check`)
 * @returns the pieces; all of them do nothing when both options are off
 * @example
 * ```ts
 * const admin = observeForAdmin(config, readiness.check)
 * const built = buildApp(config, log, undefined, admin.middleware)
 * admin.attach(built.app)
 * ```
 */
export function observeForAdmin(config: Pick<CliConfig, 'admin' | 'healthPath'>, readiness: ReadinessCheck): AdminParts {
  const ask = readiness
  const observe = config.admin !== undefined ? metrics() : undefined
  let proc: ProcessMetrics | undefined
  let server: AdminServer | undefined
  const middleware: Middleware[] = []
  if (config.healthPath !== undefined) middleware.push(healthPath(config.healthPath, ask))
  if (observe !== undefined) middleware.push(observe)
  const snapshot = observe === undefined ? undefined : () => observe.registry.snapshot()
  return {
    middleware,
    attach(app) {
      if (observe === undefined) return
      wireMetrics(observe.registry, app)
      proc = processMetrics(observe.registry)
    },
    checkTable(table) {
      if (config.healthPath !== undefined) refuseShadowing(config.healthPath, table)
    },
    async listening() {
      const address = config.admin
      if (address === undefined || snapshot === undefined || cluster.isWorker) return
      try {
        server = await startAdmin(address, { readiness: ask, scrape: () => toPrometheusText(snapshot()) })
      } catch (err) {
        throw adminListenError(err, address)
      }
    },
    async close() {
      proc?.stop()
      await server?.close()
    },
    get url() {
      return server?.url
    },
    snapshot,
  }
}

/**
 * The one-line error for an admin port that cannot be bound.
 *
 * @param err - what listen threw
 * @param address - the `--admin` address
 * @returns a runtime error (exit code 1)
 * @example
 * ```ts
 * throw adminListenError(err, { host: '127.0.0.1', port: 9464 })
 * ```
 */
export function adminListenError(err: unknown, address: { host: string; port: number }): Error {
  const code = (err as NodeJS.ErrnoException).code
  const where = `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`
  if (code === 'EADDRINUSE') return runtimeError(`--admin: port ${address.port} is already in use on ${address.host}`)
  return runtimeError(`--admin: cannot listen on ${where}: ${code ?? oneLine(err)}`)
}
