/**
 * The 304 fast path (If-None-Match equal to the ETag byte-for-byte) answers exactly what the general
 * precondition evaluation answers: same status line, same field lines in the same order (RFC 9110
 * §15.4.5 set), no body — whether the entry has variants (Vary) or not.
 */
import { gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, makeRoot, start } from './fixture.js'
import { header, send } from './raw-http.js'

afterEach(cleanup)

/** The head without its Date line (the only field that may differ between two answers). */
const withoutDate = (rawHead: string): string => rawHead.replace(/\r\nDate: [^\r]*/, '')

describe('304 fast path', () => {
  it.each([
    ['a file without variants', { precompressed: false }, {}],
    ['a file with a gzip variant (Vary), identity chosen', { precompressed: true }, {}],
    ['a file with a gzip variant (Vary), gzip chosen', { precompressed: true }, { 'Accept-Encoding': 'gzip' }],
  ])('%s: exact If-None-Match and a list that contains the tag give the same bytes', async (_name, options, extra) => {
    const root = makeRoot({ 'app.js': 'console.log("x")\n', 'app.js.gz': gzipSync('console.log("x")\n') })
    const { port } = await start(root, options)
    const full = await send(port, 'GET', '/app.js', extra)
    const etag = header(full, 'etag') as string
    const fast = await send(port, 'GET', '/app.js', { ...extra, 'If-None-Match': etag })
    const general = await send(port, 'GET', '/app.js', { ...extra, 'If-None-Match': `"other", ${etag}` })
    expect(fast.status).toBe(304)
    expect(fast.body.length).toBe(0)
    expect(withoutDate(fast.rawHead)).toBe(withoutDate(general.rawHead))
    // Only validators, freshness and Vary: nothing that describes the content (RFC 9110 §15.4.5).
    const names = [...fast.headers.keys()].sort()
    const expected = ['cache-control', 'date', 'etag', ...(options.precompressed ? ['vary'] : [])].sort()
    expect(names).toEqual(expected)
    // HEAD takes the same path.
    const head = await send(port, 'HEAD', '/app.js', { ...extra, 'If-None-Match': etag })
    expect(withoutDate(head.rawHead)).toBe(withoutDate(fast.rawHead))
  })

  it('an exact weak form of the tag still matches (weak comparison), a changed case does not', async () => {
    const root = makeRoot({ 'a.txt': 'text' })
    const { port } = await start(root)
    const etag = header(await send(port, 'GET', '/a.txt'), 'etag') as string
    expect((await send(port, 'GET', '/a.txt', { 'If-None-Match': `W/${etag}` })).status).toBe(304)
    expect((await send(port, 'GET', '/a.txt', { 'If-None-Match': etag.toUpperCase() === etag ? etag.toLowerCase() : etag.toUpperCase() })).status).toBe(200)
  })
})
