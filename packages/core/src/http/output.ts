import { monotonicMs } from './clock.js'
import { Socket as NetSocket, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { watchDrain } from './socket-listeners.js'

/** Pending output up to this size is copied into one buffer (one write); larger output is written as is. */
export const COALESCE_LIMIT = 64 * 1024

/**
 * The buffer small pieces of output are copied into, shared by every plain TCP connection. A write
 * that the kernel takes whole (the socket reports nothing pending right after it) leaves it free for
 * the next one; otherwise the socket keeps it until the write completes and a new one is made.
 */
let scratch: Buffer | null = null

/** The outputs whose flush is scheduled for this turn of the event loop, in the order they asked. */
let due: Output[] = []
/** The other of two lists that take turns as `due`, so a turn allocates no list. */
let spare: Output[] = []

/** What an {@link Output} tells its owner. */
export interface OutputOwner {
  /** The socket drained and nobody registered a continuation: the owner may produce more. */
  onWritable(): void
  /** The socket's blocked state changed (its send deadline starts or stops). */
  onBlockedChange(): void
}

/**
 * The write side of one connection: queues the pieces of responses (heads, small bodies, chunk
 * framing) and writes them coalesced, one buffer and one syscall for everything pending below
 * {@link COALESCE_LIMIT}, one corked `writev` above it; tracks back-pressure (`drain`). Holds no buffer
 * between responses: the list of pending pieces exists only while something is pending.
 *
 * @example
 * ```ts
 * out.write(head)
 * out.write(body)
 * if (!out.flush()) out.waitForDrain(() => stream.resume())
 * ```
 * @internal
 */
export class Output {
  readonly socket: Duplex
  readonly #owner: OutputOwner
  /** A plain `net.Socket`: a write it reports as complete has been copied into the kernel. */
  readonly #kernelCopies: boolean
  /** The only piece pending (no list is made for one piece), or null. */
  #first: string | Uint8Array | null = null
  /** The pieces pending when there are two or more, or null. */
  #parts: Array<string | Uint8Array> | null = null
  #bytes = 0
  #flushScheduled = false
  /** The socket closed: nothing is written any more. */
  #closed = false
  /** Clock ms ({@link monotonicMs}) since when the socket has been full (waiting for `drain`); 0 when it is not. */
  blockedSince = 0
  #afterDrain: (() => void) | null = null
  /** Body bytes of the response in flight handed to the socket so far (for its end listener). */
  bodySent = 0
  /** Cleanup for a body in flight (destroys a stream, closes a file descriptor), or null. */
  abortBody: (() => void) | null = null

  /**
   * @param socket - the connection's socket
   * @param owner - the connection
   * @param secure - whether the socket is TLS (its writes are not kernel copies)
   */
  constructor(socket: Duplex, owner: OutputOwner, secure: boolean) {
    this.socket = socket
    this.#owner = owner
    this.#kernelCopies = socket instanceof NetSocket && !secure
  }

  /** Whether the socket asked to wait for `drain`. */
  get blocked(): boolean {
    return this.blockedSince !== 0
  }

  /** Queues a piece of output (a latin1 string or bytes); flushes once {@link COALESCE_LIMIT} is reached. */
  write(chunk: string | Uint8Array): void {
    const parts = this.#parts
    // One piece needs no list, and two make an array literal of two (an empty `[]` grows to 17 slots
    // on its first push): a head and its small body cost 40 bytes of list, not 90.
    if (parts !== null) parts.push(chunk)
    else if (this.#first === null) this.#first = chunk
    else {
      this.#parts = [this.#first, chunk]
      this.#first = null
    }
    this.#bytes += chunk.length
    if (this.#bytes >= COALESCE_LIMIT) this.flush()
  }

  /**
   * Flushes right after the event loop has handled every socket that was readable (its check phase):
   * the pipelined answers of one read leave together, and the answers to all the connections served in
   * one poll leave back to back, so a client waiting on many connections is woken once for them rather
   * than once per answer (on a VM each wake-up is an interrupt to another CPU: the most expensive part
   * of a small keep-alive answer). One `setImmediate` for every output due in that turn.
   */
  scheduleFlush(): void {
    if (this.#flushScheduled) return
    this.#flushScheduled = true
    if (due.length === 0) setImmediate(flushDue)
    due.push(this)
  }

  /** Drops what is pending and writes nothing any more (the socket closed). */
  clear(): void {
    this.#closed = true
    this.#first = null
    this.#parts = null
    this.#bytes = 0
  }

  /** Writes what is pending; returns false when the socket asked us to wait for `drain`. */
  flush(): boolean {
    const out = this.#parts
    const only = this.#first
    if ((out === null && only === null) || this.#closed) return this.blockedSince === 0
    this.#parts = null
    this.#first = null
    const total = this.#bytes
    this.#bytes = 0
    const socket = this.socket
    let ok: boolean
    if (out === null) {
      ok = typeof only === 'string' ? socket.write(only, 'latin1') : socket.write(only as Uint8Array)
    } else if (total <= COALESCE_LIMIT) {
      // Small pieces (heads, small bodies, a pipelined burst): one buffer, one write, one syscall.
      const shared = this.#kernelCopies && (socket as Socket).writableLength === 0
      const buf = shared ? (scratch ??= Buffer.allocUnsafeSlow(COALESCE_LIMIT)) : Buffer.allocUnsafe(total)
      let offset = 0
      for (let i = 0; i < out.length; i++) {
        const part = out[i] as string | Uint8Array
        if (typeof part === 'string') offset += buf.write(part, offset, 'latin1')
        else {
          buf.set(part, offset)
          offset += part.length
        }
      }
      ok = socket.write(shared ? buf.subarray(0, total) : buf)
      if (shared && (socket as Socket).writableLength !== 0) scratch = null
    } else {
      // Large bodies are not copied: corked writes leave as one writev.
      socket.cork()
      ok = true
      for (const part of out) ok = (typeof part === 'string' ? socket.write(part, 'latin1') : socket.write(part)) && ok
      socket.uncork()
    }
    if (!ok) this.waitForDrain(null)
    return ok
  }

  /** Marks the socket as full: nothing more is produced until `drain` (then `next` runs, if given). */
  waitForDrain(next: (() => void) | null): void {
    if (next !== null) this.#afterDrain = next
    if (this.blockedSince !== 0) return
    this.blockedSince = monotonicMs()
    watchDrain(this.socket)
    this.#owner.onBlockedChange()
  }

  /** The socket drained: runs the registered continuation, or tells the owner. */
  onDrain(): void {
    if (this.blockedSince === 0) return
    this.blockedSince = 0
    const next = this.#afterDrain
    this.#afterDrain = null
    this.#owner.onBlockedChange()
    if (next !== null) next()
    else this.#owner.onWritable()
  }

  /**
   * Whether everything written so far is in the kernel: nothing pending here, nothing buffered by the
   * socket, and the socket is a plain TCP one (a TLS socket still owes its `close_notify`).
   */
  get allInKernel(): boolean {
    return this.#kernelCopies && this.#first === null && this.#parts === null && (this.socket as Socket).writableLength === 0
  }

  /** The bytes of the body in flight that really left: handed to the socket minus what it still holds. */
  bodyBytesLeft(): number {
    const pending = (this.socket as Partial<Socket>).writableLength ?? 0
    return Math.max(0, this.bodySent - pending)
  }

  /** @internal */
  flushScheduledNow(): void {
    this.#flushScheduled = false
    this.flush()
  }
}

function flushDue(): void {
  const outputs = due
  due = spare
  try {
    for (let i = 0; i < outputs.length; i++) (outputs[i] as Output).flushScheduledNow()
  } finally {
    outputs.length = 0
    spare = outputs
  }
}

/** What a body writer (`sendFile`, `sendStream`) reports to its connection. */
export interface BodyOwner {
  /** The whole body has been handed to the socket. */
  bodyDone(): void
  /** The body failed after the head had left: the connection must be cut. */
  bodyFailed(reason: string): void
  /** Whether the connection is gone (a file opened too late is closed at once). */
  readonly gone: boolean
}
