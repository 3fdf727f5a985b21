/**
 * The one place the CLI meets tinyhttp-websocket.
 *
 * @module
 */
import { broadcast, websocket, type WebSocket } from 'tinyhttp-websocket'
import { devHub, type DevHub } from './hub.js'

/**
 * Makes the live-reload hub on tinyhttp-websocket: its default Origin policy (same-origin pages and
 * clients without `Origin` only), messages from browsers capped at 1 KiB (they send none), and a ping
 * every 30 s so a browser that vanished without a close is dropped.
 *
 * @returns the hub
 * @example
 * ```ts
 * const hub = createDevHub()
 * app.use(hub.endpoint)
 * ```
 */
export function createDevHub(): DevHub {
  return devHub<WebSocket>({
    websocket: (options, onConnection) => websocket({ ...options, maxPayload: 1024, heartbeat: 30_000 }, onConnection),
    broadcast: (clients, data) => broadcast(clients, data),
  })
}
