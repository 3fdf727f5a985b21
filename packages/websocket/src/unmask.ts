import { simdUnmasker } from './simd-unmask.js'

/** Below this many bytes a plain byte loop beats making a 32-bit view or copying through WebAssembly. */
const BYTE_LOOP_MAX = 128

/**
 * Copies masked payload bytes into `out` and unmasks them there (RFC 6455 §5.3): byte `i` of the payload is
 * XORed with `mask[i % 4]`. `out` holds the whole payload; `at` is where this piece starts in it, so pieces
 * of one frame can arrive in any split. Pieces of 128 bytes and more are unmasked 16 bytes at a time with
 * WebAssembly SIMD (`simd-unmask.ts`: 16 KiB in ~1 µs), or where that is missing four bytes at a time
 * through a 32-bit view (16 KiB in ~5 µs); smaller ones byte by byte (the calls and views cost more).
 *
 * @param source - bytes holding the masked piece
 * @param out - the payload buffer
 * @param at - offset of `source[from]` in the payload
 * @param mask - the 4-byte masking key
 * @param from - where the piece starts in `source` @defaultValue 0
 * @param to - where it ends @defaultValue `source.length`
 * @example
 * ```ts
 * const out = Buffer.alloc(2)
 * unmaskInto(Buffer.from([0x69 ^ 1, 0x6b ^ 2]), out, 0, new Uint8Array([1, 2, 3, 4])) // out = 'ik'
 * ```
 * @internal
 */
export function unmaskInto(source: Uint8Array, out: Uint8Array, at: number, mask: Uint8Array, from = 0, to = source.length): void {
  const n = to - from
  if (n < BYTE_LOOP_MAX) {
    for (let i = 0; i < n; i++) out[at + i] = (source[from + i] as number) ^ (mask[(at + i) & 3] as number)
    return
  }
  if (from !== 0 || to !== source.length) source = source.subarray(from, to)
  // Made on the first large piece (a server that never gets one never compiles it); null without SIMD.
  const simd = simdUnmasker()
  if (simd !== null) return simd(source, out, at, mask)
  unmaskWords(source, out, at, mask)
}

/**
 * The JavaScript path for large pieces, four bytes at a time: what {@link unmaskInto} does where WebAssembly
 * SIMD is missing. Same contract.
 *
 * @param source - the masked bytes
 * @param out - the payload buffer
 * @param at - offset of `source[0]` in the payload
 * @param mask - the 4-byte masking key
 * @example
 * ```ts
 * unmaskWords(masked, payload, 0, key)
 * ```
 * @internal
 */
export function unmaskWords(source: Uint8Array, out: Uint8Array, at: number, mask: Uint8Array): void {
  const n = source.length
  out.set(source, at)
  const end = at + n
  // Bytes up to the first payload offset that is a multiple of 4 and 4-aligned in memory.
  let i = at
  const base = out.byteOffset
  while (i < end && ((i & 3) !== 0 || ((base + i) & 3) !== 0)) {
    out[i] = (out[i] as number) ^ (mask[i & 3] as number)
    i++
    if (i - at > 8) break // the buffer itself is misaligned: the byte loop below does the rest
  }
  if ((i & 3) === 0 && ((base + i) & 3) === 0) {
    const words = (end - i) >>> 2
    if (words > 0) {
      const view = new Uint32Array(out.buffer, base + i, words)
      // The key as one word in the machine's byte order (mask[0] lands on the lowest address).
      const key = new Uint32Array(new Uint8Array([mask[0] as number, mask[1] as number, mask[2] as number, mask[3] as number]).buffer)[0] as number
      for (let w = 0; w < words; w++) view[w] = (view[w] as number) ^ key
      i += words << 2
    }
  }
  for (; i < end; i++) out[i] = (out[i] as number) ^ (mask[i & 3] as number)
}
