import type { WebSocket } from './websocket.js'

/**
 * One timer for every WebSocket of a server: each tick pings every open socket, and terminates those that
 * sent no pong since the previous tick (a peer that vanished without a FIN, a NAT that forgot the flow).
 *
 * @example
 * ```ts
 * const heartbeat = new Heartbeat(30_000)
 * heartbeat.add(ws) // removed when it closes
 * ```
 * @internal
 */
export class Heartbeat {
  readonly #interval: number
  readonly #sockets = new Set<WebSocket>()
  #timer: NodeJS.Timeout | null = null

  /** @param interval - milliseconds between pings */
  constructor(interval: number) {
    this.#interval = interval
  }

  /** @param ws - a socket to watch until {@link Heartbeat.delete} */
  add(ws: WebSocket): void {
    ws.alive = true
    this.#sockets.add(ws)
    if (this.#timer === null) {
      this.#timer = setInterval(() => this.#tick(), this.#interval)
      this.#timer.unref()
    }
  }

  /** @param ws - a socket that closed */
  delete(ws: WebSocket): void {
    this.#sockets.delete(ws)
    if (this.#sockets.size === 0 && this.#timer !== null) {
      clearInterval(this.#timer)
      this.#timer = null
    }
  }

  #tick(): void {
    for (const ws of this.#sockets) {
      if (ws.readyState !== 1) continue
      if (!ws.alive) {
        ws.terminate()
        continue
      }
      ws.alive = false
      ws.ping()
    }
  }
}
