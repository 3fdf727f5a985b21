import { codecCloseCode, type MessageCodec } from './message-codec.js'
import type { Frame } from './frame-parser.js'
import { OPCODE } from './protocol.js'
import { Utf8Validator } from './utf8-validator.js'

/** The resolved promise every receiver starts its inflate chain on (shared: `then` never changes it). */
const SETTLED: Promise<void> = Promise.resolve()

/**
 * Where {@link MessageReceiver} delivers: whole messages in the order they arrived, or the close code of
 * the failure (1007 for a compressed text message that inflates to invalid UTF-8, 1009 past `maxPayload`).
 *
 * @internal
 */
export interface MessageSink {
  message(data: Buffer, isBinary: boolean): void
  fail(code: number, reason: string): void
  /** Every delivery that waited for zlib is done (the socket may read again). */
  idle(): void
}

/**
 * Turns the data frames of a {@link FrameParser} into messages: joins fragments, inflates compressed
 * messages (RSV1 on the first frame) frame by frame within `maxPayload`, checks the UTF-8 of inflated text,
 * and keeps order — a message that follows one still inflating waits for it.
 *
 * @example
 * ```ts
 * const receiver = new MessageReceiver(null, 1 << 20, sink)
 * receiver.frame({ fin: true, rsv1: false, opcode: OPCODE.TEXT, payload: Buffer.from('hi') }) // sink.message(<hi>, false)
 * ```
 * @internal
 */
export class MessageReceiver {
  readonly #codec: MessageCodec | null
  readonly #maxPayload: number
  readonly #sink: MessageSink
  #fragments: Buffer[] = []
  #length = 0
  #binary = false
  #compressed = false
  /** Deliveries waiting for zlib (this message's frames and everything after them). */
  #pending = 0
  #tail: Promise<void> = SETTLED
  #failed = false
  /** Made on the first compressed text message. */
  #utf8: Utf8Validator | null = null

  /**
   * @param codec - the permessage-deflate context, or null
   * @param maxPayload - the largest message, inflated
   * @param sink - where messages go
   */
  constructor(codec: MessageCodec | null, maxPayload: number, sink: MessageSink) {
    this.#codec = codec
    this.#maxPayload = maxPayload
    this.#sink = sink
  }

  /** Whether deliveries wait for zlib (then the socket should not read more). */
  get busy(): boolean {
    return this.#pending > 0
  }

  /**
   * Runs `job` after every delivery still waiting for zlib (at once when none waits).
   *
   * @param job - e.g. handling a close frame that arrived behind a compressed message
   */
  after(job: () => void): void {
    if (this.#pending === 0) return job()
    this.#pending++
    this.#tail = this.#tail.then(() => this.#settle(job))
  }

  /**
   * One data frame (text, binary or continuation), already checked by the parser.
   *
   * @param frame - the frame
   */
  frame(frame: Frame): void {
    if (this.#failed) return
    if (frame.opcode !== OPCODE.CONTINUATION) {
      this.#binary = frame.opcode === OPCODE.BINARY
      this.#compressed = frame.rsv1
    }
    if (this.#compressed) return this.#inflate(frame)
    if (this.#pending > 0) {
      // Behind a message that is still inflating: keep the order.
      const { payload, fin } = frame
      const binary = this.#binary
      return this.after(() => this.#collect(payload, fin, binary))
    }
    this.#collect(frame.payload, frame.fin, this.#binary)
  }

  #collect(payload: Buffer, fin: boolean, binary: boolean): void {
    if (this.#failed) return
    if (fin && this.#fragments.length === 0) return this.#sink.message(payload, binary)
    this.#fragments.push(payload)
    this.#length += payload.length
    if (!fin) return
    const data = Buffer.concat(this.#fragments, this.#length)
    this.#fragments = []
    this.#length = 0
    this.#sink.message(data, binary)
  }

  #inflate(frame: Frame): void {
    const codec = this.#codec as MessageCodec
    const binary = this.#binary
    const fin = frame.fin
    const inflated = codec.decompress(frame.payload, fin, this.#maxPayload)
    // A rejection is handled in order below; this keeps it from being reported as unhandled meanwhile.
    inflated.catch(() => {})
    this.#pending++
    this.#tail = this.#tail.then(() =>
      inflated.then(
        bytes => this.#settle(() => this.#inflated(bytes, fin, binary)),
        (err: unknown) => this.#settle(() => this.#fail(codecCloseCode(err), 'inflate failed')),
      ),
    )
  }

  #inflated(bytes: Buffer, fin: boolean, binary: boolean): void {
    if (this.#failed) return
    if (!binary && !this.#validUtf8(bytes, fin)) return this.#fail(1007, 'invalid UTF-8')
    this.#collect(bytes, fin, binary)
  }

  #validUtf8(bytes: Buffer, fin: boolean): boolean {
    const utf8 = (this.#utf8 ??= new Utf8Validator())
    return utf8.update(bytes) && (!fin || utf8.end())
  }

  #settle(job: () => void): void {
    try {
      job()
    } finally {
      if (--this.#pending === 0) this.#sink.idle()
    }
  }

  #fail(code: number, reason: string): void {
    if (this.#failed) return
    this.#failed = true
    this.#fragments = []
    this.#sink.fail(code, reason)
  }
}
