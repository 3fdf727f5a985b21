import { describe, expect, it } from 'vitest'
import { multipartFromBuffer, planMultipart, randomBoundary } from '../src/multipart.js'

/** Parses a multipart/byteranges body per RFC 9110 §14.6 / RFC 2046. */
function parseByteranges(body: Buffer, boundary: string): Array<{ headers: Record<string, string>; data: Buffer }> {
  const text = body.toString('latin1')
  const parts: Array<{ headers: Record<string, string>; data: Buffer }> = []
  const delimiter = `--${boundary}`
  let pos = text.indexOf(delimiter)
  expect(pos).toBe(0)
  for (;;) {
    pos += delimiter.length
    if (text.startsWith('--', pos)) break
    expect(text.slice(pos, pos + 2)).toBe('\r\n')
    const headEnd = text.indexOf('\r\n\r\n', pos)
    const headers: Record<string, string> = {}
    for (const line of text.slice(pos + 2, headEnd).split('\r\n')) {
      const i = line.indexOf(':')
      headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim()
    }
    const next = text.indexOf(`\r\n${delimiter}`, headEnd + 4)
    parts.push({ headers, data: body.subarray(headEnd + 4, next) })
    pos = next + 2
  }
  return parts
}

describe('multipart/byteranges', () => {
  const content = Buffer.from('0123456789abcdefghij')
  it('lays out parts with Content-Type and Content-Range, exact length', () => {
    const plan = planMultipart([{ start: 0, end: 1 }, { start: 4, end: 5 }], 20, 'text/plain; charset=utf-8', 'BOUNDARY')
    expect(plan.contentType).toBe('multipart/byteranges; boundary=BOUNDARY')
    const body = multipartFromBuffer(plan, content)
    expect(body.length).toBe(plan.length)
    expect(body.toString('latin1')).toBe(
      '--BOUNDARY\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 0-1/20\r\n\r\n01' +
        '\r\n--BOUNDARY\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 4-5/20\r\n\r\n45' +
        '\r\n--BOUNDARY--\r\n',
    )
    const parts = parseByteranges(body, 'BOUNDARY')
    expect(parts.map(p => [p.headers['content-range'], p.data.toString()])).toEqual([
      ['bytes 0-1/20', '01'],
      ['bytes 4-5/20', '45'],
    ])
  })
  it('random boundaries are 24 hex digits and differ', () => {
    const a = randomBoundary()
    expect(a).toMatch(/^[0-9a-f]{24}$/)
    expect(randomBoundary()).not.toBe(a)
    const plan = planMultipart([{ start: 0, end: 0 }, { start: 19, end: 19 }], 20, 'text/plain')
    expect(plan.boundary).toMatch(/^[0-9a-f]{24}$/)
    expect(parseByteranges(multipartFromBuffer(plan, content), plan.boundary).map(p => p.data.toString())).toEqual(['0', 'j'])
  })
})
