/**
 * The live-reload sockets of `--dev`: the `/__tinyhttp/dev` WebSocket endpoint, the browsers connected
 * to it, and the message a batch of changes becomes.
 *
 * @module
 */
import type { Context, Middleware } from 'tinyhttp-core'
import { DEV_SOCKET_PATH } from './inject.js'
import type { ChangeBatch } from './watch.js'

/**
 * What the hub needs of one WebSocket: to know when it closes.
 *
 * @example
 * ```ts
 * const s: DevSocket = ws // a tinyhttp-websocket WebSocket
 * ```
 */
export interface DevSocket {
  on(event: 'close', listener: () => void): unknown
}

/**
 * The two functions of tinyhttp-websocket the hub uses (`websocket()`, `broadcast()`), passed in so the
 * hub stays testable with the real package and the CLI has one place that imports it.
 *
 * @example
 * ```ts
 * import { broadcast, websocket } from 'tinyhttp-websocket'
 * const api: WebSocketApi = { websocket, broadcast }
 * ```
 */
export interface WebSocketApi<S extends DevSocket = DevSocket> {
  websocket(options: { path: string }, onConnection: (ws: S, ctx: Context) => void): Middleware
  broadcast(clients: Iterable<S>, data: string): unknown
}

/**
 * The browsers connected for live reload.
 *
 * @example
 * ```ts
 * const hub = devHub(api)
 * app.use(hub.endpoint)
 * hub.send({ paths: ['/index.html'], css: false })
 * ```
 */
export interface DevHub {
  /** The `/__tinyhttp/dev` WebSocket endpoint (same-origin browsers only: tinyhttp-websocket's default Origin policy). */
  readonly endpoint: Middleware
  /** Browsers connected now. */
  readonly size: number
  /** Sends one `{"type":"change","paths":[…],"css":…}` message to every browser (framed once). */
  send(batch: ChangeBatch): void
}

/**
 * The message a batch becomes, as the client script reads it.
 *
 * @param batch - the changes
 * @returns the JSON text
 * @example
 * ```ts
 * changeMessage({ paths: ['/a.css'], css: true }) // '{"type":"change","paths":["/a.css"],"css":true}'
 * ```
 */
export function changeMessage(batch: ChangeBatch): string {
  return JSON.stringify({ type: 'change', paths: batch.paths, css: batch.css })
}

/**
 * Makes the hub: a WebSocket endpoint at `/__tinyhttp/dev` that remembers each browser until its
 * socket closes. The server never reads what a browser sends.
 *
 * @param api - tinyhttp-websocket's `websocket` and `broadcast`
 * @returns the hub
 * @example
 * ```ts
 * import { broadcast, websocket } from 'tinyhttp-websocket'
 * const hub = devHub({ websocket, broadcast })
 * ```
 */
export function devHub<S extends DevSocket>(api: WebSocketApi<S>): DevHub {
  const clients = new Set<S>()
  const endpoint = api.websocket({ path: DEV_SOCKET_PATH }, ws => {
    clients.add(ws)
    ws.on('close', () => clients.delete(ws))
  })
  return {
    endpoint,
    get size() {
      return clients.size
    },
    send(batch) {
      if (clients.size > 0) api.broadcast(clients, changeMessage(batch))
    },
  }
}
