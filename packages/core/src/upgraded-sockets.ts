import type { Duplex } from 'node:stream'
import { createDebug } from './debug-log.js'
import type { UpgradeLifecycle } from './http/response-plan.js'

const debug = createDebug('tinyhttp:core')

/**
 * The sockets an App handed to upgrade handlers ({@link Response.upgrade}): not HTTP connections any
 * more, but ended when the App closes — by the App (`socket.end()`, not waited for), or, when the handler
 * registered its own shutdown through {@link UpgradeLifecycle.onAppClose}, by that shutdown, waited for
 * until the socket closes. Either way a socket still open after the grace period is destroyed.
 *
 * @example
 * ```ts
 * const upgraded = new UpgradedSockets()
 * const lifecycle = upgraded.adopt(socket)       // handed to the upgrade handler
 * await Promise.all(upgraded.endAll(5000))       // in App.close()
 * ```
 * @internal
 */
export class UpgradedSockets {
  /** Socket → the handler's own shutdown, or null. */
  readonly #sockets = new Map<Duplex, (() => void) | null>()
  /** One 'close' listener for every socket of this App (its `this` is the socket): no closure per socket. */
  readonly #forget: (this: Duplex) => void
  /** Makes the shared close listener over this App's sockets. */
  constructor() {
    const sockets = this.#sockets
    this.#forget = function (this: Duplex): void {
      sockets.delete(this)
    }
  }

  /** How many are open. */
  get size(): number {
    return this.#sockets.size
  }

  /**
   * Starts tracking a socket until it closes.
   *
   * @param socket - the socket handed over
   * @returns what its upgrade handler gets
   */
  adopt(socket: Duplex): UpgradeLifecycle {
    const sockets = this.#sockets
    sockets.set(socket, null)
    socket.on('close', this.#forget)
    // The upgrade handler may add its own; this one only keeps an error from becoming an uncaught one.
    socket.on('error', logSocketError)
    return {
      onAppClose(listener: () => void): void {
        if (typeof listener !== 'function') throw new TypeError('onAppClose() needs a function')
        if (sockets.has(socket)) sockets.set(socket, listener)
      },
    }
  }

  /**
   * Ends every socket now (or calls its handler's shutdown), and destroys those still open after the
   * grace period.
   *
   * @param gracePeriod - milliseconds before destroying
   * @returns one promise per socket whose handler has its own shutdown, settled when it closes
   */
  endAll(gracePeriod: number): Array<Promise<void>> {
    if (this.#sockets.size === 0) return []
    const sockets = [...this.#sockets]
    const waits: Array<Promise<void>> = []
    for (const [socket, shutdown] of sockets) {
      if (shutdown === null) {
        socket.end()
        continue
      }
      waits.push(new Promise<void>(resolve => (socket.destroyed ? resolve() : socket.once('close', () => resolve()))))
      try {
        shutdown()
      } catch (err) {
        debug('upgrade shutdown threw: %o', err)
        socket.destroy()
      }
    }
    // Referenced while someone waits for these sockets (like the HTTP drain loop); unreferenced otherwise.
    const timer = setTimeout(() => {
      for (const [socket] of sockets) if (!socket.destroyed) socket.destroy()
    }, gracePeriod)
    if (waits.length === 0) timer.unref()
    else void Promise.all(waits).then(() => clearTimeout(timer))
    return waits
  }
}

/** The 'error' listener of every upgraded socket. */
function logSocketError(err: Error): void {
  debug('upgraded socket error: %s', err.message)
}
