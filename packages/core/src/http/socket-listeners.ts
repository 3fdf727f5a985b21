import type { Duplex } from 'node:stream'

/** What the shared socket listeners call on the connection that owns a socket. */
export interface SocketOwner {
  onData(chunk: Buffer): void
  onEnd(): void
  onError(err: Error): void
  onClose(): void
  onSocketDrain(): void
}

/** Where a socket keeps its connection, for the listeners all connections share. */
const OWNER = Symbol('tinyhttp.connection')
type OwnedSocket = Duplex & { [OWNER]?: SocketOwner }

function ownerOf(socket: Duplex): SocketOwner {
  return (socket as OwnedSocket)[OWNER] as SocketOwner
}

// The listeners every connection shares (`this` is the socket): no closures per connection, which
// add up under connection churn.
function onData(this: Duplex, chunk: Buffer): void {
  ownerOf(this).onData(chunk)
}

function onEnd(this: Duplex): void {
  ownerOf(this).onEnd()
}

function onError(this: Duplex, err: Error): void {
  ownerOf(this).onError(err)
}

function onClose(this: Duplex): void {
  ownerOf(this).onClose()
}

// Registered only while a write is blocked (see watchDrain): a socket whose writes never block never
// carries it, so a connection costs four listeners, not five.
function onDrain(this: Duplex): void {
  this.off('drain', onDrain)
  ownerOf(this).onSocketDrain()
}

/**
 * Routes a socket's events to its connection through listeners shared by every socket (`drain` only
 * while a write is blocked: {@link watchDrain}).
 *
 * @param socket - the accepted socket
 * @param owner - its connection
 * @example
 * ```ts
 * listen(socket, connection) // later, on an upgrade: unlisten(socket)
 * ```
 * @internal
 */
export function listen(socket: Duplex, owner: SocketOwner): void {
  ;(socket as OwnedSocket)[OWNER] = owner
  socket.on('data', onData)
  socket.on('end', onEnd)
  socket.on('error', onError)
  socket.on('close', onClose)
}

/**
 * Detaches a socket from its connection (it switched protocols): no listener of the core stays on it.
 *
 * @param socket - the socket
 * @example
 * ```ts
 * unlisten(socket)
 * ```
 * @internal
 */
export function unlisten(socket: Duplex): void {
  socket.off('data', onData)
  socket.off('end', onEnd)
  socket.off('error', onError)
  socket.off('close', onClose)
  socket.off('drain', onDrain)
  delete (socket as OwnedSocket)[OWNER]
}

/**
 * Asks for the socket's next `drain` event (a write returned false): it reaches the connection's
 * `onSocketDrain` once, and the listener removes itself. Call it once per blocked write.
 *
 * @param socket - a socket passed to {@link listen}
 * @example
 * ```ts
 * if (!socket.write(bytes)) watchDrain(socket)
 * ```
 * @internal
 */
export function watchDrain(socket: Duplex): void {
  socket.on('drain', onDrain)
}
