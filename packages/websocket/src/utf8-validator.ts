import { isUtf8 } from 'node:buffer'

/**
 * The length of the sequence a lead byte starts (2–4), 1 for ASCII, 0 for a byte that cannot start one
 * (a continuation byte, or 0xF8–0xFF).
 */
function sequenceLength(byte: number): number {
  if (byte < 0x80) return 1
  if (byte < 0xc0) return 0
  if (byte < 0xe0) return 2
  if (byte < 0xf0) return 3
  if (byte < 0xf8) return 4
  return 0
}

/**
 * Where the last complete sequence of `bytes[start, end)` ends: the start of an unfinished sequence at the
 * tail (at most 3 bytes), else `end`. What it cuts off is checked byte by byte and carried to the next call.
 */
function completePrefix(bytes: Uint8Array, start: number, end: number): number {
  const stop = Math.max(start, end - 3)
  for (let i = end - 1; i >= stop; i--) {
    const byte = bytes[i] as number
    if ((byte & 0xc0) === 0x80) continue // continuation: look further back
    const length = sequenceLength(byte)
    return length > end - i ? i : end
  }
  return end
}

/** Up to this many bytes a JavaScript scan for ASCII costs less than the call into `isUtf8`. */
const ASCII_SCAN_MAX = 64

/**
 * Whether a whole message (a single frame: no state from before, nothing to follow) is UTF-8. Short
 * ASCII text, the common chat or JSON message, is settled without a call into native code.
 *
 * @param bytes - the whole message
 * @returns whether it is UTF-8
 * @example
 * ```ts
 * isWholeUtf8(Buffer.from('{"ok":true}')) // true
 * isWholeUtf8(Buffer.from([0xe2, 0x82]))  // false: a character cut short
 * ```
 * @internal
 */
export function isWholeUtf8(bytes: Uint8Array): boolean {
  const n = bytes.length
  if (n <= ASCII_SCAN_MAX) {
    let i = 0
    while (i < n && (bytes[i] as number) < 0x80) i++
    if (i === n) return true
  }
  return isUtf8(bytes)
}

/**
 * An incremental UTF-8 validator (RFC 3629): feed a message's bytes in any pieces, get `false` as soon
 * as they cannot be UTF-8 — overlong forms, surrogates (U+D800–U+DFFF), code points above U+10FFFF,
 * stray continuation bytes — and check at the end that no sequence was left unfinished. A sequence may
 * be split across pieces (a text message's fragments, or TCP reads).
 *
 * @remarks
 * Whole sequences are handed to Node's native `buffer.isUtf8`; only the few bytes of a sequence cut by a
 * piece boundary go through the state machine here.
 *
 * @example
 * ```ts
 * const v = new Utf8Validator()
 * v.update(Buffer.from([0xe2, 0x82])) // true: € is not finished yet
 * v.update(Buffer.from([0xac]))       // true
 * v.end()                             // true: the message ended on a whole character
 * ```
 */
export class Utf8Validator {
  /** Continuation bytes still expected. */
  #need = 0
  /** Bounds of the next continuation byte (narrower after E0, ED, F0, F4). */
  #lower = 0x80
  #upper = 0xbf
  #failed = false

  /**
   * Checks the next piece.
   *
   * @param bytes - the piece
   * @param start - first byte to check @defaultValue 0
   * @param end - one past the last byte @defaultValue bytes.length
   * @returns false once the bytes so far cannot be UTF-8 (and from then on)
   */
  update(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
    if (this.#failed) return false
    let i = start
    while (this.#need > 0 && i < end) if (!this.#step(bytes[i++] as number)) return this.#fail()
    if (i >= end) return true
    const cut = completePrefix(bytes, i, end)
    if (cut > i && !isUtf8(bytes.subarray(i, cut))) return this.#fail()
    for (let j = cut; j < end; j++) if (!this.#step(bytes[j] as number)) return this.#fail()
    return true
  }

  /**
   * Ends the message: it must not stop inside a sequence. The validator is then ready for the next message.
   *
   * @returns true when everything fed since the last `end()` (or `reset()`) was UTF-8
   */
  end(): boolean {
    const ok = !this.#failed && this.#need === 0
    this.reset()
    return ok
  }

  /** Forgets everything fed so far. */
  reset(): void {
    this.#need = 0
    this.#lower = 0x80
    this.#upper = 0xbf
    this.#failed = false
  }

  #fail(): false {
    this.#failed = true
    return false
  }

  /** One byte through the state machine; false when it cannot follow what came before. */
  #step(byte: number): boolean {
    if (this.#need > 0) {
      if (byte < this.#lower || byte > this.#upper) return false
      this.#need--
      this.#lower = 0x80
      this.#upper = 0xbf
      return true
    }
    if (byte < 0x80) return true
    if (byte >= 0xc2 && byte <= 0xdf) this.#need = 1
    else if (byte >= 0xe0 && byte <= 0xef) {
      this.#need = 2
      if (byte === 0xe0) this.#lower = 0xa0 // overlong
      else if (byte === 0xed) this.#upper = 0x9f // surrogates
    } else if (byte >= 0xf0 && byte <= 0xf4) {
      this.#need = 3
      if (byte === 0xf0) this.#lower = 0x90 // overlong
      else if (byte === 0xf4) this.#upper = 0x8f // above U+10FFFF
    } else return false
    return true
  }
}
