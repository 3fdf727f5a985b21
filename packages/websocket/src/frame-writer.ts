import { randomFillSync } from 'node:crypto'

/**
 * How to frame a payload: whether it ends its message, RSV1 (compressed), and a masking key (a client
 * masks every frame; a server never does).
 *
 * @example
 * ```ts
 * const options: FrameOptions = { fin: false, rsv1: true }
 * ```
 */
export interface FrameOptions {
  /** Whether this frame ends its message. @defaultValue true */
  readonly fin?: boolean
  /** RSV1: the message is compressed (first frame only). @defaultValue false */
  readonly rsv1?: boolean
  /** Mask with this 4-byte key, or `true` for a random one; servers leave it out. @defaultValue no mask */
  readonly mask?: Uint8Array | true
}

/** Payloads up to this size are copied behind their header into one buffer (one write, one packet). */
export const COPY_LIMIT = 4096 - 16

/**
 * The header of a frame (RFC 6455 §5.2): 2 bytes, plus the 16- or 64-bit extended length when the payload
 * needs it (the shortest form, as §5.2 requires), plus the masking key.
 *
 * @param opcode - the opcode
 * @param length - the payload's length in bytes
 * @param options - FIN, RSV1, mask
 * @returns the header bytes
 * @example
 * ```ts
 * frameHeader(OPCODE.TEXT, 5) // <81 05>
 * frameHeader(OPCODE.BINARY, 70000) // <82 7f 00 00 00 00 00 01 11 70>
 * ```
 */
export function frameHeader(opcode: number, length: number, options: FrameOptions = {}): Buffer {
  const extra = length < 126 ? 0 : length < 0x10000 ? 2 : 8
  const mask = maskKey(options.mask)
  const header = Buffer.allocUnsafe(2 + extra + (mask === null ? 0 : 4))
  writeHeader(header, opcode, length, options.fin !== false, options.rsv1 === true, extra, mask)
  return header
}

/**
 * A whole frame in one buffer: header, then the payload (masked when a key is given; the payload given is
 * never modified).
 *
 * @param opcode - the opcode
 * @param payload - the payload
 * @param options - FIN, RSV1, mask
 * @returns the frame's bytes
 * @example
 * ```ts
 * encodeFrame(OPCODE.TEXT, Buffer.from('hi'))                 // <81 02 68 69>
 * encodeFrame(OPCODE.TEXT, Buffer.from('hi'), { mask: true }) // what a client sends
 * ```
 */
export function encodeFrame(opcode: number, payload: Uint8Array, options: FrameOptions = {}): Buffer {
  const length = payload.length
  const extra = length < 126 ? 0 : length < 0x10000 ? 2 : 8
  const mask = maskKey(options.mask)
  const headerLength = 2 + extra + (mask === null ? 0 : 4)
  const frame = Buffer.allocUnsafe(headerLength + length)
  writeHeader(frame, opcode, length, options.fin !== false, options.rsv1 === true, extra, mask)
  if (mask === null) frame.set(payload, headerLength)
  else for (let i = 0; i < length; i++) frame[headerLength + i] = (payload[i] as number) ^ (mask[i & 3] as number)
  return frame
}

function maskKey(mask: Uint8Array | true | undefined): Uint8Array | null {
  if (mask === undefined) return null
  if (mask === true) return randomFillSync(new Uint8Array(4))
  if (mask.length !== 4) throw new TypeError('a masking key has 4 bytes')
  return mask
}

function writeHeader(out: Buffer, opcode: number, length: number, fin: boolean, rsv1: boolean, extra: number, mask: Uint8Array | null): void {
  out[0] = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | (opcode & 0x0f)
  const maskBit = mask === null ? 0 : 0x80
  if (extra === 0) out[1] = maskBit | length
  else if (extra === 2) {
    out[1] = maskBit | 126
    out.writeUInt16BE(length, 2)
  } else {
    out[1] = maskBit | 127
    out.writeUInt32BE(Math.floor(length / 0x1_0000_0000), 2)
    out.writeUInt32BE(length >>> 0, 6)
  }
  if (mask !== null) out.set(mask, 2 + extra)
}

/**
 * The payload of a close frame: the code (2 bytes, big-endian) and the UTF-8 reason; empty without a code.
 *
 * @param code - the close code, or undefined for none
 * @param reason - the reason (at most 123 bytes of UTF-8)
 * @returns the payload
 * @example
 * ```ts
 * closePayload(1001, 'shutting down')
 * ```
 * @internal
 */
export function closePayload(code: number | undefined, reason: string | Buffer = ''): Buffer {
  if (code === undefined) return Buffer.alloc(0)
  const text = typeof reason === 'string' ? Buffer.from(reason) : reason
  const payload = Buffer.allocUnsafe(2 + text.length)
  payload.writeUInt16BE(code, 0)
  payload.set(text, 2)
  return payload
}
