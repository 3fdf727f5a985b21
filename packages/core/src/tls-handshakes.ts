import type { Server, Socket } from 'node:net'

/** Who keeps the sockets that are not connections yet (the App: {@link App.close} destroys them). */
export interface HandshakeHost {
  /** Sockets reading their PROXY header or in their TLS handshake. */
  readonly handshakes: Set<Socket>
}

/**
 * Keeps a TCP socket among the host's handshakes until it closes or {@link handshakeDone} takes it out:
 * until its TLS handshake is done it belongs to no connection, and `close()` must not wait for a client
 * that stalls mid-handshake (Node gives a handshake 120 s).
 *
 * @param raw - the accepted TCP socket
 * @param host - the App
 * @example
 * ```ts
 * tlsServer.on('connection', raw => holdHandshake(raw, app))
 * ```
 * @internal
 */
export function holdHandshake(raw: Socket, host: HandshakeHost): void {
  host.handshakes.add(raw)
  raw.once('close', () => host.handshakes.delete(raw))
}

/**
 * The TLS handshake of a socket from `secureConnection` is done: the TCP socket under it
 * (`tls.TLSSocket` keeps it as `_parent`, Node's own name since v0.11) leaves the handshakes.
 *
 * @param tlsSocket - a socket from `secureConnection`
 * @param host - the App
 * @returns the TCP socket under it, if any
 * @example
 * ```ts
 * tlsServer.on('secureConnection', s => { handshakeDone(s, app); app.handleConnection(s) })
 * ```
 * @internal
 */
export function handshakeDone(tlsSocket: Socket, host: HandshakeHost): Socket | undefined {
  const parent = (tlsSocket as Socket & { _parent?: Socket })._parent
  if (parent !== undefined) host.handshakes.delete(parent)
  return parent
}

/**
 * Keeps every socket a `tls.Server` accepts among the host's handshakes until TLS is up.
 *
 * @param server - a `tls.Server`
 * @param host - the App
 * @example
 * ```ts
 * trackTlsHandshakes(tlsServer, app)
 * tlsServer.on('secureConnection', s => { handshakeDone(s, app); app.handleConnection(s) })
 * ```
 * @internal
 */
export function trackTlsHandshakes(server: Server, host: HandshakeHost): void {
  server.on('connection', (raw: Socket) => holdHandshake(raw, host))
}
