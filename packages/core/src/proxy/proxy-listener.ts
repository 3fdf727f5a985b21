import type { Server, Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { createDebug } from '../debug-log.js'
import { monotonicMs } from '../http/clock.js'
import type { DeadlineSet, Timed } from '../http/deadline-set.js'
import type { Peer } from '../http/peer.js'
import { CidrList, parseCidrList } from './cidr.js'
import { DEFAULT_MAX_TLV_BYTES, type ProxyHeader } from './proxy-header.js'
import { ProxyHeaderParser } from './proxy-parser.js'
import { handshakeDone, holdHandshake, type HandshakeHost } from '../tls-handshakes.js'

const debug = createDebug('tinyhttp:core:proxy')

/**
 * The PROXY protocol on a listener (`app.listen(port, host, { proxyProtocol })`, `app.attach(server,
 * { proxyProtocol })`): every connection must start with a v1 or v2 header from a trusted address.
 *
 * @example
 * ```ts
 * await app.listen(8080, '0.0.0.0', { proxyProtocol: { trusted: '10.0.0.0/8' } })
 * ```
 */
export interface ProxyProtocolOptions {
  /**
   * The load balancers allowed to connect: a {@link CidrList}, or its text (`'10.0.0.0/8,::1'`) or entries.
   * A connection from any other address is closed at once, with nothing read or written. Required: the
   * protocol gives the sender the power to say who the client is, so it is never trusted by default.
   */
  readonly trusted: CidrList | string | readonly string[]
  /** The largest v2 TLV block accepted. @defaultValue 2048 */
  readonly maxTlvBytes?: number
  /**
   * How long, from connect, the header may take to arrive (milliseconds); then the connection is closed.
   * @defaultValue the App's `headersTimeout`
   */
  readonly timeout?: number
}

/** Options of `App.listen` and `App.attach`. */
export interface ListenOptions {
  /**
   * Every connection starts with a PROXY protocol header (v1 or v2) from one of `trusted`, read before
   * HTTP (or TLS) starts; the client it names becomes `ctx.req.remoteAddress`/`remotePort`. A connection
   * from another address, without a header, or with a bad, truncated or slow one is closed with nothing
   * written. @defaultValue off
   */
  proxyProtocol?: ProxyProtocolOptions
}

/** {@link ProxyProtocolOptions} checked and resolved. @internal */
export interface ProxyProtocolConfig {
  readonly trusted: CidrList
  readonly maxTlvBytes: number
  readonly timeout: number
}

/**
 * Checks and resolves the listener option.
 *
 * @param options - what the user gave
 * @param headersTimeout - the App's headers timeout (the default time limit)
 * @throws TypeError (a `CidrError` for a bad range) for an option that is not valid
 * @example
 * ```ts
 * const config = resolveProxyProtocol({ trusted: '127.0.0.1' }, 10_000)
 * ```
 * @internal
 */
export function resolveProxyProtocol(options: ProxyProtocolOptions, headersTimeout: number): ProxyProtocolConfig {
  if (typeof options !== 'object' || options === null) throw new TypeError('proxyProtocol must be an object: { trusted }')
  const { trusted, maxTlvBytes = DEFAULT_MAX_TLV_BYTES, timeout = headersTimeout } = options
  if (trusted === undefined) throw new TypeError('proxyProtocol.trusted is required (the addresses of your load balancers)')
  const list = trusted instanceof CidrList ? trusted : parseCidrList(trusted)
  if (list.size === 0) throw new TypeError('proxyProtocol.trusted is empty: no connection could ever be accepted')
  if (!Number.isInteger(maxTlvBytes) || maxTlvBytes < 0 || maxTlvBytes > 65319) {
    throw new TypeError('proxyProtocol.maxTlvBytes must be an integer from 0 to 65319')
  }
  if (typeof timeout !== 'number' || !(timeout > 0) || !Number.isFinite(timeout)) {
    throw new TypeError('proxyProtocol.timeout must be a positive number of milliseconds')
  }
  return { trusted: list, maxTlvBytes, timeout }
}

/**
 * The client a PROXY header names: the address and port a request reports instead of the socket's.
 * @internal
 */
class ProxiedPeer implements Peer {
  constructor(
    readonly remoteAddress: string,
    readonly remotePort: number,
  ) {}
}

/**
 * The peer a header makes: its source for a relayed TCP connection (`PROXY` over `tcp4`/`tcp6`), else
 * (LOCAL health checks, `UNKNOWN`/`AF_UNSPEC`, Unix sockets, whose paths are no IP address) the socket's
 * own endpoints, as the specification says for LOCAL and UNSPEC.
 *
 * @param header - the parsed header
 * @param socket - the connection
 * @returns the peer the requests of this connection report
 * @example
 * ```ts
 * const peer = peerOf(header, socket) // { remoteAddress: '192.0.2.1', remotePort: 56324 }
 * ```
 * @internal
 */
export function peerOf(header: ProxyHeader, socket: Socket): Peer {
  const source = header.source
  if (header.command === 'proxy' && source !== null && (header.family === 'tcp4' || header.family === 'tcp6')) {
    return new ProxiedPeer(source.address, source.port)
  }
  return socket
}

/** What the handshake needs from the App. @internal */
export interface ProxyHandshakeHost extends HandshakeHost {
  readonly deadlines: DeadlineSet
  readonly closing: boolean
  /** Starts HTTP on a socket whose header was read. */
  handleConnection(socket: Duplex, peer?: Peer): void
}

/**
 * Serves a server's connections behind the PROXY protocol: plain TCP reads the header and then starts
 * HTTP on the socket; a `tls.Server` reads it before TLS ({@link interceptTlsConnections}).
 *
 * @param server - a `net.Server` or `tls.Server`
 * @param tls - whether it is a `tls.Server`
 * @param config - the resolved option
 * @param host - the App
 * @example
 * ```ts
 * attachProxied(server, false, resolveProxyProtocol({ trusted: '127.0.0.1' }, 10_000), app)
 * ```
 * @internal
 */
export function attachProxied(server: Server, tls: boolean, config: ProxyProtocolConfig, host: ProxyHandshakeHost): void {
  if (tls) {
    interceptTlsConnections(server, config, host)
    server.on('secureConnection', (socket: Socket) => host.handleConnection(socket, proxiedPeerOf(socket, host)))
    return
  }
  const accept = (socket: Socket, peer: Peer): void => {
    host.handleConnection(socket, peer)
    socket.resume()
  }
  server.on('connection', (socket: Socket) => readProxyHeader(socket, config, host, accept))
}

function ignoreError(this: Socket, err: Error): void {
  debug('socket error before or around the PROXY header: %s', err.message)
}

/**
 * Reads the PROXY header of one accepted connection before anything else touches it: checks the direct
 * peer against the trusted list (else destroys the socket without reading), parses what arrives within
 * the time limit, and then puts the bytes after the header back into the socket (`unshift`) and hands it
 * over, paused, with the peer the header names. Any failure (untrusted peer, missing, malformed, truncated
 * or oversized header, too slow, an error) destroys the socket with nothing written.
 *
 * @param socket - the accepted `net.Socket`
 * @param config - the resolved listener option
 * @param host - the App
 * @param accept - called with the socket (paused, the rest unshifted) and its peer
 * @example
 * ```ts
 * server.on('connection', socket => readProxyHeader(socket, config, app, (s, peer) => app.handleConnection(s, peer)))
 * ```
 * @internal
 */
export function readProxyHeader(socket: Socket, config: ProxyProtocolConfig, host: ProxyHandshakeHost, accept: (socket: Socket, peer: Peer) => void): void {
  socket.on('error', ignoreError)
  if (host.closing || !config.trusted.contains(socket.remoteAddress)) {
    debug('PROXY: connection from untrusted %s refused', socket.remoteAddress)
    socket.destroy()
    return
  }
  new ProxyHandshake(socket, config, host, accept)
}

/** One connection reading its header; watched by the App's deadlines. */
class ProxyHandshake implements Timed {
  deadline: number
  deadlineSlot = -1
  readonly #socket: Socket
  readonly #parser: ProxyHeaderParser
  readonly #host: ProxyHandshakeHost
  readonly #accept: (socket: Socket, peer: Peer) => void
  readonly #onData = (chunk: Buffer): void => this.#data(chunk)
  readonly #onEnd = (): void => this.#fail(this.#parser.end().kind === 'error' ? 'ended before the header was complete' : 'ended')
  readonly #onClose = (): void => this.#stop()

  constructor(socket: Socket, config: ProxyProtocolConfig, host: ProxyHandshakeHost, accept: (socket: Socket, peer: Peer) => void) {
    this.#socket = socket
    this.#parser = new ProxyHeaderParser({ maxTlvBytes: config.maxTlvBytes })
    this.#host = host
    this.#accept = accept
    this.deadline = monotonicMs() + config.timeout
    host.deadlines.add(this)
    host.handshakes.add(socket)
    socket.on('data', this.#onData)
    socket.on('end', this.#onEnd)
    socket.on('close', this.#onClose)
  }

  onTimeout(): void {
    this.#fail('no complete header within the time limit')
  }

  #data(chunk: Buffer): void {
    const step = this.#parser.push(chunk)
    if (step.kind === 'incomplete') return
    if (step.kind === 'error') return this.#fail(`${step.error.code}: ${step.error.message}`)
    const socket = this.#socket
    this.#stop()
    socket.pause()
    if (step.rest.length > 0) socket.unshift(step.rest)
    debug('PROXY v%d %s %s → peer %o', step.header.version, step.header.command, step.header.family, step.header.source)
    this.#accept(socket, peerOf(step.header, socket))
  }

  #fail(why: string): void {
    debug('PROXY: %s from %s: closed', why, this.#socket.remoteAddress)
    this.#stop()
    this.#socket.destroy()
  }

  #stop(): void {
    const socket = this.#socket
    socket.off('data', this.#onData)
    socket.off('end', this.#onEnd)
    socket.off('close', this.#onClose)
    this.deadline = 0
    this.#host.deadlines.delete(this)
    this.#host.handshakes.delete(socket)
  }
}

/**
 * Puts the PROXY handshake in front of a `tls.Server`: the header comes before the TLS handshake (HAProxy
 * `send-proxy-v2` to an `ssl` server), so the server's own `connection` listeners (the one that starts
 * TLS) are taken off and called only once the header has been read, with the rest of the bytes (the
 * ClientHello) put back into the socket, which TLS then reads first. The peer is kept on the raw socket
 * for {@link proxiedPeerOf}, and the socket stays in the App's `handshakes` until TLS is established.
 *
 * @param server - a `tls.Server`
 * @param config - the resolved option
 * @param host - the App
 * @example
 * ```ts
 * interceptTlsConnections(tlsServer, config, app)
 * tlsServer.on('secureConnection', s => app.handleConnection(s, proxiedPeerOf(s, app)))
 * ```
 * @internal
 */
export function interceptTlsConnections(server: Server, config: ProxyProtocolConfig, host: ProxyHandshakeHost): void {
  const startTls = server.listeners('connection') as Array<(socket: Socket) => void>
  server.removeAllListeners('connection')
  server.on('connection', (socket: Socket) =>
    readProxyHeader(socket, config, host, (raw, peer) => {
      ;(raw as Socket & { [PEER]?: Peer })[PEER] = peer
      // Until its TLS handshake is done the socket belongs to nobody: the App keeps it among its
      // handshakes, so that close() does not wait for a balancer that hung up mid-handshake.
      holdHandshake(raw, host)
      for (const listener of startTls) listener.call(server, raw)
    }),
  )
}

const PEER = Symbol('tinyhttp.proxyPeer')

/**
 * The peer a PROXY header named for a TLS socket made by {@link interceptTlsConnections}: kept on the raw
 * TCP socket under it (`tls.TLSSocket` keeps that one as `_parent`, Node's own name since v0.11).
 *
 * @param tlsSocket - a socket from `secureConnection`
 * @param host - the App (its raw socket leaves `handshakes`: it is an HTTP connection now)
 * @returns the peer, or the TLS socket itself when no header was read for it
 * @example
 * ```ts
 * server.on('secureConnection', s => app.handleConnection(s, proxiedPeerOf(s, app)))
 * ```
 * @internal
 */
export function proxiedPeerOf(tlsSocket: Socket, host: ProxyHandshakeHost): Peer {
  const parent = handshakeDone(tlsSocket, host) as (Socket & { [PEER]?: Peer }) | undefined
  return parent?.[PEER] ?? tlsSocket
}
