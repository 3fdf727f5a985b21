// compress() checks its options when it is called: a wrong one is a TypeError whose message names it.
import { runtimeCodings } from 'tinyhttp-core'
import { describe, expect, it } from 'vitest'
import { compress } from '../src/index.js'
import { resolveCompressOptions } from '../src/options.js'

describe('option validation', () => {
  const bad: Array<[string, unknown, RegExp]> = [
    ['options not an object', 'gzip', /options must be an object/],
    ['unknown option', { level: 6 }, /unknown option "level"/],
    ['codings not an array', { codings: 'gzip' }, /options\.codings must be a non-empty array/],
    ['codings empty', { codings: [] }, /options\.codings must be a non-empty array/],
    ['codings with deflate', { codings: ['gzip', 'deflate'] }, /options\.codings: "deflate" is not one of/],
    ['codings with a number', { codings: [1] }, /options\.codings: 1 is not one of/],
    ['threshold negative', { threshold: -1 }, /options\.threshold must be a non-negative integer/],
    ['threshold fractional', { threshold: 1.5 }, /options\.threshold/],
    ['threshold a string', { threshold: '1kb' }, /options\.threshold/],
    ['threshold NaN', { threshold: NaN }, /options\.threshold/],
    ['levels not an object', { levels: 5 }, /options\.levels must be an object/],
    ['levels an array', { levels: [5] }, /options\.levels must be an object/],
    ['levels unknown coding', { levels: { deflate: 3 } }, /options\.levels\.deflate is not a coding/],
    ['br above 11', { levels: { br: 12 } }, /options\.levels\.br must be an integer from 0 to 11, got 12/],
    ['gzip 0', { levels: { gzip: 0 } }, /options\.levels\.gzip must be an integer from 1 to 9/],
    ['zstd 20', { levels: { zstd: 20 } }, /options\.levels\.zstd must be an integer from 1 to 19/],
    ['gzip fractional', { levels: { gzip: 4.5 } }, /options\.levels\.gzip/],
    ['filter not a function', { filter: true }, /options\.filter must be a function/],
  ]
  it.each(bad)('%s → TypeError naming it', (_name, options, message) => {
    expect(() => compress(options as never)).toThrow(TypeError)
    expect(() => compress(options as never)).toThrow(message)
  })

  it('accepts no options, and every option at a valid value', () => {
    expect(typeof compress()).toBe('function')
    expect(compress().name).toBe('compress')
    expect(() => compress({ codings: ['br', 'gzip', 'zstd'], threshold: 0, levels: { br: 11, gzip: 1, zstd: 19 }, filter: () => true })).not.toThrow()
  })
})

describe('resolved options', () => {
  it('defaults: every runtime coding, 1024 bytes, br 5 / gzip 6 / zstd 3 in memory, br 4 / gzip 6 / zstd 3 for streams', () => {
    const r = resolveCompressOptions(undefined)
    expect(r.codings).toEqual(runtimeCodings())
    expect(r.threshold).toBe(1024)
    expect(r.buffered).toEqual({ br: 5, gzip: 6, zstd: 3 })
    expect(r.streamed).toEqual({ br: 4, gzip: 6, zstd: 3 })
  })

  it('zstd is dropped where Node has no zstd; order follows the runtime list', () => {
    const r = resolveCompressOptions({ codings: ['gzip', 'zstd'] })
    expect(r.codings).toEqual(runtimeCodings().filter(c => c === 'gzip' || c === 'zstd'))
    if (!runtimeCodings().includes('zstd')) expect(resolveCompressOptions({ codings: ['zstd'] }).codings).toEqual([])
  })

  it('levels above the stream caps apply to bodies in memory only; lower levels apply to streams too', () => {
    const high = resolveCompressOptions({ levels: { br: 11, gzip: 9 } })
    expect(high.buffered).toMatchObject({ br: 11, gzip: 9 })
    expect(high.streamed).toMatchObject({ br: 4, gzip: 6 })
    const low = resolveCompressOptions({ levels: { br: 1, gzip: 2 } })
    expect(low.streamed).toMatchObject({ br: 1, gzip: 2 })
  })
})
