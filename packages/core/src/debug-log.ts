import { createRequire } from 'node:module'

/** A namespaced debug logger: prints with `debug`'s format when `DEBUG` names its namespace, else does nothing. */
export interface DebugLogger {
  /** Logs a `util.format`-style message (`%s`, `%d`, `%o`, `%O`). */
  (formatter: string, ...args: unknown[]): void
  /** Whether `DEBUG` enables this namespace (skip building expensive arguments when false). */
  readonly enabled: boolean
}

type CreateDebug = (namespace: string) => DebugLogger

/**
 * The `debug` package is loaded only once `DEBUG` is set (by the environment, or by `debug.enable()`,
 * which sets it too), and then with `require()`: importing CommonJS from ESM makes Node's loader scan
 * its exports, and both together cost a few MB of resident memory that a server without logging
 * should not pay.
 */
const load = createRequire(import.meta.url)
let factory: CreateDebug | undefined

/**
 * A logger for a namespace, from the `debug` package (`DEBUG=tinyhttp:* node app.js` turns it on).
 * The plugins use this one, so every package logs the same way and `debug` is loaded once, and only
 * when `DEBUG` is set.
 *
 * @param namespace - e.g. `tinyhttp:static`
 * @returns the logger
 * @example
 * ```ts
 * const debug = createDebug('tinyhttp:my-plugin')
 * debug('serving %s', path)
 * ```
 */
export function createDebug(namespace: string): DebugLogger {
  let real: DebugLogger | null = null
  const resolve = (): DebugLogger | null => {
    if (real === null) {
      const wanted = process.env.DEBUG
      if (wanted === undefined || wanted === '') return null
      factory ??= load('debug') as CreateDebug
      real = factory(namespace)
    }
    return real
  }
  const logger = (formatter: string, ...args: unknown[]): void => {
    resolve()?.(formatter, ...args)
  }
  Object.defineProperty(logger, 'enabled', { get: () => resolve()?.enabled ?? false, enumerable: true })
  return logger as DebugLogger
}
