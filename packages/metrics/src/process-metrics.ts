/**
 * Process metrics with the standard Prometheus names (`process_*`), plus the event-loop delay.
 *
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { Registry } from './registry.js'

/** The event-loop sampler's interval. */
const RESOLUTION_MS = 20
const RESOLUTION_NS = RESOLUTION_MS * 1e6

/** What {@link processMetrics} returns. */
export interface ProcessMetrics {
  /** Stops sampling the event-loop delay. */
  stop(): void
}

/** Open descriptors from `/proc/self/fd` (minus the one reading it), or undefined where unreadable. */
function openFds(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length - 1
  } catch {
    return undefined
  }
}

/** The soft limit on open files from `/proc/self/limits`, or undefined. */
function maxFds(): number | undefined {
  try {
    const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'latin1'))
    return line === null || line[1] === 'unlimited' ? undefined : Number(line[1])
  } catch {
    return undefined
  }
}

/**
 * Registers the process metrics, read on each snapshot:
 *
 * | metric | merged over processes by |
 * | --- | --- |
 * | `process_cpu_user_seconds_total`, `process_cpu_system_seconds_total`, `process_cpu_seconds_total` | sum |
 * | `process_resident_memory_bytes` | sum |
 * | `process_start_time_seconds` (Unix time) | min |
 * | `process_open_fds` (from `/proc/self/fd`, absent where unreadable) | sum |
 * | `process_max_fds` (soft limit, from `/proc/self/limits`) | min |
 * | `nodejs_eventloop_delay_max_seconds`, `…_p99_seconds`, `…_mean_seconds` since the previous snapshot | max |
 *
 * The event-loop delay is sampled by `perf_hooks.monitorEventLoopDelay` (a timer every 20 ms; the delay
 * is how late it fired) and reset at each snapshot, so each scrape reports the interval since the one
 * before.
 *
 * @param registry - where they go
 * @returns a handle to stop the sampling
 * @example
 * ```ts
 * const observe = metrics()
 * const proc = processMetrics(observe.registry)
 * // … on shutdown:
 * proc.stop()
 * ```
 */
export function processMetrics(registry: Registry): ProcessMetrics {
  const user = registry.counter({ name: 'process_cpu_user_seconds_total', help: 'User CPU time spent in seconds.' })
  const system = registry.counter({ name: 'process_cpu_system_seconds_total', help: 'System CPU time spent in seconds.' })
  const total = registry.counter({ name: 'process_cpu_seconds_total', help: 'Total user and system CPU time spent in seconds.' })
  registry.gauge({ name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.', collect: () => process.memoryUsage.rss() })
  const startTime = Math.round(Date.now() / 1000 - process.uptime())
  registry.gauge({ name: 'process_start_time_seconds', help: 'Start time of the process since the Unix epoch in seconds.', merge: 'min', collect: () => startTime })
  const fds = registry.gauge({ name: 'process_open_fds', help: 'Number of open file descriptors.' })
  const limit = registry.gauge({ name: 'process_max_fds', help: 'Maximum number of open file descriptors (soft limit).', merge: 'min' })
  const delayMax = registry.gauge({ name: 'nodejs_eventloop_delay_max_seconds', help: 'Longest event-loop delay since the previous scrape.', merge: 'max' })
  const delayP99 = registry.gauge({ name: 'nodejs_eventloop_delay_p99_seconds', help: '99th percentile of the event-loop delay since the previous scrape.', merge: 'max' })
  const delayMean = registry.gauge({ name: 'nodejs_eventloop_delay_mean_seconds', help: 'Mean event-loop delay since the previous scrape.', merge: 'max' })
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
  delay.enable()
  registry.onCollect(() => {
    const cpu = process.cpuUsage()
    user.setTotal(cpu.user / 1e6)
    system.setTotal(cpu.system / 1e6)
    total.setTotal((cpu.user + cpu.system) / 1e6)
    const open = openFds()
    if (open !== undefined) fds.set(open)
    const max = maxFds()
    if (max !== undefined) limit.set(max)
    // The sampler measures the time between its 20 ms timer ticks: the delay is what exceeds the tick.
    // No sample yet (a scrape right after start): 0 rather than the histogram's NaN/huge defaults.
    const sampled = delay.count > 0
    const beyond = (ns: number): number => (sampled ? Math.max(0, ns - RESOLUTION_NS) / 1e9 : 0)
    delayMax.set(beyond(delay.max))
    delayP99.set(beyond(delay.percentile(99)))
    delayMean.set(beyond(delay.mean))
    delay.reset()
  })
  return { stop: () => delay.disable() }
}
