import { EXIT_RUNTIME, oneLine } from './errors.js'
import { printError, type CliIo } from './output.js'

/** Options of `run()`: how the server is told to shut down. */
export interface RunOptions {
  /** Handle SIGINT/SIGTERM (drain, exit 0; a second one forces exit 1). @defaultValue true */
  signals?: boolean
  /** Shuts the server down when aborted, like SIGTERM (for in-process use). */
  signal?: AbortSignal
  /** What a second signal does. @defaultValue `process.exit(1)` at once */
  forceExit?: (code: number) => void
}

/** Something that can be drained and closed. */
export interface Closable {
  /** Closes the listeners, lets in-flight requests finish (5 s grace); resolves when done. */
  close(): Promise<void>
  /** Starts the drain before `close()`: not ready, answers say `Connection: close`, listeners stay open. */
  drain?(): void
  /** Seconds between `drain()` and `close()` (`--drain-delay`). @defaultValue 0 */
  readonly drainDelay?: number
}

/**
 * Says on stderr that the server is shutting down: on a terminal after the `^C` echo, with the hint
 * that a second Ctrl-C forces; elsewhere one plain line naming the signal, for the logs (stdout stays
 * the access log).
 *
 * @param io - streams
 * @param signal - the signal's name (`SIGINT`), or anything else for an abort
 * @param drainDelay - seconds the listeners stay open (said when more than 0)
 * @example
 * ```ts
 * process.once('SIGTERM', signal => announceShutdown(processIo(), signal)) // "Shutting down (SIGTERM)"
 * ```
 */
export function announceShutdown(io: CliIo, signal?: unknown, drainDelay = 0): void {
  const draining = drainDelay > 0 ? `, draining for ${drainDelay} s` : ''
  if (io.stderr.isTTY === true) io.stderr.write(`\nShutting down${draining} (press Ctrl-C again to force)\n`)
  else io.stderr.write(`Shutting down${typeof signal === 'string' ? ` (${signal})` : ''}${draining}\n`)
}

/**
 * Keeps the event loop alive while `promise` settles (waiting for a signal or an abort in-process
 * holds no handle of its own).
 *
 * @param promise - the work to wait for
 * @returns the same result
 */
export async function keepingAlive<T>(promise: Promise<T>): Promise<T> {
  const timer = setInterval(() => {}, 60_000)
  try {
    return await promise
  } finally {
    clearInterval(timer)
  }
}

/**
 * Starts a server and serves until SIGINT/SIGTERM (or an abort). The handlers are installed before the
 * server starts, so a signal that arrives while it starts is not lost (the server then closes as soon
 * as it is up, without a delay). The first signal drains: `drain()` at once (readiness `draining`, answers say
 * `Connection: close`), the listeners stay open `drainDelay` seconds, then `close()`; a second signal
 * forces exit 1 at once. SIGHUP calls `reload` (one at a time; ignored while starting or shutting down).
 *
 * @param startServer - starts the server (prints the `Local:` line)
 * @param io - streams (a note on a terminal)
 * @param options - signal handling
 * @param reload - what SIGHUP does with the running server (it reports its own outcome)
 * @returns the exit code once shut down: 0, or 1 when forced or when closing failed
 * @throws whatever `startServer` throws (the handlers are removed first)
 */
export async function serveUntilShutdown<S extends Closable>(
  startServer: () => Promise<S>,
  io: CliIo,
  options: RunOptions = {},
  reload?: (server: S) => Promise<void>,
): Promise<number> {
  let signals = 0
  let onFirst!: () => void
  let onForced!: () => void
  const first = new Promise<void>(resolve => (onFirst = resolve))
  const forced = new Promise<number>(resolve => (onForced = () => resolve(EXIT_RUNTIME)))
  const forceExit = options.forceExit ?? ((code: number) => process.exit(code))
  let server: S | undefined
  let reloads: Promise<void> = Promise.resolve()

  const onSignal = (signal?: unknown): void => {
    signals++
    if (signals === 1) {
      announceShutdown(io, signal, server?.drainDelay ?? 0)
      server?.drain?.()
      onFirst()
      return
    }
    cleanup()
    forceExit(EXIT_RUNTIME)
    onForced()
  }
  const onHangup = (): void => {
    if (server === undefined || signals > 0 || reload === undefined) return
    const running = server
    reloads = reloads.then(() => (signals > 0 ? undefined : reload(running)))
  }
  const cleanup = (): void => {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    process.off('SIGHUP', onHangup)
    options.signal?.removeEventListener('abort', onSignal)
  }
  if (options.signals !== false) {
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    if (reload !== undefined) process.on('SIGHUP', onHangup)
  }
  if (options.signal !== undefined) {
    if (options.signal.aborted) onSignal()
    else options.signal.addEventListener('abort', onSignal)
  }

  try {
    server = await startServer()
    // A signal that came while starting: nobody has routed here yet, so no delay (and none was announced).
    const stoppedWhileStarting = signals > 0
    await keepingAlive(first)
    const up = server
    up.drain?.()
    const delay = stoppedWhileStarting ? 0 : (up.drainDelay ?? 0) * 1000
    if (delay > 0) {
      let timer: NodeJS.Timeout | undefined
      const waited = new Promise<number>(resolve => (timer = setTimeout(() => resolve(0), delay)))
      const code = await Promise.race([waited, forced])
      clearTimeout(timer)
      if (code !== 0) return code
    }
    const closed = keepingAlive(up.close()).then(
      () => 0,
      (err: unknown) => {
        printError(io, `shutdown failed: ${oneLine(err)}`)
        return EXIT_RUNTIME
      },
    )
    return await Promise.race([closed, forced])
  } finally {
    cleanup()
  }
}
