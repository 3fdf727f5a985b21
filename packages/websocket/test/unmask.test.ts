import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { simdUnmasker, type Unmasker } from '../src/simd-unmask.js'
import { unmaskInto, unmaskWords } from '../src/unmask.js'

/** The definition (RFC 6455 §5.3), byte by byte. */
function reference(source: Uint8Array, at: number, mask: Uint8Array): number[] {
  return [...source].map((b, i) => b ^ (mask[(at + i) & 3] as number))
}

/** Every way of unmasking equals the definition, for any length, offset, key and buffer alignment. */
function equalsDefinition(unmask: Unmasker, maxLength: number, numRuns: number): void {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength }), fc.nat(40), fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.nat(7), (source, at, mask, misalign) => {
      const backing = Buffer.alloc(at + source.length + misalign + 8)
      const out = backing.subarray(misalign, misalign + at + source.length)
      unmask(source, out, at, mask)
      expect(Buffer.from(out.subarray(at)).equals(Buffer.from(reference(source, at, mask)))).toBe(true)
      expect([...out.subarray(0, at)]).toEqual(new Array(at).fill(0)) // nothing before `at` touched
      expect([...backing.subarray(misalign + at + source.length)]).toEqual(new Array(8).fill(0)) // nor after the piece
    }),
    { numRuns },
  )
}

describe('unmaskInto', () => {
  it('equals the byte-by-byte definition for any length, offset, key and buffer alignment', () => {
    equalsDefinition(unmaskInto, 600, 500)
  })

  it('reads the piece between `from` and `to` of a larger buffer, small and large', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(9), fc.nat(9), fc.nat(5), fc.uint8Array({ minLength: 4, maxLength: 4 }), (piece, before, after, at, mask) => {
        const source = Buffer.concat([Buffer.alloc(before, 0xee), piece, Buffer.alloc(after, 0xee)])
        const out = Buffer.alloc(at + piece.length)
        unmaskInto(source, out, at, mask, before, before + piece.length)
        expect(out.subarray(at).equals(Buffer.from(reference(piece, at, mask)))).toBe(true)
      }),
      { numRuns: 300 },
    )
  })

  it('the JavaScript word loop (used where WebAssembly SIMD is missing) equals the definition', () => {
    equalsDefinition(unmaskWords, 600, 300)
  })
})

// Node 20 on x86-64 and arm64 has WebAssembly SIMD; where a runtime lacks it, unmaskInto uses unmaskWords (tested above).
describe.skipIf(simdUnmasker() === null)('WebAssembly SIMD unmasking', () => {
  const simd = simdUnmasker() as Unmasker

  it('equals the definition for pieces of any length and offset', () => {
    equalsDefinition(simd, 600, 500)
  })

  it('equals the definition across the 64 KiB scratch area (pieces larger than one WebAssembly page)', () => {
    for (const length of [65_535, 65_536, 65_537, 65_536 * 3 + 21]) {
      for (const at of [0, 1, 3]) {
        const source = Buffer.alloc(length)
        for (let i = 0; i < length; i++) source[i] = (i * 131 + 7) & 0xff
        const mask = new Uint8Array([0x12, 0x34, 0xab, 0xcd])
        const out = Buffer.alloc(at + length)
        simd(source, out, at, mask)
        expect(out.subarray(at).equals(Buffer.from(reference(source, at, mask)))).toBe(true)
      }
    }
  })
})
