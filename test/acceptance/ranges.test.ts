// Range requests (RFC 9110 §14) — vectors RG1–RG15 of the research file — on the 20-byte file.txt,
// including multipart/byteranges parsing, 416 and If-Range.
import { describe, expect, test } from 'vitest'
import { FILE_TXT, FIXTURE_LM, INDEX_HTML, SUB_INDEX_HTML, cliBuilt, expectAlive, h, headOnly, parseByteranges, req, request, send, serveForSuite, show, topic, type RawResponse } from './fixture.js'

const LEN = FILE_TXT.length

/** The bytes a response delivered, as [start, end] → data, after checking every part against the file. */
function partsOf(res: RawResponse, file: Buffer): Array<{ start: number; end: number; data: Buffer }> {
  const type = h(res, 'content-type') ?? ''
  if (/^multipart\/byteranges/i.test(type)) {
    expect(res.headers.has('content-range'), 'a multipart 206 has no top-level Content-Range').toBe(false)
    const m = /boundary=("?)([^";]+)\1/i.exec(type)
    expect(m, `boundary in ${type}`).not.toBeNull()
    const parts = parseByteranges(res.body, m![2]!)
    return parts.map(p => {
      const cr = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(p.headers['content-range']!)!
      expect(Number(cr[3])).toBe(file.length)
      expect(p.headers['content-type'], 'each part carries the Content-Type').toBe('text/plain; charset=utf-8')
      const start = Number(cr[1])
      const end = Number(cr[2])
      expect(p.data.equals(file.subarray(start, end + 1)), `part ${start}-${end} bytes`).toBe(true)
      return { start, end, data: p.data }
    })
  }
  const cr = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(h(res, 'content-range') ?? '')
  expect(cr, `single-part 206 needs Content-Range\n${show(res)}`).not.toBeNull()
  const start = Number(cr![1])
  const end = Number(cr![2])
  expect(Number(cr![3])).toBe(file.length)
  expect(res.body.equals(file.subarray(start, end + 1)), `bytes ${start}-${end}`).toBe(true)
  return [{ start, end, data: res.body }]
}

/** Set of byte offsets covered by ranges. */
function coverage(ranges: Array<[number, number]>): string {
  const set = new Set<number>()
  for (const [a, b] of ranges) for (let i = a; i <= b; i++) set.add(i)
  return [...set].sort((x, y) => x - y).join(',')
}

describe.skipIf(!cliBuilt())(topic('ranges'), () => {
  const suite = serveForSuite()

  const SINGLE: Array<[id: string, range: string, start: number, end: number]> = [
    ['RG1', 'bytes=0-0', 0, 0],
    ['RG2', 'bytes=-5', 15, 19],
    ['RG3', 'bytes=15-', 15, 19],
    ['RG3', 'bytes=15-999', 15, 19],
    ['mid', 'bytes=5-9', 5, 9],
    ['last byte', 'bytes=19-19', 19, 19],
    ['last byte (open)', 'bytes=19-', 19, 19],
    ['suffix 1', 'bytes=-1', 19, 19],
    ['unit is case-insensitive (§14.1)', 'Bytes=0-1', 0, 1],
    ['end = length (clamped)', 'bytes=10-20', 10, 19],
  ]
  test.each(SINGLE)('%s Range: %s → 206 bytes %i-%i', async (_id, range, start, end) => {
    const res = await request(suite.s.port, 'GET', '/file.txt', { Range: range })
    expect(res.status, show(res)).toBe(206)
    expect(h(res, 'content-range')).toBe(`bytes ${start}-${end}/${LEN}`)
    expect(h(res, 'content-length')).toBe(String(end - start + 1))
    expect(res.body.equals(FILE_TXT.subarray(start, end + 1))).toBe(true)
    expect(h(res, 'content-type')).toBe('text/plain; charset=utf-8')
    expect(h(res, 'etag')).toBe(suite.etag)
    expect(h(res, 'last-modified')).toBe(FIXTURE_LM)
    expect(h(res, 'access-control-allow-origin')).toBe('*')
    expect(h(res, 'x-content-type-options')).toBe('nosniff')
    expect(h(res, 'accept-ranges')).toBe('bytes')
    expect(h(res, 'cache-control')).toBe('no-cache')
    expect(res.headers.has('transfer-encoding')).toBe(false)
  })

  test.each(['bytes=0-19', 'bytes=0-', 'bytes=-20', 'bytes=-100', 'bytes=0-99999999999999999999999'])('RG7/whole-file Range: %s → 206 0-19/20 or 200 with the full body', async range => {
    const res = await request(suite.s.port, 'GET', '/file.txt', { Range: range })
    expect([200, 206], show(res)).toContain(res.status)
    expect(res.body.equals(FILE_TXT)).toBe(true)
    if (res.status === 206) expect(h(res, 'content-range')).toBe(`bytes 0-19/${LEN}`)
    await expectAlive(suite.s.port, range)
  })

  const IGNORED: Array<[id: string, range: string]> = [
    ['RG4 last < first', 'bytes=5-2'],
    ['RG4 1-0', 'bytes=1-0'],
    ['RG9', 'bytes=0-1x'],
    ['RG9', 'bytes=a-b'],
    ['RG9', 'bytes=0--1'],
    ['RG9', 'bytes=--1'],
    ['RG9', 'bytes=1'],
    ['RG9', 'bytes=-'],
    ['RG9 empty set', 'bytes='],
    ['RG9 only commas', 'bytes=,,'],
    ['RG9 +1', 'bytes=+1-2'],
    ['RG9 0x', 'bytes=0x0-0x1'],
    ['RG9 decimal', 'bytes=1.5-2'],
    ['RG10 unknown unit', 'items=0-1'],
    ['no unit', '0-1'],
    ['RG9 valid then invalid spec', 'bytes=0-1,5-2'],
  ]
  test.each(IGNORED)('%s Range: %s → 200 full body (invalid Range is ignored), server stays up', async (_id, range) => {
    const res = await request(suite.s.port, 'GET', '/file.txt', { Range: range })
    expect(res.status, show(res)).toBe(200)
    expect(res.body.equals(FILE_TXT)).toBe(true)
    expect(res.headers.has('content-range')).toBe(false)
    await expectAlive(suite.s.port, range)
  })

  test('RG9 Range: "bytes= 0-1" (leading OWS) → 200 full or 206 0-1, never wrong bytes', async () => {
    const res = await request(suite.s.port, 'GET', '/file.txt', { Range: 'bytes= 0-1' })
    expect([200, 206], show(res)).toContain(res.status)
    if (res.status === 200) expect(res.body.equals(FILE_TXT)).toBe(true)
    else partsOf(res, FILE_TXT)
  })

  const UNSAT: Array<[id: string, range: string]> = [
    ['RG5', 'bytes=20-'],
    ['RG5', 'bytes=100-'],
    ['RG5', 'bytes=20-25'],
    ['RG6 suffix-length 0', 'bytes=-0'],
    ['RG5 all unsatisfiable (multi)', 'bytes=20-21,30-'],
  ]
  test.each(UNSAT)('%s Range: %s → 416, Content-Range: bytes */20, no file bytes', async (_id, range) => {
    const res = await request(suite.s.port, 'GET', '/file.txt', { Range: range })
    expect(res.status, show(res)).toBe(416)
    expect(h(res, 'content-range')).toBe(`bytes */${LEN}`)
    expect(res.body.includes(FILE_TXT.subarray(0, 5)), '416 body carries file bytes').toBe(false)
    expect(h(res, 'content-length') ?? '0').toBe(String(res.body.length))
    expect(h(res, 'access-control-allow-origin')).toBe('*')
    await expectAlive(suite.s.port, range)
  })

  test('RG8 Range: bytes=99999999999999999999- → 416 or 200, no crash', async () => {
    const res = await request(suite.s.port, 'GET', '/file.txt', { Range: 'bytes=99999999999999999999-' })
    expect([200, 416], show(res)).toContain(res.status)
    if (res.status === 200) expect(res.body.equals(FILE_TXT)).toBe(true)
    await expectAlive(suite.s.port, 'RG8')
  })

  const MULTI: Array<[range: string, wanted: Array<[number, number]>]> = [
    ['bytes=0-1,4-5', [[0, 1], [4, 5]]],
    ['bytes=0-1, 4-5', [[0, 1], [4, 5]]],
    ['bytes=-2,0-0', [[18, 19], [0, 0]]],
    ['bytes=0-1,10-12,18-', [[0, 1], [10, 12], [18, 19]]],
    ['bytes=0-1,100-200', [[0, 1]]],
    ['bytes=0-5,3-8', [[0, 8]]],
  ]
  test.each(MULTI)('RG11 Range: %s → 206 (multipart or the satisfiable/coalesced parts) with the exact bytes, or 200', async (range, wanted) => {
    const res = await request(suite.s.port, 'GET', '/file.txt', { Range: range })
    expect([200, 206], show(res)).toContain(res.status)
    expect(h(res, 'content-length'), 'Content-Length is the exact body length').toBe(String(res.body.length))
    if (res.status === 200) {
      expect(res.body.equals(FILE_TXT)).toBe(true)
      return
    }
    const parts = partsOf(res, FILE_TXT)
    expect(coverage(parts.map(p => [p.start, p.end])), `the parts must cover exactly the requested satisfiable bytes (no range silently dropped)\n${show(res)}`).toBe(coverage(wanted))
    if (wanted.length > 1 && !/multipart/.test(h(res, 'content-type') ?? '')) {
      throw new Error(`a single non-multipart 206 for disjoint ranges ${range}\n${show(res)}`)
    }
  })

  test('RG11 Range: bytes=0-1,4-5 yields a well-formed multipart/byteranges when 206', async () => {
    const res = await request(suite.s.port, 'GET', '/file.txt', { Range: 'bytes=0-1,4-5' })
    if (res.status !== 206) return
    expect(h(res, 'content-type') ?? '').toMatch(/^multipart\/byteranges; ?boundary=/i)
    const parts = partsOf(res, FILE_TXT)
    expect(parts.map(p => p.data.toString())).toEqual(['01', '45'])
    expect(h(res, 'etag')).toBe(suite.etag)
  })

  test('RG12 1,000 × "0-19" in one Range header → no amplification, server stays up', async () => {
    const range = 'bytes=' + Array.from({ length: 1000 }, () => '0-19').join(',')
    const res = await request(suite.s.port, 'GET', '/file.txt', { Range: range })
    expect([200, 206, 416], show(res)).toContain(res.status)
    expect(res.body.length, 'response amplified').toBeLessThan(4096)
    if (res.status === 200) expect(res.body.equals(FILE_TXT)).toBe(true)
    await expectAlive(suite.s.port, 'RG12')
  })

  test('Range DoS on big.bin: 64 × "0-" → not 64 × 5 MiB', async () => {
    const range = 'bytes=' + Array.from({ length: 64 }, () => '0-').join(',')
    const head = await headOnly(suite.s.port, req('GET', '/big.bin', { Range: range }))
    expect([200, 206, 416], head.rawHead).toContain(head.status)
    const length = Number(head.headers.get('content-length')?.[0] ?? 'NaN')
    expect(length, head.rawHead).toBeLessThanOrEqual(5 * 1024 * 1024 + 65536)
    await expectAlive(suite.s.port, 'range DoS')
  })

  test('17 disjoint ranges (above the 16-range cap) → 200 full or 416, never 17 parts', async () => {
    const range = 'bytes=' + Array.from({ length: 17 }, (_, i) => `${i}-${i}`).join(',')
    const res = await request(suite.s.port, 'GET', '/file.txt', { Range: range })
    if (res.status === 206) {
      const parts = partsOf(res, FILE_TXT)
      expect(parts.length, 'more parts than the cap').toBeLessThanOrEqual(16)
    } else {
      expect([200, 416], show(res)).toContain(res.status)
    }
  })

  test.each(['bytes=0-', 'bytes=-5', 'bytes=0-0'])('RG13 empty.txt Range: %s → 416 bytes */0 or 200 empty, no crash', async range => {
    const res = await request(suite.s.port, 'GET', '/empty.txt', { Range: range })
    expect([200, 416], show(res)).toContain(res.status)
    if (res.status === 416) expect(h(res, 'content-range')).toBe('bytes */0')
    if (res.status === 200) expect(res.body.length).toBe(0)
    await expectAlive(suite.s.port, `empty ${range}`)
  })

  test.each(['bytes=0-1', 'bytes=100-', 'bytes=0-1,4-5'])('RG14 HEAD + Range: %s → 200 with the full Content-Length (Range is GET-only, §14.2)', async range => {
    const res = await request(suite.s.port, 'HEAD', '/file.txt', { Range: range })
    expect(res.status, show(res)).toBe(200)
    expect(h(res, 'content-length')).toBe(String(LEN))
    expect(res.headers.has('content-range')).toBe(false)
  })

  test.each([
    ['/secret.txt', 'bytes=0-1'],
    ['/secret.txt', 'bytes=100-'],
    ['/missing.txt', 'bytes=0-1'],
    ['/missing.txt', 'bytes=100-'],
  ])('RG15 GET %s Range: %s → 403 without Content-Range (no size leak)', async (target, range) => {
    const res = await request(suite.s.port, 'GET', target, { Range: range })
    expect(res.status, show(res)).toBe(403)
    expect(res.headers.has('content-range')).toBe(false)
    expect(res.body.length).toBe(0)
  })

  const IF_RANGE: Array<[id: string, ifRange: string, range: string, status: number]> = [
    ['strong ETag matches', 'ETAG', 'bytes=0-1', 206],
    ['strong ETag matches, multi-range', 'ETAG', 'bytes=0-1,4-5', 206],
    ['Last-Modified date matches exactly', FIXTURE_LM, 'bytes=5-9', 206],
    ['weak form of the ETag', 'WEAK', 'bytes=0-1', 200],
    ['stale ETag', '"stale"', 'bytes=0-1', 200],
    ['stale date', 'Thu, 01 Jan 1970 00:00:00 GMT', 'bytes=0-1', 200],
    ['garbage', 'garbage', 'bytes=0-1', 200],
    ['stale ETag + unsatisfiable range → 200 (If-Range false: Range ignored)', '"stale"', 'bytes=100-', 200],
    ['matching ETag + unsatisfiable range → 416', 'ETAG', 'bytes=100-', 416],
  ]
  test.each(IF_RANGE)('If-Range %s (Range %s) → %i', async (_id, ifRange, range, status) => {
    const value = ifRange.replace('WEAK', `W/${suite.etag}`).replace('ETAG', suite.etag)
    const res = await request(suite.s.port, 'GET', '/file.txt', { Range: range, 'If-Range': value })
    if (range.includes(',') && status === 206) {
      // A multi-range may legitimately be answered 200.
      expect([200, 206], show(res)).toContain(res.status)
    } else {
      expect(res.status, show(res)).toBe(status)
    }
    if (res.status === 200) expect(res.body.equals(FILE_TXT)).toBe(true)
    if (res.status === 206) partsOf(res, FILE_TXT)
  })

  test('header name and OWS: "rAnGe:   bytes=0-1   " → 206 0-1', async () => {
    const res = await send(suite.s.port, 'GET /file.txt HTTP/1.1\r\nHost: localhost\r\nrAnGe:   bytes=0-1   \r\n\r\n')
    expect(res.status, show(res)).toBe(206)
    expect(res.body.toString()).toBe('01')
  })

  test.each([
    ['/', 'bytes=0-4', INDEX_HTML],
    ['/sub/', 'bytes=-3', SUB_INDEX_HTML],
  ] as Array<[string, string, Buffer]>)('Range on the index %s (%s) → 206 with the index bytes', async (target, range, file) => {
    const res = await request(suite.s.port, 'GET', target, { Range: range })
    expect(res.status, show(res)).toBe(206)
    partsOf(res, file)
  })

  test('If-Range without Range is ignored → 200', async () => {
    const res = await request(suite.s.port, 'GET', '/file.txt', { 'If-Range': suite.etag })
    expect(res.status).toBe(200)
    expect(res.body.equals(FILE_TXT)).toBe(true)
  })
})
