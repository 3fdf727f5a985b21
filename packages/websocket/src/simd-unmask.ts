/**
 * Unmasking with WebAssembly SIMD: 16 bytes per instruction instead of JavaScript's 4 (16 KiB in about
 * 1 µs instead of about 6). `ws` does this with a native addon (bufferutil); this is the same idea with no
 * build step: a 108-byte module, written by hand below, compiled once on first use. Where WebAssembly or
 * its SIMD extension is missing (a runtime built or started without it, a CPU without SSE4.1),
 * {@link simdUnmasker} returns null and the caller keeps its JavaScript loop.
 *
 * The module, in the WebAssembly text format:
 *
 * ```wat
 * (module
 *   (memory (export "memory") 1)                  ;; one 64 KiB page: the scratch area
 *   (func (export "unmask") (param $at i32) (param $len i32) (param $key i32)
 *     (local $k v128) (local $end i32)
 *     (local.set $k (i32x4.splat (local.get $key)))
 *     (local.set $end (i32.add (local.get $at) (local.get $len)))   ;; $len: a multiple of 16
 *     (block (loop
 *       (br_if 1 (i32.ge_u (local.get $at) (local.get $end)))
 *       (v128.store (local.get $at) (v128.xor (v128.load (local.get $at)) (local.get $k)))
 *       (local.set $at (i32.add (local.get $at) (i32.const 16)))
 *       (br 0)))))
 * ```
 */

// prettier-ignore
const BODY = [
  0x02, 0x01, 0x7b, 0x01, 0x7f,                   // locals: one v128 ($k), one i32 ($end)
  0x20, 0x02, 0xfd, 0x11, 0x21, 0x03,             // $k = i32x4.splat($key)
  0x20, 0x00, 0x20, 0x01, 0x6a, 0x21, 0x04,       // $end = $at + $len
  0x02, 0x40, 0x03, 0x40,                         // block, loop
  0x20, 0x00, 0x20, 0x04, 0x4f, 0x0d, 0x01,       //   br_if 1 ($at >= $end)
  0x20, 0x00,                                     //   address for the store
  0x20, 0x00, 0xfd, 0x00, 0x00, 0x00,             //   v128.load $at
  0x20, 0x03, 0xfd, 0x51,                         //   v128.xor $k
  0xfd, 0x0b, 0x00, 0x00,                         //   v128.store
  0x20, 0x00, 0x41, 0x10, 0x6a, 0x21, 0x00,       //   $at += 16
  0x0c, 0x00, 0x0b, 0x0b,                         //   br 0; end loop; end block
  0x0b,                                           // end func
]

// prettier-ignore
const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  0x01, 0x07, 0x01, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x00, // type section: (i32 i32 i32) -> ()
  0x03, 0x02, 0x01, 0x00,                         // function section: one function of type 0
  0x05, 0x03, 0x01, 0x00, 0x01,                   // memory section: one memory, at least 1 page
  0x07, 0x13, 0x02,                               // export section: two exports
  0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, //   "memory": memory 0
  0x06, 0x75, 0x6e, 0x6d, 0x61, 0x73, 0x6b, 0x00, 0x00, //   "unmask": function 0
  0x0a, BODY.length + 2, 0x01, BODY.length, ...BODY, // code section: one body
])

/** The scratch area: one WebAssembly page. Larger inputs go through it in pieces. */
const SCRATCH = 65_536

/**
 * Copies masked bytes into `out` and unmasks them there; the same contract as `unmaskInto`.
 *
 * @param source - the masked bytes
 * @param out - the payload buffer
 * @param at - offset of `source[0]` in the payload
 * @param mask - the 4-byte masking key
 */
export type Unmasker = (source: Uint8Array, out: Uint8Array, at: number, mask: Uint8Array) => void

/** The part of the WebAssembly API used here (the project's type libraries do not declare it). */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object) => { exports: { memory: { buffer: ArrayBuffer }; unmask: (at: number, length: number, key: number) => void } }
}

let made = false
let unmasker: Unmasker | null = null

/**
 * The SIMD unmasker, compiled on first call (one module per process, 64 KiB of memory), or null where
 * WebAssembly SIMD is not available.
 *
 * @returns the unmasker, or null
 * @example
 * ```ts
 * const unmask = simdUnmasker()
 * if (unmask !== null) unmask(masked, payload, 0, key)
 * ```
 * @internal
 */
export function simdUnmasker(): Unmasker | null {
  if (made) return unmasker
  made = true
  try {
    const wasm = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly
    if (wasm === undefined || !wasm.validate(MODULE)) return null
    const { exports } = new wasm.Instance(new wasm.Module(MODULE))
    // The memory never grows, so this view stays valid.
    const memory = new Uint8Array(exports.memory.buffer)
    const xor = exports.unmask
    unmasker = (source, out, at, mask) => {
      const n = source.length
      // The key as the little-endian word whose first byte masks payload offset `at`.
      const r = at & 3
      const key = (mask[r] as number) | ((mask[(r + 1) & 3] as number) << 8) | ((mask[(r + 2) & 3] as number) << 16) | ((mask[(r + 3) & 3] as number) << 24)
      let done = 0
      while (done < n) {
        // Pieces of a full page are multiples of 16 bytes, so the key's phase carries over to the next one;
        // the last piece is XORed up to the next multiple of 16, past its end, within the page.
        const piece = Math.min(SCRATCH, n - done)
        memory.set(piece === n ? source : source.subarray(done, done + piece), 0)
        xor(0, (piece + 15) & ~15, key)
        out.set(memory.subarray(0, piece), at + done)
        done += piece
      }
    }
  } catch {
    unmasker = null
  }
  return unmasker
}
