import cluster, { type Worker } from 'node:cluster'
import { fileURLToPath } from 'node:url'
import { parseArgs } from './args.js'
import type { StartedServer } from './start.js'
import { announceShutdown, type RunOptions } from './shutdown.js'
import { resolveConfig, type CliConfig } from './config.js'
import { CliError, EXIT_RUNTIME, oneLine } from './errors.js'
import { printError, printWarning, type CliIo } from './output.js'
import { printBanner, startWith } from './start.js'
import { Readiness } from './readiness.js'
import { startClusterAdmin, type ClusterAdmin, type MetricsReply, type MetricsRequest } from './cluster-admin.js'

/** Messages between the primary and its workers (IPC). */
export type WorkerMessage =
  | { tinyhttp: 'listening'; url: string; network: string[]; files: number }
  | { tinyhttp: 'fatal'; code: number; message: string }
  /** Drain and exit: keep accepting `drainDelay` seconds (the worker's `--drain-delay` when absent), then close. */
  | { tinyhttp: 'shutdown'; drainDelay?: number }
  | MetricsRequest
  | MetricsReply

/** Environment variable set for the first worker only: it prints the allowlist warnings. */
const FIRST_WORKER_ENV = 'TINYHTTP_CLI_FIRST_WORKER'
/** Crashes within this window count towards the back-off. */
const CRASH_WINDOW_MS = 10_000
/** Longest wait before replacing a worker that keeps crashing. */
const MAX_BACKOFF_MS = 10_000
/** How long the primary waits for workers to drain before killing them. */
const SHUTDOWN_LIMIT_MS = 15_000

function isMessage(value: unknown): value is WorkerMessage {
  return typeof value === 'object' && value !== null && typeof (value as { tinyhttp?: unknown }).tinyhttp === 'string'
}

/**
 * The delay before replacing a crashed worker: none for an isolated crash, then doubling from 200 ms
 * up to 10 s while crashes keep coming within 10 s of each other.
 *
 * @param recentCrashes - crashes within the window, this one included
 * @returns milliseconds to wait
 * @example
 * ```ts
 * backoff(1) // 0
 * backoff(4) // 800
 * ```
 */
export function backoff(recentCrashes: number): number {
  if (recentCrashes <= 1) return 0
  return Math.min(MAX_BACKOFF_MS, 100 * 2 ** (recentCrashes - 1))
}

/**
 * The cluster primary: forks `config.workers` processes running the same command line, prints the
 * start-up lines when the first one listens, replaces crashed workers (with back-off, never while
 * shutting down), and on SIGINT/SIGTERM asks every worker to drain (each keeps accepting for its
 * `--drain-delay`, then closes); resolves 0 when all have exited. A second signal kills them and resolves
 * 1. A worker that cannot start (port in use, …) stops all.
 *
 * SIGHUP replaces the workers one at a time, so some always accept: the configuration is resolved again
 * first (a broken one changes nothing and says why); then for each worker a new one is forked, and only
 * once it listens is the old one drained (no delay: the shared socket keeps accepting through the
 * others) and waited for. A new worker that cannot start stops the roll and leaves the rest running.
 *
 * @param config - the validated configuration (checked once here, before forking)
 * @param argv - the arguments the workers get
 * @param io - streams
 * @param options - signal handling
 * @param readiness - the instance's readiness: ready while at least one worker listens and no shutdown
 *   started (what an admin listener's `/readyz` reports)
 * @returns the exit code
 */
export async function runPrimary(config: CliConfig, argv: readonly string[], io: CliIo, options: RunOptions = {}, readiness = new Readiness()): Promise<number> {
  // Workers accept from the shared socket themselves (SCHED_NONE) instead of the primary accepting every
  // connection and passing it over IPC (round-robin, Node's default on Linux): measured with wrk on this
  // 2-core machine, round-robin halves the connection-per-request rate. NODE_CLUSTER_SCHED_POLICY wins.
  if (process.env.NODE_CLUSTER_SCHED_POLICY === undefined) cluster.schedulingPolicy = cluster.SCHED_NONE
  cluster.setupPrimary({ exec: fileURLToPath(new URL('./bin.js', import.meta.url)), args: [...argv], cwd: io.cwd })
  // --admin: the primary answers probes (this readiness) and scrapes, summing the workers' metrics.
  const admin: ClusterAdmin | undefined = config.admin === undefined ? undefined : await startClusterAdmin(config.admin, readiness.check)

  const live = new Set<Worker>()
  /** Workers that said `listening` and are not being replaced. */
  const listening = new Set<Worker>()
  /** Old workers being drained by a reload: their exit is no crash. */
  const retiring = new Set<Worker>()
  /** New workers of a reload, with what to tell when they listen (null) or fail (why). */
  const joining = new Map<Worker, (failure: string | null) => void>()
  const crashes: number[] = []
  const timers = new Set<NodeJS.Timeout>()
  let shuttingDown = false
  let announced = false
  let exitCode = 0
  let signals = 0
  let first = true
  let resolveDone!: (code: number) => void
  const done = new Promise<number>(resolve => (resolveDone = resolve))
  let hardLimit: NodeJS.Timeout | undefined
  const shutdownLimit = config.drainDelay * 1000 + SHUTDOWN_LIMIT_MS

  const updateReadiness = (): void => {
    if (listening.size > 0) readiness.markReady()
    else if (readiness.ready) readiness.markStarting('no worker listening')
  }

  const finishIfIdle = (): void => {
    if (shuttingDown && live.size === 0) resolveDone(exitCode)
  }

  const tell = (w: Worker, message: WorkerMessage): void => {
    try {
      w.send(message)
    } catch {
      w.process.kill('SIGTERM')
    }
  }

  const shutdown = (code: number): void => {
    if (shuttingDown) return
    shuttingDown = true
    readiness.markDraining()
    exitCode = code
    for (const t of timers) clearTimeout(t)
    timers.clear()
    for (const w of live) tell(w, { tinyhttp: 'shutdown' })
    hardLimit = setTimeout(() => {
      printError(io, `workers did not stop within ${shutdownLimit / 1000}s; killing them`)
      exitCode = EXIT_RUNTIME
      for (const w of live) w.process.kill('SIGKILL')
    }, shutdownLimit)
    hardLimit.unref()
    finishIfIdle()
  }

  const fork = (): Worker => {
    const env: Record<string, string> = first ? { [FIRST_WORKER_ENV]: '1' } : {}
    first = false
    const worker = cluster.fork(env)
    live.add(worker)
    worker.on('message', (message: unknown) => {
      if (!isMessage(message)) return
      admin?.onMessage(worker, message)
      if (message.tinyhttp === 'listening') {
        // A worker still loading when the shutdown was sent had no message listener yet: tell it again.
        if (shuttingDown) return tell(worker, { tinyhttp: 'shutdown' })
        admin?.workerListening(worker)
        joining.get(worker)?.(null)
        if (!retiring.has(worker)) listening.add(worker)
        if (!shuttingDown) updateReadiness()
        if (!announced && !shuttingDown) {
          announced = true
          const urls = { local: message.url, network: message.network, ...(admin !== undefined ? { admin: admin.url } : {}) }
          printBanner(io, config, urls, message.files, config.workers)
        }
      } else if (message.tinyhttp === 'fatal') {
        const rolling = joining.get(worker)
        if (rolling !== undefined) rolling(message.message)
        else if (!shuttingDown) {
          printError(io, message.message)
          shutdown(message.code)
        }
      }
    })
    worker.on('error', () => {})
    worker.once('exit', (code, signal) => {
      live.delete(worker)
      listening.delete(worker)
      admin?.workerGone(worker)
      const how = signal !== null ? signal : `code ${code}`
      joining.get(worker)?.(`exited (${how})`)
      if (shuttingDown) return finishIfIdle()
      updateReadiness()
      if (retiring.delete(worker) || joining.has(worker)) return
      const now = Date.now()
      crashes.push(now)
      while (crashes.length > 0 && (crashes[0] as number) < now - CRASH_WINDOW_MS) crashes.shift()
      const delay = backoff(crashes.length)
      printWarning(io, `worker ${worker.process.pid} exited (${how}); starting a new one${delay > 0 ? ` in ${delay} ms` : ''}`)
      const timer = setTimeout(() => {
        timers.delete(timer)
        if (!shuttingDown) fork()
      }, delay)
      timers.add(timer)
    })
    return worker
  }

  /** SIGHUP: a new worker listens before each old one drains. */
  const roll = async (): Promise<void> => {
    if (shuttingDown) return
    let next: CliConfig
    try {
      next = await resolveConfig(parseArgs(argv), io)
    } catch (err) {
      printWarning(io, `reload failed, the running workers stay: ${oneLine(err)}`)
      return
    }
    let replaced = 0
    for (const old of [...live]) {
      if (shuttingDown) return
      if (!live.has(old) || retiring.has(old) || joining.has(old)) continue
      const fresh = fork()
      const failure = await new Promise<string | null>(resolve => joining.set(fresh, resolve))
      joining.delete(fresh)
      if (failure !== null) {
        if (live.has(fresh)) fresh.process.kill('SIGKILL')
        if (!shuttingDown) printWarning(io, `reload stopped, the running workers stay: a new worker did not start: ${failure}`)
        return
      }
      if (shuttingDown) return
      if (!live.has(old)) continue // crashed meanwhile (and is being replaced): nothing left to drain
      retiring.add(old)
      listening.delete(old)
      const gone = new Promise<void>(resolve => old.once('exit', () => resolve()))
      tell(old, { tinyhttp: 'shutdown', drainDelay: 0 })
      const limit = setTimeout(() => old.process.kill('SIGKILL'), SHUTDOWN_LIMIT_MS)
      await gone
      clearTimeout(limit)
      replaced++
    }
    if (!config.quiet) io.stderr.write(`tinyhttp-cli: reloaded: ${replaced} worker${replaced === 1 ? '' : 's'} replaced\n`)
    // The new workers run the new configuration; only what the primary itself set up needs a restart.
    const keys = (['port', 'host', 'workers'] as const).filter(k => next[k] !== config[k])
    if (keys.length > 0) printWarning(io, `restart to apply: ${keys.join(', ')}`)
  }
  let rolls: Promise<void> = Promise.resolve()
  const onHangup = (): void => {
    rolls = rolls.then(roll)
  }

  const onSignal = (signal?: unknown): void => {
    signals++
    if (signals === 1) {
      announceShutdown(io, signal, config.drainDelay)
      shutdown(0)
      return
    }
    for (const w of live) w.process.kill('SIGKILL')
    resolveDone(EXIT_RUNTIME)
    ;(options.forceExit ?? ((code: number) => process.exit(code)))(EXIT_RUNTIME)
  }
  const onAbort = (): void => onSignal()
  if (options.signals !== false) {
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    process.on('SIGHUP', onHangup)
  }
  options.signal?.addEventListener('abort', onAbort)

  for (let i = 0; i < config.workers; i++) fork()
  const code = await done
  await admin?.close()
  if (hardLimit !== undefined) clearTimeout(hardLimit)
  for (const t of timers) clearTimeout(t)
  process.off('SIGINT', onSignal)
  process.off('SIGTERM', onSignal)
  process.off('SIGHUP', onHangup)
  options.signal?.removeEventListener('abort', onAbort)
  return code
}

function send(message: WorkerMessage): Promise<void> {
  return new Promise(resolve => {
    if (process.send === undefined || !process.connected) return resolve()
    process.send(message, undefined, {}, () => resolve())
  })
}

/**
 * A cluster worker: serves the same command line without printing the start-up lines, tells the
 * primary when it listens (or why it cannot start), and drains on the primary's `shutdown` message or
 * on SIGINT/SIGTERM (a second signal exits 1 at once).
 *
 * @param argv - the arguments
 * @param io - streams (shared with the primary)
 * @returns the exit code
 */
export async function runWorker(argv: readonly string[], io: CliIo): Promise<number> {
  // Listen for the way out before starting, so an early signal or message is not lost.
  let stop!: (drainDelay?: number) => void
  const stopped = new Promise<number | undefined>(resolve => (stop = resolve))
  let signals = 0
  const onSignal = (): void => {
    signals++
    if (signals > 1) process.exit(EXIT_RUNTIME)
    stop()
  }
  let server: StartedServer | undefined
  const onMessage = (message: unknown): void => {
    if (isMessage(message) && message.tinyhttp === 'shutdown') {
      // The primary's second signal kills workers; a second message only repeats the first.
      stop(message.drainDelay)
    }
    if (isMessage(message) && message.tinyhttp === 'metrics-request') {
      void send({ tinyhttp: 'metrics-snapshot', id: message.id, snapshot: server?.metricsSnapshot?.() ?? null })
    }
  }
  // The primary handles SIGHUP (it replaces the workers); a terminal's hangup must not kill one.
  const onHangup = (): void => {}
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  process.on('SIGHUP', onHangup)
  process.on('message', onMessage)
  try {
    try {
      const config = await resolveConfig(parseArgs(argv), io)
      server = await startWith(config, io, { banner: false, warnings: io.env[FIRST_WORKER_ENV] === '1', pid: process.pid })
    } catch (err) {
      const code = err instanceof CliError ? err.exitCode : EXIT_RUNTIME
      await send({ tinyhttp: 'fatal', code, message: err instanceof CliError ? err.message : oneLine(err) })
      cluster.worker?.disconnect()
      return code
    }
    await send({ tinyhttp: 'listening', url: server.url, network: server.network, files: server.files })
    const delay = (await stopped) ?? server.drainDelay
    server.drain()
    if (delay > 0) await new Promise(resolve => setTimeout(resolve, delay * 1000))
    await server.close()
    cluster.worker?.disconnect()
    return 0
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    process.off('SIGHUP', onHangup)
    process.off('message', onMessage)
  }
}
