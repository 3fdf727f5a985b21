/**
 * The lifecycle options of the configuration: how long a shutdown keeps accepting (`--drain-delay`).
 *
 * @module
 */
import type { ParsedArgs } from './args.js'
import { usageError } from './errors.js'

/**
 * Seconds a shutdown keeps the listeners open when a probe can see the drain (`--admin` or
 * `--health-path` given): long enough for a balancer checking every second or two to mark the instance
 * down twice in a row, and for Kubernetes' endpoint controllers and kube-proxy (typically 1–3 s) to
 * stop routing here; short enough to fit well inside the default `terminationGracePeriodSeconds` (30).
 */
export const PROBED_DRAIN_DELAY = 5
/** The longest `--drain-delay` accepted (an hour). */
export const MAX_DRAIN_DELAY = 3600

/**
 * Resolves `--drain-delay`: the seconds a SIGTERM/SIGINT keeps the listeners open, answering with
 * `Connection: close`, while `/readyz` already says 503. Given: that (0 allowed). Not given: 5 when
 * something can probe the readiness (`--admin`, `--health-path`), else 0, so a server run by hand in a
 * terminal (where nobody probes) still stops at once on Ctrl-C.
 *
 * @param options - the parsed options (the config file's laid under the command line's)
 * @returns whole seconds
 * @throws CliError (exit code 2) for a value that is not a whole number from 0 to 3600
 * @example
 * ```ts
 * resolveDrainDelay({ 'drain-delay': '10' }) // 10
 * resolveDrainDelay({ admin: '9464' }) // 5
 * resolveDrainDelay({}) // 0
 * ```
 */
export function resolveDrainDelay(options: ParsedArgs['options']): number {
  const given = options['drain-delay']
  if (typeof given === 'string') {
    const n = /^\d+$/.test(given) ? Number(given) : NaN
    if (!Number.isSafeInteger(n) || n > MAX_DRAIN_DELAY) {
      throw usageError(`--drain-delay must be a whole number of seconds from 0 to ${MAX_DRAIN_DELAY}, got ${JSON.stringify(given)}`)
    }
    return n
  }
  // Read by name: the probe flags belong to the admin listener's part of the configuration.
  const loose = options as Readonly<Record<string, unknown>>
  const probed = [loose.admin, loose['health-path']].some(v => typeof v === 'string' && v !== '')
  return probed ? PROBED_DRAIN_DELAY : 0
}
