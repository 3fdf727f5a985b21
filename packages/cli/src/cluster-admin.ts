/**
 * The admin listener of a cluster (`--admin` with `--workers`): the primary owns it. On each scrape it
 * asks every worker for its metrics snapshot over the cluster channel, waits at most
 * {@link SCRAPE_TIMEOUT_MS}, and sums what came (with its own process metrics), so one scrape sees the
 * whole instance. `/readyz` answers from the primary's readiness (ready while at least one worker
 * listens and no shutdown has started).
 *
 * @module
 */
import type { Worker } from 'node:cluster'
import { isSnapshot, mergeSnapshots, processMetrics, Registry, toPrometheusText, type Snapshot } from 'tinyhttp-metrics'
import { startAdmin, type AdminServer, type ReadinessCheck } from './admin-server.js'
import { adminListenError } from './admin-wiring.js'
import type { AdminAddress } from './config-admin.js'

/** How long a scrape waits for the workers' snapshots. */
export const SCRAPE_TIMEOUT_MS = 1_000

/** The primary asks a worker for its snapshot. */
export interface MetricsRequest {
  tinyhttp: 'metrics-request'
  /** Matches the answer to the scrape. */
  id: number
}

/** A worker's answer: its snapshot (null when it runs without metrics). */
export interface MetricsReply {
  tinyhttp: 'metrics-snapshot'
  /** The request's id. */
  id: number
  /** The worker's metrics. */
  snapshot: Snapshot | null
}

/** The primary's admin listener. */
export interface ClusterAdmin {
  /** `http://host:port` */
  readonly url: string
  /** A worker listens: it is asked on each scrape. */
  workerListening(worker: Worker): void
  /** A worker exited. */
  workerGone(worker: Worker): void
  /** A message from a worker (answers to scrapes; anything else is ignored). */
  onMessage(worker: Worker, message: unknown): void
  /** Closes the listener. */
  close(): Promise<void>
}

interface Pending {
  waiting: Set<Worker>
  snapshots: Snapshot[]
  done: () => void
}

/**
 * Starts the primary's admin listener.
 *
 * @param address - the `--admin` address
 * @param readiness - the instance's readiness (the primary's: ready while a worker listens and no drain started)
 * @returns the listener and the hooks the primary calls
 * @throws CliError (exit code 1) when the port cannot be bound
 * @example
 * ```ts
 * const admin = await startClusterAdmin({ host: '127.0.0.1', port: 9464 }, readiness.check)
 * worker.on('message', m => admin.onMessage(worker, m))
 * ```
 */
export async function startClusterAdmin(address: AdminAddress, readiness: ReadinessCheck): Promise<ClusterAdmin> {
  const listening = new Set<Worker>()
  const pending = new Map<number, Pending>()
  let nextId = 1
  const registry = new Registry()
  const proc = processMetrics(registry)
  const asked = registry.gauge({ name: 'tinyhttp_cluster_workers', help: 'Workers listening, asked for their metrics on this scrape.' })
  const silent = registry.gauge({ name: 'tinyhttp_cluster_workers_unanswered', help: `Workers that did not send their metrics within ${SCRAPE_TIMEOUT_MS} ms on this scrape (their counters are missing from it).` })

  const scrape = (): Promise<string> => {
    const id = nextId++
    const workers = [...listening]
    return new Promise<string>(resolve => {
      const entry: Pending = { waiting: new Set(), snapshots: [], done: () => {} }
      const timer = setTimeout(() => entry.done(), SCRAPE_TIMEOUT_MS)
      entry.done = () => {
        if (!pending.has(id)) return
        clearTimeout(timer)
        pending.delete(id)
        asked.set(workers.length)
        silent.set(entry.waiting.size)
        resolve(toPrometheusText(mergeSnapshots([registry.snapshot(), ...entry.snapshots])))
      }
      pending.set(id, entry)
      for (const w of workers) {
        entry.waiting.add(w)
        try {
          w.send({ tinyhttp: 'metrics-request', id } satisfies MetricsRequest)
        } catch {
          // A worker whose channel is closing: it stays unanswered until the timeout.
        }
      }
      if (workers.length === 0) entry.done()
    })
  }

  let server: AdminServer
  try {
    server = await startAdmin(address, { readiness, scrape })
  } catch (err) {
    proc.stop()
    throw adminListenError(err, address)
  }
  return {
    url: server.url,
    workerListening: w => void listening.add(w),
    workerGone(w) {
      listening.delete(w)
      for (const entry of pending.values()) {
        // An exited worker will not answer: stop waiting for it (it stays counted as unanswered).
        if (entry.waiting.has(w) && [...entry.waiting].every(x => x === w || x.isDead())) entry.done()
      }
    },
    onMessage(w, message) {
      if (typeof message !== 'object' || message === null || (message as { tinyhttp?: unknown }).tinyhttp !== 'metrics-snapshot') return
      const reply = message as MetricsReply
      const entry = pending.get(reply.id)
      if (entry === undefined || !entry.waiting.delete(w)) return
      if (isSnapshot(reply.snapshot)) entry.snapshots.push(reply.snapshot)
      if (entry.waiting.size === 0) entry.done()
    },
    async close() {
      proc.stop()
      for (const entry of pending.values()) entry.done()
      await server.close()
    },
  }
}
