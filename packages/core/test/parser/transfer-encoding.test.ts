import { describe, expect, test } from 'vitest'
import type { ParseErrorCode } from '../../src/http/parse-error.js'
import { parseError, parseOk, request } from './helpers.js'

const BODY = '5\r\nhello\r\n0\r\n\r\n'
const post = (fields: string[], body = BODY, line = 'POST / HTTP/1.1'): string =>
  request([line, 'Host: h', ...fields], body)

describe('Transfer-Encoding (RFC 9112 §6.1): accepted', () => {
  const cases: [string, string][] = [
    ['chunked', post(['Transfer-Encoding: chunked'])],
    ['case-insensitive coding', post(['Transfer-Encoding: Chunked'])],
    ['upper case coding and name', post(['TRANSFER-ENCODING: CHUNKED'])],
    ['HTAB as OWS', post(['Transfer-Encoding:\tchunked\t'])],
    ['trailing empty list element', post(['Transfer-Encoding: chunked,'])],
    ['leading empty list elements', post(['Transfer-Encoding: , ,chunked'])],
    ['empty field before the chunked field', post(['Transfer-Encoding:', 'Transfer-Encoding: chunked'])],
  ]
  test.each(cases)('%s', (_name, raw) => {
    const msg = parseOk(raw)
    expect(msg.head.chunked).toBe(true)
    expect(msg.head.contentLength).toBe(-1)
    expect(msg.body).toBe('hello')
  })
})

describe('Transfer-Encoding: rejected', () => {
  const cases: [string, string, ParseErrorCode][] = [
    ['CL.TE', post(['Content-Length: 6', 'Transfer-Encoding: chunked']), 'CL_TE_CONFLICT'],
    ['TE.CL', post(['Transfer-Encoding: chunked', 'Content-Length: 6']), 'CL_TE_CONFLICT'],
    ['TE with Content-Length: 0', post(['Transfer-Encoding: chunked', 'Content-Length: 0']), 'CL_TE_CONFLICT'],
    ['TE gzip with CL', post(['Transfer-Encoding: gzip', 'Content-Length: 5'], 'hello'), 'CL_TE_CONFLICT'],
    ['chunked, identity', post(['Transfer-Encoding: chunked, identity']), 'INVALID_TRANSFER_ENCODING'],
    ['chunked, gzip', post(['Transfer-Encoding: chunked, gzip']), 'INVALID_TRANSFER_ENCODING'],
    ['chunked twice in a list', post(['Transfer-Encoding: chunked, chunked']), 'INVALID_TRANSFER_ENCODING'],
    ['chunked twice in two fields', post(['Transfer-Encoding: chunked', 'Transfer-Encoding: chunked']), 'INVALID_TRANSFER_ENCODING'],
    ['chunked then identity in two fields', post(['Transfer-Encoding: chunked', 'Transfer-Encoding: identity']), 'INVALID_TRANSFER_ENCODING'],
    ['gzip only', post(['Transfer-Encoding: gzip'], 'hello'), 'INVALID_TRANSFER_ENCODING'],
    ['empty value', post(['Transfer-Encoding:']), 'INVALID_TRANSFER_ENCODING'],
    ['only commas', post(['Transfer-Encoding: , ,']), 'INVALID_TRANSFER_ENCODING'],
    ['xchunked', post(['Transfer-Encoding: xchunked']), 'INVALID_TRANSFER_ENCODING'],
    ['chunked with a parameter', post(['Transfer-Encoding: chunked;q=1']), 'INVALID_TRANSFER_ENCODING'],
    ['space inside a coding', post(['Transfer-Encoding: chun ked']), 'INVALID_TRANSFER_ENCODING'],
    ['quoted coding', post(['Transfer-Encoding: "chunked"']), 'INVALID_TRANSFER_ENCODING'],
    ['TE in HTTP/1.0', post(['Transfer-Encoding: chunked'], BODY, 'POST / HTTP/1.0'), 'INVALID_TRANSFER_ENCODING'],
    ['gzip, chunked', post(['Transfer-Encoding: gzip, chunked']), 'UNSUPPORTED_TRANSFER_ENCODING'],
    ['deflate, chunked', post(['Transfer-Encoding: deflate, chunked']), 'UNSUPPORTED_TRANSFER_ENCODING'],
    ['identity, chunked', post(['Transfer-Encoding: identity, chunked']), 'UNSUPPORTED_TRANSFER_ENCODING'],
    ['unknown coding before chunked', post(['Transfer-Encoding: foo', 'Transfer-Encoding: chunked']), 'UNSUPPORTED_TRANSFER_ENCODING'],
    ['space before the colon', post(['Transfer-Encoding : chunked']), 'INVALID_HEADER_TOKEN'],
    ['obs-fold inside the value', post(['Transfer-Encoding: gzip,', ' chunked']), 'OBS_FOLD'],
    ['VT before the coding', post(['Transfer-Encoding: \x0bchunked']), 'INVALID_HEADER_VALUE'],
  ]
  test.each(cases)('%s -> %s', (_name, raw, code) => {
    expect(parseError(raw)).toBe(code)
  })
})
