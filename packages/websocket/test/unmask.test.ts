import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { unmaskInto } from '../src/unmask.js'

/** The definition (RFC 6455 §5.3), byte by byte. */
function reference(source: Uint8Array, at: number, mask: Uint8Array): number[] {
  return [...source].map((b, i) => b ^ (mask[(at + i) & 3] as number))
}

describe('unmaskInto', () => {
  it('equals the byte-by-byte definition for any length, offset, key and buffer alignment', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(40), fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.nat(7), (source, at, mask, misalign) => {
        const backing = Buffer.alloc(at + source.length + misalign + 8)
        const out = backing.subarray(misalign, misalign + at + source.length)
        unmaskInto(source, out, at, mask)
        expect([...out.subarray(at)]).toEqual(reference(source, at, mask))
        expect([...out.subarray(0, at)]).toEqual(new Array(at).fill(0)) // nothing before `at` touched
      }),
      { numRuns: 500 },
    )
  })
})
