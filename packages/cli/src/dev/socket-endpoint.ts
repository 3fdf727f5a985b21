/**
 * The one place the CLI meets tinyhttp-websocket.
 *
 * @module
 */
import type { DevHub } from './hub.js'

/**
 * Makes the live-reload hub on tinyhttp-websocket.
 *
 * INTERIM (until tinyhttp-websocket lands on main): a hub without an endpoint; batches go nowhere.
 *
 * @returns the hub
 * @example
 * ```ts
 * const hub = createDevHub()
 * ```
 */
export function createDevHub(): DevHub {
  return {
    endpoint: (_ctx, next) => next(),
    size: 0,
    send: () => undefined,
  }
}
