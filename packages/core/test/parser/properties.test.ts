import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { expected, mutate, mutation, requestModel, serialize } from './generators.js'
import { bytes, messages, run, splitAt } from './helpers.js'

/** Random split offsets (taken modulo the input length). */
const offsets = fc.array(fc.nat(), { maxLength: 12 })
/** 1-3 pipelined requests. */
const pipeline = fc.array(requestModel(), { minLength: 1, maxLength: 3 })

/** Parses `input` in the chunks given by `cuts` (modulo its length). */
function runSplit(input: string, cuts: number[]): ReturnType<typeof run> {
  const buf = bytes(input)
  return run(splitAt(buf, cuts.map((c) => (buf.length === 0 ? 0 : c % buf.length))))
}

describe('properties of the parser', () => {
  test('(a) any split of valid pipelined requests yields the events of the one-chunk parse', () => {
    fc.assert(
      fc.property(pipeline, offsets, (models, cuts) => {
        const input = models.map(serialize).join('')
        const whole = run([input])
        expect(runSplit(input, cuts)).toEqual(whole)
        expect(run([input], undefined, true)).toEqual(whole)
      }),
      { numRuns: 300 },
    )
  })

  test('(b) a serialized valid request round-trips', () => {
    fc.assert(
      fc.property(pipeline, (models) => {
        const outcome = run([models.map(serialize).join('')])
        expect(outcome.error).toBeNull()
        expect(outcome.eof).toBeNull()
        expect(messages(outcome)).toEqual(models.map(expected))
      }),
      { numRuns: 300 },
    )
  })

  test('(c) mutated requests never make execute throw and parse the same for any split', () => {
    fc.assert(
      fc.property(pipeline, fc.array(mutation, { minLength: 1, maxLength: 4 }), offsets, (models, edits, cuts) => {
        const input = mutate(models.map(serialize).join(''), edits)
        const whole = run([input])
        expect(runSplit(input, cuts)).toEqual(whole)
        expect(run([input], undefined, true)).toEqual(whole)
      }),
      { numRuns: 500 },
    )
  })

  test('(c) random bytes never make execute throw and parse the same for any split', () => {
    const httpish = fc.string({
      unit: fc.oneof(
        fc.constantFrom('GET ', 'POST ', '/', ' HTTP/1.1', '\r\n', 'Host: a', 'Content-Length: ', 'Transfer-Encoding: chunked', ':', ';', '0', '5', 'a', '\r', '\n', ' ', '\t', '"'),
        fc.integer({ min: 0, max: 255 }).map((b) => String.fromCharCode(b)),
      ),
      maxLength: 60,
    })
    fc.assert(
      fc.property(fc.oneof(httpish, fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a).toString('latin1'))), offsets, (input, cuts) => {
        const whole = run([input])
        expect(runSplit(input, cuts)).toEqual(whole)
      }),
      { numRuns: 400 },
    )
  })

  test('(c) small limits: splits agree on limit errors too', () => {
    const limits = fc.record({
      maxRequestLineSize: fc.integer({ min: 0, max: 40 }),
      maxHeaderSize: fc.integer({ min: 0, max: 80 }),
      maxHeaderCount: fc.integer({ min: 0, max: 4 }),
      maxChunkExtensionSize: fc.integer({ min: 0, max: 8 }),
      maxTrailerSize: fc.integer({ min: 0, max: 20 }),
    })
    fc.assert(
      fc.property(pipeline, limits, offsets, (models, lim, cuts) => {
        const input = bytes(models.map(serialize).join(''))
        const whole = run([input], lim)
        expect(run(splitAt(input, cuts.map((c) => c % input.length)), lim)).toEqual(whole)
      }),
      { numRuns: 300 },
    )
  })
})
