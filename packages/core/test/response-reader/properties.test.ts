import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { ResponseReader } from '../../src/http/response-reader.js'
import { expected, methodsOf, pipelineModel, read, serialize, splitAt } from './generators.js'

const offsets = fc.array(fc.nat(), { maxLength: 12 })

/** Edits that break a valid response in the ways a buggy server or a bit flip would. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('\r', '\n', '\r\n', ' ', ':', '0', 'zz', '\x00', 'HTTP/1.1 ', '\r\n\r\n') }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }),
)
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never

function mutate(input: string, edits: Mutation[]): string {
  let s = input
  for (const e of edits) {
    const at = s.length === 0 ? 0 : e.at % s.length
    if (e.kind === 'flip') s = s.slice(0, at) + String.fromCharCode(e.byte) + s.slice(at + 1)
    else if (e.kind === 'insert') s = s.slice(0, at) + e.text + s.slice(at)
    else s = s.slice(0, at) + s.slice(at + e.length)
  }
  return s
}

describe('properties of the response reader', () => {
  test('a serialized valid pipeline reads back as its model, whatever the split', () => {
    fc.assert(
      fc.property(pipelineModel(), offsets, (models, cuts) => {
        const input = models.map(serialize).join('')
        const whole = read([input], methodsOf(models))
        expect(whole.error).toBeNull()
        expect(whole.responses.map(({ raw: _raw, ...rest }) => rest)).toEqual(models.map(expected))
        expect(whole.responses.map(r => r.raw)).toEqual(models.map(serialize))
        expect(read(splitAt(Buffer.from(input, 'latin1'), cuts), methodsOf(models))).toEqual(whole)
      }),
      { numRuns: 300 },
    )
  })

  test('one byte at a time reads the same as one chunk', () => {
    fc.assert(
      fc.property(pipelineModel(), models => {
        const input = Buffer.from(models.map(serialize).join(''), 'latin1')
        const bytes = [...input].map(b => Buffer.from([b]))
        expect(read(bytes, methodsOf(models))).toEqual(read([input], methodsOf(models)))
      }),
      { numRuns: 100 },
    )
  })

  test('mutated responses never throw: they read, or stop with a clean error, the same for any split', () => {
    fc.assert(
      fc.property(pipelineModel(), fc.array(mutation, { minLength: 1, maxLength: 4 }), offsets, (models, edits, cuts) => {
        const input = Buffer.from(mutate(models.map(serialize).join(''), edits), 'latin1')
        const whole = read([input], methodsOf(models))
        if (whole.error !== null) {
          expect(whole.error.offset).toBeGreaterThanOrEqual(0)
          expect(whole.error.offset).toBeLessThanOrEqual(input.length)
        }
        expect(read(splitAt(input, cuts), methodsOf(models))).toEqual(whole)
      }),
      { numRuns: 500 },
    )
  })

  test('random bytes never throw', () => {
    const httpish = fc.string({
      unit: fc.oneof(
        fc.constantFrom('HTTP/1.1 ', '200 ', 'OK', '\r\n', 'Content-Length: ', 'Transfer-Encoding: chunked', ':', ';', '0', '5', 'a', '\r', '\n', ' '),
        fc.integer({ min: 0, max: 255 }).map(b => String.fromCharCode(b)),
      ),
      maxLength: 60,
    })
    fc.assert(
      fc.property(httpish, offsets, (text, cuts) => {
        const input = Buffer.from(text, 'latin1')
        const reader = new ResponseReader()
        for (const part of splitAt(input, cuts)) expect(() => reader.push(part)).not.toThrow()
        expect(() => reader.end()).not.toThrow()
        expect(reader.responses.length === 0 || reader.error === null || reader.error.code.length > 0).toBe(true)
      }),
      { numRuns: 500 },
    )
  })
})
