import { FrameError, type FrameErrorCode } from './frame-error.js'
import { isWireCloseCode, MAX_CONTROL_PAYLOAD, OPCODE } from './protocol.js'
import { unmaskInto } from './unmask.js'
import { isWholeUtf8, Utf8Validator } from './utf8-validator.js'

/**
 * One frame as it arrived (RFC 6455 §5.2), its payload unmasked.
 *
 * @example
 * ```ts
 * const frame: Frame = { fin: true, rsv1: false, opcode: OPCODE.TEXT, payload: Buffer.from('hi') }
 * ```
 */
export interface Frame {
  /** Whether this frame ends its message. */
  readonly fin: boolean
  /** RSV1: the message is compressed (only on a data message's first frame, only when negotiated). */
  readonly rsv1: boolean
  /** The opcode ({@link OPCODE}); 0 for a continuation. */
  readonly opcode: number
  /** The payload, unmasked (a copy: the parser never changes the bytes it is given). */
  readonly payload: Buffer
}

/**
 * Where {@link FrameParser} reports what it found. Both are called synchronously from
 * {@link FrameParser.execute}; either may call {@link FrameParser.stop}.
 *
 * @example
 * ```ts
 * const handler: FrameHandler = { onFrame: f => frames.push(f), onError: e => fail(e.closeCode) }
 * ```
 */
export interface FrameHandler {
  /** A whole, valid frame. A close frame is the last one: the parser ignores what follows it. */
  onFrame(frame: Frame): void
  /** The bytes broke a rule; the parser stops and ignores what follows. Called at most once. */
  onError(error: FrameError): void
}

/**
 * Limits and what was negotiated, for {@link FrameParser}.
 *
 * @example
 * ```ts
 * const options: FrameParserOptions = { maxPayload: 1 << 20, rsv1: true }
 * ```
 */
export interface FrameParserOptions {
  /** The largest message in bytes (the sum of its frames' payloads), checked from each frame's header. */
  readonly maxPayload: number
  /** Which end this parser reads for: a server reads masked client frames, a client unmasked ones. @defaultValue 'server' */
  readonly role?: 'server' | 'client'
  /** Whether RSV1 may be set on a data message's first frame (permessage-deflate negotiated). @defaultValue false */
  readonly rsv1?: boolean
}

const HEADER = 0
const PAYLOAD = 1
const STOPPED = 2

/**
 * The incremental frame parser (RFC 6455 §5): bytes in, frames out, no socket. Any split of the same bytes
 * gives the same frames, or the same error. It enforces, with the close code of each rule:
 *
 * - client frames masked, server frames not (1002); RSV2/RSV3 never, RSV1 only when negotiated and only
 *   on a data message's first frame (1002); no reserved opcode (1002);
 * - control frames at most 125 bytes and never fragmented (1002); a continuation only inside a message,
 *   a new message only outside one (1002);
 * - a message larger than `maxPayload` (1009), decided from the frame's header before its payload is read;
 * - the UTF-8 of an uncompressed text message, checked incrementally across fragments (1007); a compressed
 *   one is checked by whoever inflates it;
 * - a close frame's payload: not 1 byte, a code that may be sent (1002), a UTF-8 reason (1007).
 *
 * @example
 * ```ts
 * const parser = new FrameParser({ onFrame: f => console.log(f.opcode, f.payload), onError: e => console.log(e.closeCode) }, { maxPayload: 1 << 20 })
 * parser.execute(Buffer.from([0x81, 0x82, 1, 2, 3, 4, 0x69, 0x6b])) // a masked "hi"
 * ```
 */
export class FrameParser {
  readonly #handler: FrameHandler
  readonly #maxPayload: number
  readonly #masked: boolean
  readonly #rsv1Allowed: boolean
  #state = HEADER
  /** A header split across inputs: its bytes so far (made on the first split: most sockets never need it). */
  #head: Uint8Array | null = null
  #headLength = 0
  // The frame being read.
  #fin = false
  #rsv1 = false
  #opcode = 0
  /** The current frame's masking key; made on the first masked frame (an idle socket has none). */
  #mask: Uint8Array | null = null
  #hasMask = false
  #payload: Buffer = EMPTY
  #filled = 0
  // The message being read (data frames).
  #inMessage = false
  #messageOpcode = 0
  #messageCompressed = false
  #messageLength = 0
  /** Made on the first uncompressed text frame. */
  #utf8: Utf8Validator | null = null

  /**
   * @param handler - told about each frame and the first error
   * @param options - limits and negotiated bits
   * @throws TypeError when `maxPayload` is not a positive integer
   */
  constructor(handler: FrameHandler, options: FrameParserOptions) {
    if (!Number.isSafeInteger(options.maxPayload) || options.maxPayload <= 0) throw new TypeError('maxPayload must be a positive integer')
    this.#handler = handler
    this.#maxPayload = options.maxPayload
    this.#masked = (options.role ?? 'server') === 'server'
    this.#rsv1Allowed = options.rsv1 === true
  }

  /** Whether the parser stopped: after an error, a close frame, or {@link FrameParser.stop}. */
  get stopped(): boolean {
    return this.#state === STOPPED
  }

  /** Whether a fragmented message has started and not ended. */
  get inMessage(): boolean {
    return this.#inMessage
  }

  /** Ignore everything from now on. */
  stop(): void {
    this.#state = STOPPED
  }

  /**
   * Reads the next bytes. Frames and errors are reported through the handler before this returns.
   *
   * @param chunk - the bytes, as they came; never modified
   */
  execute(chunk: Uint8Array): void {
    let pos = 0
    const end = chunk.length
    while (pos < end) {
      const state = this.#state
      if (state === HEADER) pos = this.#readHeader(chunk, pos, end)
      else if (state === PAYLOAD) pos = this.#readPayload(chunk, pos, end)
      else return
    }
  }

  #readHeader(chunk: Uint8Array, pos: number, end: number): number {
    if (this.#headLength === 0 && end - pos >= 2) {
      const size = headerSize(chunk[pos + 1] as number)
      if (end - pos >= size) {
        this.#parseHeader(chunk, pos)
        return pos + size
      }
    }
    const head = (this.#head ??= new Uint8Array(14))
    while (pos < end) {
      head[this.#headLength++] = chunk[pos++] as number
      if (this.#headLength >= 2 && this.#headLength === headerSize(head[1] as number)) {
        this.#headLength = 0
        this.#parseHeader(head, 0)
        return pos
      }
    }
    return pos
  }

  #parseHeader(bytes: Uint8Array, at: number): void {
    const b0 = bytes[at] as number
    const b1 = bytes[at + 1] as number
    const fin = (b0 & 0x80) !== 0
    const rsv1 = (b0 & 0x40) !== 0
    const opcode = b0 & 0x0f
    const masked = (b1 & 0x80) !== 0
    const control = opcode >= 0x8
    if ((b0 & 0x30) !== 0) return this.#fail('reserved-bits')
    if ((opcode > OPCODE.BINARY && opcode < OPCODE.CLOSE) || opcode > OPCODE.PONG) return this.#fail('reserved-opcode')
    if (rsv1 && (control || opcode === OPCODE.CONTINUATION || !this.#rsv1Allowed)) return this.#fail('reserved-bits')
    if (control) {
      if (!fin) return this.#fail('fragmented-control')
    } else if (opcode === OPCODE.CONTINUATION) {
      if (!this.#inMessage) return this.#fail('unexpected-continuation')
    } else if (this.#inMessage) return this.#fail('expected-continuation')
    if (masked !== this.#masked) return this.#fail(masked ? 'masked-frame' : 'unmasked-frame')
    let length = b1 & 0x7f
    let next = at + 2
    if (length === 126) {
      length = ((bytes[next] as number) << 8) | (bytes[next + 1] as number)
      next += 2
    } else if (length === 127) {
      const high = readUint32(bytes, next)
      if (high >= 0x80000000) return this.#fail('length-high-bit')
      length = high * 0x1_0000_0000 + readUint32(bytes, next + 4)
      next += 8
    }
    if (control) {
      if (length > MAX_CONTROL_PAYLOAD) return this.#fail('control-too-long')
    } else {
      if (this.#messageLength + length > this.#maxPayload) return this.#fail('message-too-big')
      if (opcode !== OPCODE.CONTINUATION) {
        this.#messageOpcode = opcode
        this.#messageCompressed = rsv1
      }
      this.#messageLength += length
    }
    this.#hasMask = masked
    if (masked) {
      const mask = (this.#mask ??= new Uint8Array(4))
      for (let i = 0; i < 4; i++) mask[i] = bytes[next + i] as number
    }
    this.#fin = fin
    this.#rsv1 = rsv1
    this.#opcode = opcode
    if (length === 0) return this.#complete(Buffer.alloc(0))
    this.#payload = Buffer.allocUnsafe(length)
    this.#filled = 0
    this.#state = PAYLOAD
  }

  #readPayload(chunk: Uint8Array, pos: number, end: number): number {
    const payload = this.#payload
    const filled = this.#filled
    const n = Math.min(end - pos, payload.length - filled)
    if (this.#hasMask) unmaskInto(chunk, payload, filled, this.#mask as Uint8Array, pos, pos + n)
    else payload.set(chunk.subarray(pos, pos + n), filled)
    this.#filled = filled + n
    if (this.#filled === payload.length) {
      this.#state = HEADER
      this.#payload = EMPTY
      this.#complete(payload)
    }
    return pos + n
  }

  #complete(payload: Buffer): void {
    this.#state = HEADER
    const opcode = this.#opcode
    const fin = this.#fin
    if (opcode === OPCODE.CLOSE) {
      const problem = closePayloadProblem(payload)
      if (problem !== null) return this.#fail(problem)
      this.#state = STOPPED
    } else if (opcode < OPCODE.CLOSE) {
      if (this.#messageOpcode === OPCODE.TEXT && !this.#messageCompressed) {
        if (fin && opcode === OPCODE.TEXT) {
          // A whole message in one frame (the common case): checked at once, no state kept.
          if (!isWholeUtf8(payload)) return this.#fail('invalid-utf8')
        } else {
          const utf8 = (this.#utf8 ??= new Utf8Validator())
          if (!utf8.update(payload) || (fin && !utf8.end())) return this.#fail('invalid-utf8')
        }
      }
      this.#inMessage = !fin
      if (fin) this.#messageLength = 0
    }
    this.#handler.onFrame({ fin, rsv1: this.#rsv1, opcode, payload })
  }

  #fail(code: FrameErrorCode): void {
    this.#state = STOPPED
    this.#payload = EMPTY
    this.#handler.onError(new FrameError(code))
  }
}

const EMPTY = Buffer.alloc(0)

/** A header's size from its second byte: 2, plus 2 or 8 for an extended length, plus 4 for a mask. */
function headerSize(b1: number): number {
  const length = b1 & 0x7f
  return 2 + (length === 126 ? 2 : length === 127 ? 8 : 0) + ((b1 & 0x80) !== 0 ? 4 : 0)
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] as number) * 0x100_0000 + (((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number)))
}

/**
 * What is wrong with a close frame's payload (RFC 6455 §5.5.1, §7.4), or null: empty, or a code that may
 * be sent followed by a UTF-8 reason.
 *
 * @param payload - the unmasked payload
 * @returns the rule it breaks, or null
 * @example
 * ```ts
 * closePayloadProblem(Buffer.from([0x03, 0xe8])) // null: 1000, no reason
 * closePayloadProblem(Buffer.from([0x03, 0xed])) // 'invalid-close-code': 1005 is never sent
 * ```
 * @internal
 */
export function closePayloadProblem(payload: Buffer): FrameErrorCode | null {
  if (payload.length === 0) return null
  if (payload.length === 1) return 'close-payload-length'
  if (!isWireCloseCode(payload.readUInt16BE(0))) return 'invalid-close-code'
  const reason = new Utf8Validator()
  if (!reason.update(payload, 2) || !reason.end()) return 'invalid-close-reason'
  return null
}
