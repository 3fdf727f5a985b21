/**
 * `--dev`: its value and the combinations it refuses.
 *
 * @module
 */
import { lstatSync } from 'node:fs'
import { join } from 'node:path'
import type { FlagValue } from './args.js'
import { usageError } from './errors.js'
import { isLoopback } from './listen.js'

/**
 * The development mode: `'local'` (`--dev`: loopback binds only), `'public'` (`--dev=public`: any bind),
 * or undefined (off).
 *
 * @example `const mode: DevMode = 'local'`
 */
export type DevMode = 'local' | 'public' | undefined

/**
 * Reads `--dev` and checks what it cannot be combined with: a non-loopback `--host` (the live-reload
 * script and WebSocket are for the developer's own machine) unless `--dev=public`, and `--workers` (one
 * process owns the watcher and every browser's socket; a change would reach only the browsers of the
 * worker that saw it). A root holding a `__tinyhttp` entry is refused too: `/__tinyhttp/` belongs to the
 * dev middleware, which would shadow those files.
 *
 * @param value - the option as parsed (`true`, `'public'`, `false`/undefined when absent)
 * @param host - the resolved bind address
 * @param workers - the `--workers` option as given (undefined when absent)
 * @param root - the root folder (real path)
 * @returns the mode
 * @throws CliError (exit code 2) with one line for a bad value or a refused combination
 * @example
 * ```ts
 * resolveDev(true, '127.0.0.1', undefined, '/srv/site')   // 'local'
 * resolveDev('public', '0.0.0.0', undefined, '/srv/site') // 'public'
 * resolveDev(true, '0.0.0.0', undefined, '/srv/site')     // throws: --dev binds loopback only …
 * ```
 */
export function resolveDev(value: FlagValue | undefined, host: string, workers: FlagValue | undefined, root: string): DevMode {
  if (value === undefined || value === false) return undefined
  if (value !== true && value !== 'public') throw usageError(`--dev takes no value or =public, got ${JSON.stringify(value)}`)
  if (workers !== undefined) throw usageError('--dev cannot be combined with --workers: one process watches the files and holds every browser\'s live-reload socket')
  const mode = value === 'public' ? 'public' : 'local'
  if (mode === 'local' && !isLoopback(host)) {
    throw usageError(`--dev serves a live-reload script and socket to this machine only: --host ${host} is not loopback (use --dev=public to expose them)`)
  }
  let shadowed = true
  try {
    lstatSync(join(root, '__tinyhttp'))
  } catch {
    shadowed = false
  }
  if (shadowed) throw usageError(`--dev answers /__tinyhttp/ itself: rename ${join(root, '__tinyhttp')}, which it would shadow`)
  return mode
}
