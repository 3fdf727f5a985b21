import type { EventEmitter } from 'node:events'

/**
 * One message as the async iterator of a WebSocket yields it.
 *
 * @example
 * ```ts
 * for await (const message of ws) console.log(message.isBinary ? message.data : message.data.toString())
 * ```
 */
export interface Message {
  /** The message's bytes (UTF-8 for text). */
  readonly data: Buffer
  /** Whether it was a binary message. */
  readonly isBinary: boolean
}

/** Messages queued for a slow loop body before the socket stops reading. */
const HIGH_WATER = 16

/** What the iterator listens to: a WebSocket's `message` and `close` events. */
interface MessageSource {
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): unknown
  on(event: 'close', listener: () => void): unknown
  off(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): unknown
  off(event: 'close', listener: () => void): unknown
  readonly readyState: number
}

/**
 * The messages of a WebSocket as an async iterator: they queue while the loop body runs, and past
 * {@link HIGH_WATER} the socket stops reading until the loop catches up. It ends when the connection
 * closes; leaving the loop early (`break`) stops listening and leaves the connection open.
 *
 * @example
 * ```ts
 * for await (const { data } of new MessageIterator(ws, paused => (paused ? socket.pause() : socket.resume()))) console.log(data)
 * ```
 * @internal
 */
export class MessageIterator implements AsyncIterableIterator<Message> {
  readonly #source: MessageSource
  readonly #pause: (paused: boolean) => void
  readonly #queue: Message[] = []
  #waiting: ((result: IteratorResult<Message>) => void) | null = null
  #done = false
  #paused = false
  readonly #onMessage = (data: Buffer, isBinary: boolean): void => {
    const waiting = this.#waiting
    if (waiting !== null) {
      this.#waiting = null
      return waiting({ value: { data, isBinary }, done: false })
    }
    this.#queue.push({ data, isBinary })
    if (this.#queue.length >= HIGH_WATER && !this.#paused) this.#setPaused(true)
  }
  readonly #onClose = (): void => this.#finish()

  /**
   * @param source - the WebSocket
   * @param pause - stops (true) or resumes (false) reading from its socket
   */
  constructor(source: MessageSource & EventEmitter, pause: (paused: boolean) => void) {
    this.#source = source
    this.#pause = pause
    if (source.readyState === 3) this.#done = true
    else {
      source.on('message', this.#onMessage)
      source.on('close', this.#onClose)
    }
  }

  /** @returns the next message, or done once the connection has closed and every message was read */
  next(): Promise<IteratorResult<Message>> {
    const message = this.#queue.shift()
    if (message !== undefined) {
      if (this.#paused && this.#queue.length < HIGH_WATER / 2) this.#setPaused(false)
      return Promise.resolve({ value: message, done: false })
    }
    if (this.#done) return Promise.resolve({ value: undefined, done: true })
    return new Promise(resolve => (this.#waiting = resolve))
  }

  /** @returns done; stops listening (the connection stays open) */
  return(): Promise<IteratorResult<Message>> {
    this.#queue.length = 0
    this.#finish()
    return Promise.resolve({ value: undefined, done: true })
  }

  /** @returns this */
  [Symbol.asyncIterator](): AsyncIterableIterator<Message> {
    return this
  }

  #finish(): void {
    if (this.#paused) this.#setPaused(false)
    if (this.#done) return
    this.#done = true
    this.#source.off('message', this.#onMessage)
    this.#source.off('close', this.#onClose)
    const waiting = this.#waiting
    this.#waiting = null
    waiting?.({ value: undefined, done: true })
  }

  #setPaused(paused: boolean): void {
    this.#paused = paused
    this.#pause(paused)
  }
}
