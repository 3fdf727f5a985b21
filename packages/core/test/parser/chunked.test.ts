import { describe, expect, test } from 'vitest'
import type { ParseErrorCode } from '../../src/http/parse-error.js'
import { parse, parseError, parseOk, request } from './helpers.js'

const chunked = (body: string): string =>
  request(['POST / HTTP/1.1', 'Host: h', 'Transfer-Encoding: chunked'], body)

describe('chunked body (RFC 9112 §7.1): accepted', () => {
  const cases: [string, string, string, string[] | null][] = [
    ['one chunk', '5\r\nhello\r\n0\r\n\r\n', 'hello', null],
    ['empty body', '0\r\n\r\n', '', null],
    ['several chunks', '1\r\na\r\n2\r\nbc\r\n3\r\ndef\r\n0\r\n\r\n', 'abcdef', null],
    ['upper-case hex', 'A\r\n0123456789\r\n0\r\n\r\n', '0123456789', null],
    ['lower-case hex', 'a\r\n0123456789\r\n0\r\n\r\n', '0123456789', null],
    ['leading zeros', '005\r\nhello\r\n000\r\n\r\n', 'hello', null],
    ['15 hex digits', '00000000000000a\r\n0123456789\r\n0\r\n\r\n', '0123456789', null],
    ['data containing CRLF', '4\r\n\r\n\r\n\r\n0\r\n\r\n', '\r\n\r\n', null],
    ['extension name', '5;a\r\nhello\r\n0;z\r\n\r\n', 'hello', null],
    ['extension with token value', '5;a=b\r\nhello\r\n0\r\n\r\n', 'hello', null],
    ['extension with quoted value', '5;a="x y;z"\r\nhello\r\n0\r\n\r\n', 'hello', null],
    ['extension with escaped quote', '5;a="\\"\\\\"\r\nhello\r\n0\r\n\r\n', 'hello', null],
    ['extension with obs-text in quotes', '5;a="\xe9"\r\nhello\r\n0\r\n\r\n', 'hello', null],
    ['several extensions', '5;a=b;c;d="e"\r\nhello\r\n0\r\n\r\n', 'hello', null],
    ['BWS around ; and =', '5 ; a = b\t;\tc\r\nhello\r\n0\r\n\r\n', 'hello', null],
    ['BWS after a quoted value', '5;a="b" ;c\r\nhello\r\n0\r\n\r\n', 'hello', null],
    ['one trailer', '5\r\nhello\r\n0\r\nX-T: v\r\n\r\n', 'hello', ['X-T', 'v']],
    ['trailers trimmed, names as sent', '0\r\nx-a:  1 \r\nB:\t2\r\nC:\r\n\r\n', '', ['x-a', '1', 'B', '2', 'C', '']],
    ['framing fields in trailers are only recorded', '0\r\nContent-Length: 5\r\nHost: x\r\n\r\n', '', ['Content-Length', '5', 'Host', 'x']],
  ]
  test.each(cases)('%s', (_name, body, data, trailers) => {
    const msg = parseOk(chunked(body))
    expect(msg.head.chunked).toBe(true)
    expect(msg.body).toBe(data)
    expect(msg.trailers).toEqual(trailers)
  })

  test('the largest safe chunk-size is accepted and its data awaited', () => {
    const outcome = parse(chunked('1fffffffffffff\r\nabc'))
    expect(outcome.error).toBeNull()
    expect(outcome.events.map((e) => e.type)).toEqual(['head', 'body'])
    expect(outcome.eof).toBe('INCOMPLETE_MESSAGE')
  })
})

describe('chunked body: rejected', () => {
  const cases: [string, string, ParseErrorCode][] = [
    ['0x prefix', '0x5\r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK_SIZE'],
    ['negative size', '-1\r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK_SIZE'],
    ['17 hex digits', 'fffffffffffffffff\r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK_SIZE'],
    ['16 hex digits', '0000000000000005\r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK_SIZE'],
    ['15 hex digits above MAX_SAFE_INTEGER', 'fffffffffffffff\r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK_SIZE'],
    ['2^53', '20000000000000\r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK_SIZE'],
    ['leading space', ' 5\r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK_SIZE'],
    ['empty size line', '\r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK_SIZE'],
    ['non-hex after the size', '5g\r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK_SIZE'],
    ['decimal point', '5.0\r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK_SIZE'],
    ['missing CRLF after data', '5\r\nhelloX\r\n0\r\n\r\n', 'INVALID_CHUNK_DATA_END'],
    ['bare LF after data', '5\r\nhello\n0\r\n\r\n', 'INVALID_CHUNK_DATA_END'],
    ['CR without LF after data', '5\r\nhello\rX0\r\n\r\n', 'INVALID_CHUNK_DATA_END'],
    ['data longer than the size', '3\r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK_DATA_END'],
    ['bare LF after the size', '5\nhello\r\n0\r\n\r\n', 'INVALID_LINE_ENDING'],
    ['bare CR after the size', '5\rhello\r\n0\r\n\r\n', 'INVALID_LINE_ENDING'],
    ['bare LF after an extension', '5;a=b\nhello\r\n0\r\n\r\n', 'INVALID_LINE_ENDING'],
    ['whitespace before CRLF', '5 \r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK_EXTENSION'],
    ['; without a name', '5;\r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK_EXTENSION'],
    ['= without a name', '5;=b\r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK_EXTENSION'],
    ['= without a value', '5;a=\r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK_EXTENSION'],
    ['unterminated quoted value', '5;a="b\r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK_EXTENSION'],
    ['two tokens without ;', '5;a=b c\r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK_EXTENSION'],
    ['non-token name', '5;a@b\r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK_EXTENSION'],
    ['NUL in a value', '5;a=\x00\r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK_EXTENSION'],
    ['DEL in a quoted value', '5;a="\x7f"\r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK_EXTENSION'],
    ['garbage after a quoted value', '5;a="b"c\r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK_EXTENSION'],
    ['trailer with space before the colon', '0\r\nX : v\r\n\r\n', 'INVALID_TRAILER'],
    ['trailer with NUL in the value', '0\r\nX: a\x00\r\n\r\n', 'INVALID_TRAILER'],
    ['trailer without colon', '0\r\nXv\r\n\r\n', 'INVALID_TRAILER'],
    ['trailer obs-fold', '0\r\nX: a\r\n b\r\n\r\n', 'OBS_FOLD'],
    ['trailer bare LF', '0\r\nX: a\n\r\n', 'INVALID_LINE_ENDING'],
    ['bare LF ending the trailer section', '0\r\n\n', 'INVALID_LINE_ENDING'],
    ['missing last-chunk', '5\r\nhello\r\n', 'INCOMPLETE_MESSAGE'],
    ['missing final CRLF', '5\r\nhello\r\n0\r\n', 'INCOMPLETE_MESSAGE'],
    ['truncated data', '5\r\nhel', 'INCOMPLETE_MESSAGE'],
  ]
  test.each(cases)('%s -> %s', (_name, body, code) => {
    expect(parseError(chunked(body))).toBe(code)
  })
})
