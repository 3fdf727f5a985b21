import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'

/**
 * The other end of a connection, as the wire hands it to its host with every request: whether the
 * socket is TLS, and the peer's address, read from the socket (a `getpeername` system call) only the
 * first time someone asks. One per connection, made with its first request.
 *
 * @example
 * ```ts
 * const peer = new SocketPeer(socket, false)
 * peer.remoteAddress // '127.0.0.1'
 * ```
 * @internal
 */
export class SocketPeer {
  /** Whether the socket is TLS. */
  readonly secure: boolean
  readonly #socket: Duplex
  /** The address once read (null: not yet). */
  #address: string | undefined | null = null

  /**
   * @param socket - the connection's socket
   * @param secure - whether it is TLS
   */
  constructor(socket: Duplex, secure: boolean) {
    this.#socket = socket
    this.secure = secure
  }

  /** The peer's IP address, when known. */
  get remoteAddress(): string | undefined {
    if (this.#address === null) this.#address = (this.#socket as Partial<Socket>).remoteAddress
    return this.#address
  }
}
