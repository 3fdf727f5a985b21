import { describe, expect, test } from 'vitest'
import { PARSE_ERROR_STATUS, type ParseErrorCode } from '../../src/http/parse-error.js'
import { RequestParser } from '../../src/http/parser.js'
import { DEFAULT_PARSER_LIMITS, type ParserLimits } from '../../src/http/parser-limits.js'
import { bytes, parseError, parseOk, request } from './helpers.js'

/**
 * Feeds `input` one byte at a time and returns the index of the byte whose
 * execute call set the error (and the error), or null.
 */
function failingByte(input: string, limits: Partial<ParserLimits>): { at: number; error: ParseErrorCode } | null {
  const parser = new RequestParser({ onHead() {}, onBody() {}, onComplete() {} }, limits)
  const buf = bytes(input)
  for (let i = 0; i < buf.length; i++) {
    parser.execute(buf.subarray(i, i + 1))
    if (parser.error !== null) return { at: i, error: parser.error }
  }
  return null
}

/** A request-line of 16 bytes. */
const LINE = 'GET / HTTP/1.1\r\n'
const HOST = 'Host: h\r\n' // 9 bytes

describe('defaults and statuses', () => {
  test('DEFAULT_PARSER_LIMITS', () => {
    expect(DEFAULT_PARSER_LIMITS).toEqual({
      maxRequestLineSize: 8192,
      maxHeaderSize: 16384,
      maxHeaderCount: 100,
      maxChunkExtensionSize: 1024,
      maxTrailerSize: 16384,
    })
    expect(Object.isFrozen(DEFAULT_PARSER_LIMITS)).toBe(true)
  })

  const statuses: [ParseErrorCode, number][] = [
    ['INVALID_METHOD', 400], ['INVALID_TARGET', 400], ['INVALID_VERSION', 400], ['UNSUPPORTED_VERSION', 505],
    ['INVALID_REQUEST_LINE', 400], ['REQUEST_LINE_TOO_LONG', 414], ['INVALID_HEADER_TOKEN', 400],
    ['INVALID_HEADER_VALUE', 400], ['OBS_FOLD', 400], ['INVALID_LINE_ENDING', 400], ['MISSING_HOST', 400],
    ['DUPLICATE_HOST', 400], ['INVALID_HOST', 400], ['INVALID_CONTENT_LENGTH', 400], ['CL_TE_CONFLICT', 400],
    ['INVALID_TRANSFER_ENCODING', 400], ['UNSUPPORTED_TRANSFER_ENCODING', 501], ['INVALID_CHUNK_SIZE', 400],
    ['INVALID_CHUNK_EXTENSION', 400], ['CHUNK_EXTENSION_TOO_LARGE', 400], ['INVALID_CHUNK_DATA_END', 400],
    ['INVALID_TRAILER', 400], ['HEADERS_TOO_LARGE', 431], ['TOO_MANY_HEADERS', 431], ['TRAILERS_TOO_LARGE', 431],
    ['INCOMPLETE_MESSAGE', 400],
  ]
  test('PARSE_ERROR_STATUS covers every code', () => {
    expect(Object.keys(PARSE_ERROR_STATUS).sort()).toEqual(statuses.map(([c]) => c).sort())
  })
  test.each(statuses)('%s -> %i', (code, status) => {
    expect(PARSE_ERROR_STATUS[code]).toBe(status)
  })
})

describe('maxRequestLineSize (request-line incl. CRLF and empty lines before it)', () => {
  const line = `GET /${'a'.repeat(100)} HTTP/1.1\r\n` // 116 bytes
  const raw = `${line}${HOST}\r\n`
  test('exactly at the limit is accepted', () => {
    expect(parseOk(raw, { maxRequestLineSize: line.length }).head.path).toBe(`/${'a'.repeat(100)}`)
  })
  test('one byte over fails with REQUEST_LINE_TOO_LONG', () => {
    expect(parseError(raw, { maxRequestLineSize: line.length - 1 })).toBe('REQUEST_LINE_TOO_LONG')
  })
  test('empty lines before the request-line count', () => {
    expect(parseOk(`\r\n${raw}`, { maxRequestLineSize: line.length + 2 }).head.method).toBe('GET')
    expect(parseError(`\r\n${raw}`, { maxRequestLineSize: line.length + 1 })).toBe('REQUEST_LINE_TOO_LONG')
  })
  test('endless empty lines are bounded', () => {
    expect(parseError('\r\n'.repeat(5000))).toBe('REQUEST_LINE_TOO_LONG')
  })
  test('fails as soon as the limit is passed, before any CRLF', () => {
    const endless = `GET /${'a'.repeat(20_000)}`
    expect(failingByte(endless, { maxRequestLineSize: 64 })).toEqual({ at: 64, error: 'REQUEST_LINE_TOO_LONG' })
    // In one chunk too.
    const parser = new RequestParser({ onHead() {}, onBody() {}, onComplete() {} })
    parser.execute(bytes(`GET /${'a'.repeat(8200)}`))
    expect(parser.error).toBe('REQUEST_LINE_TOO_LONG')
  })
  test('the limit applies to a fresh budget for each pipelined request', () => {
    const one = request(['GET /x HTTP/1.1', 'Host: h'])
    expect(parseError(one.repeat(5), { maxRequestLineSize: 17 })).toBeNull()
  })
  test('default: 8192 bytes', () => {
    const target = (n: number): string => `/${'a'.repeat(n - 'GET  HTTP/1.1\r\n'.length - 1)}`
    expect(parseError(request([`GET ${target(8192)} HTTP/1.1`, 'Host: h']))).toBeNull()
    expect(parseError(request([`GET ${target(8193)} HTTP/1.1`, 'Host: h']))).toBe('REQUEST_LINE_TOO_LONG')
  })
})

describe('maxHeaderSize (field lines incl. their CRLF; the final empty line is not counted)', () => {
  const fields = `${HOST}X: ${'v'.repeat(200)}\r\n` // 9 + 205 bytes
  const raw = `${LINE}${fields}\r\n`
  test('exactly at the limit is accepted', () => {
    expect(parseError(raw, { maxHeaderSize: fields.length })).toBeNull()
  })
  test('one byte over fails with HEADERS_TOO_LARGE', () => {
    expect(parseError(raw, { maxHeaderSize: fields.length - 1 })).toBe('HEADERS_TOO_LARGE')
  })
  test('a zero limit allows an empty header section only', () => {
    expect(parseError(request(['GET / HTTP/1.0']), { maxHeaderSize: 0 })).toBeNull()
    expect(parseError(request(['GET / HTTP/1.1', 'Host: h']), { maxHeaderSize: 0 })).toBe('HEADERS_TOO_LARGE')
  })
  test('fails as soon as the limit is passed, inside an endless value', () => {
    const endless = `${LINE}${HOST}X: ${'v'.repeat(20_000)}`
    expect(failingByte(endless, { maxHeaderSize: 100 })).toEqual({ at: LINE.length + 100, error: 'HEADERS_TOO_LARGE' })
  })
  test('fails as soon as the limit is passed, inside an endless name', () => {
    const endless = `${LINE}${'N'.repeat(20_000)}`
    expect(failingByte(endless, { maxHeaderSize: 50 })).toEqual({ at: LINE.length + 50, error: 'HEADERS_TOO_LARGE' })
  })
  test('default: 16384 bytes', () => {
    const big = (n: number): string => `${LINE}${HOST}X: ${'v'.repeat(n - HOST.length - 5)}\r\n\r\n`
    expect(parseError(big(16384))).toBeNull()
    expect(parseError(big(16385))).toBe('HEADERS_TOO_LARGE')
  })
})

describe('maxHeaderCount', () => {
  const withFields = (n: number): string =>
    request(['GET / HTTP/1.1', 'Host: h', ...Array.from({ length: n - 1 }, (_, i) => `X-${i}: ${i}`)])
  test('exactly at the limit is accepted', () => {
    expect(parseOk(withFields(10), { maxHeaderCount: 10 }).head.rawHeaders).toHaveLength(20)
  })
  test('one more fails with TOO_MANY_HEADERS', () => {
    expect(parseError(withFields(11), { maxHeaderCount: 10 })).toBe('TOO_MANY_HEADERS')
  })
  test('default: 100 fields', () => {
    expect(parseError(withFields(100))).toBeNull()
    expect(parseError(withFields(101))).toBe('TOO_MANY_HEADERS')
  })
})

const chunkedHead = `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n`

describe('maxChunkExtensionSize (bytes after the chunk-size digits, before CRLF)', () => {
  const ext = `;name="${'x'.repeat(50)}"` // 58 bytes
  const raw = `${chunkedHead}5${ext}\r\nhello\r\n0\r\n\r\n`
  test('exactly at the limit is accepted', () => {
    expect(parseOk(raw, { maxChunkExtensionSize: ext.length }).body).toBe('hello')
  })
  test('one byte over fails with CHUNK_EXTENSION_TOO_LARGE', () => {
    expect(parseError(raw, { maxChunkExtensionSize: ext.length - 1 })).toBe('CHUNK_EXTENSION_TOO_LARGE')
  })
  test('zero allows chunks without extensions only', () => {
    expect(parseOk(`${chunkedHead}5\r\nhello\r\n0\r\n\r\n`, { maxChunkExtensionSize: 0 }).body).toBe('hello')
    expect(parseError(`${chunkedHead}5;a\r\nhello\r\n0\r\n\r\n`, { maxChunkExtensionSize: 0 })).toBe('CHUNK_EXTENSION_TOO_LARGE')
  })
  test('the limit applies per chunk-size line', () => {
    const many = `${chunkedHead}${`1${ext}\r\na\r\n`.repeat(30)}0${ext}\r\n\r\n`
    expect(parseOk(many, { maxChunkExtensionSize: ext.length }).body).toBe('a'.repeat(30))
  })
  test('fails as soon as the limit is passed, inside an endless extension', () => {
    const endless = `${chunkedHead}5;a="${'x'.repeat(5000)}`
    expect(failingByte(endless, { maxChunkExtensionSize: 100 })).toEqual({
      at: chunkedHead.length + 1 + 100,
      error: 'CHUNK_EXTENSION_TOO_LARGE',
    })
  })
  test('default: 1024 bytes', () => {
    const withExt = (n: number): string => `${chunkedHead}5;${'e'.repeat(n - 1)}\r\nhello\r\n0\r\n\r\n`
    expect(parseError(withExt(1024))).toBeNull()
    expect(parseError(withExt(1025))).toBe('CHUNK_EXTENSION_TOO_LARGE')
  })
})

describe('maxTrailerSize (trailer field lines incl. CRLF; the final empty line is not counted)', () => {
  const trailers = `T1: ${'t'.repeat(100)}\r\nT2: x\r\n` // 106 + 7 bytes
  const raw = `${chunkedHead}0\r\n${trailers}\r\n`
  test('exactly at the limit is accepted', () => {
    expect(parseOk(raw, { maxTrailerSize: trailers.length }).trailers).toEqual(['T1', 't'.repeat(100), 'T2', 'x'])
  })
  test('one byte over fails with TRAILERS_TOO_LARGE', () => {
    expect(parseError(raw, { maxTrailerSize: trailers.length - 1 })).toBe('TRAILERS_TOO_LARGE')
  })
  test('zero allows messages without trailer fields only', () => {
    expect(parseOk(`${chunkedHead}0\r\n\r\n`, { maxTrailerSize: 0 }).trailers).toBeNull()
    expect(parseError(raw, { maxTrailerSize: 0 })).toBe('TRAILERS_TOO_LARGE')
  })
  test('fails as soon as the limit is passed, inside an endless trailer', () => {
    const endless = `${chunkedHead}0\r\nT: ${'t'.repeat(5000)}`
    expect(failingByte(endless, { maxTrailerSize: 64 })).toEqual({ at: chunkedHead.length + 3 + 64, error: 'TRAILERS_TOO_LARGE' })
  })
  test('the trailer count is bounded by maxHeaderCount', () => {
    const fields = (n: number): string => Array.from({ length: n }, (_, i) => `T${i}: ${i}\r\n`).join('')
    expect(parseError(`${chunkedHead}0\r\n${fields(3)}\r\n`, { maxHeaderCount: 3 })).toBeNull()
    expect(parseError(`${chunkedHead}0\r\n${fields(4)}\r\n`, { maxHeaderCount: 3 })).toBe('TOO_MANY_HEADERS')
  })
  test('the trailer budget is separate from the header budget', () => {
    expect(parseError(`${chunkedHead}0\r\n${trailers}\r\n`, { maxHeaderSize: 40, maxTrailerSize: 200 })).toBeNull()
  })
})
