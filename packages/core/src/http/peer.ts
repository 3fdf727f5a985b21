import type { Duplex } from 'node:stream'

/**
 * The other end of a connection, as the wire hands it to its host with every request: the socket
 * itself, seen through these read-only properties (or, behind a PROXY protocol header, the client the
 * header names: `proxy/proxy-listener.ts`). `net.Socket` reads the address (a `getpeername`
 * system call) the first time it is asked and keeps it, so nothing is made for it per request or kept
 * per idle connection.
 *
 * @example
 * ```ts
 * const peer: Peer = socket
 * peer.remoteAddress // '127.0.0.1', or undefined once the socket is gone
 * ```
 */
export interface Peer {
  /** The peer's IP address, when known. */
  readonly remoteAddress?: string | undefined
  /** The peer's port, when known. */
  readonly remotePort?: number | undefined
}

/**
 * Whether a socket is TLS (`tls.TLSSocket` sets `encrypted`).
 *
 * @param socket - any Duplex
 * @example
 * ```ts
 * host.serve(head, body, socket, isSecure(socket))
 * ```
 * @internal
 */
export function isSecure(socket: Duplex): boolean {
  return (socket as Duplex & { encrypted?: boolean }).encrypted === true
}
