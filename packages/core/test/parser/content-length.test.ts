import { describe, expect, test } from 'vitest'
import type { ParseErrorCode } from '../../src/http/parse-error.js'
import { messages, parse, parseError, parseOk, request } from './helpers.js'

const post = (fields: string[], body = ''): string => request(['POST /p HTTP/1.1', 'Host: h', ...fields], body)

describe('Content-Length (RFC 9112 §6.3, RFC 9110 §8.6): accepted', () => {
  const cases: [string, string, number, string][] = [
    ['simple body', post(['Content-Length: 5'], 'hello'), 5, 'hello'],
    ['zero', post(['Content-Length: 0']), 0, ''],
    ['leading zeros', post(['Content-Length: 005'], 'hello'), 5, 'hello'],
    ['equal list elements', post(['Content-Length: 5, 5'], 'hello'), 5, 'hello'],
    ['equal list elements without OWS', post(['Content-Length: 5,5'], 'hello'), 5, 'hello'],
    ['equal list elements with OWS before the comma', post(['Content-Length: 5 ,\t5'], 'hello'), 5, 'hello'],
    ['duplicate equal fields', post(['Content-Length: 5', 'content-length: 5'], 'hello'), 5, 'hello'],
    ['numerically equal elements', post(['Content-Length: 5, 05'], 'hello'), 5, 'hello'],
    ['15 digits', post(['Content-Length: 000000000000003'], 'abc'), 3, 'abc'],
    ['body bytes of every value', post(['Content-Length: 4'], '\x00\r\n\xff'), 4, '\x00\r\n\xff'],
    ['no Content-Length, no body', request(['GET / HTTP/1.1', 'Host: h']), -1, ''],
    ['no Content-Length on POST, no body', post([]), -1, ''],
    ['HTTP/1.0 with Content-Length', request(['POST / HTTP/1.0', 'Content-Length: 2'], 'ok'), 2, 'ok'],
  ]
  test.each(cases)('%s', (_name, raw, contentLength, body) => {
    const msg = parseOk(raw)
    expect(msg.head.contentLength).toBe(contentLength)
    expect(msg.head.chunked).toBe(false)
    expect(msg.body).toBe(body)
    expect(msg.trailers).toBeNull()
  })

  test('a 15-digit maximum is accepted and the body awaited', () => {
    const outcome = parse(post(['Content-Length: 999999999999999'], 'abc'))
    expect(outcome.error).toBeNull()
    expect(outcome.events[0]).toMatchObject({ type: 'head', head: { contentLength: 999999999999999 } })
    expect(outcome.events[1]).toEqual({ type: 'body', data: 'abc' })
    expect(outcome.eof).toBe('INCOMPLETE_MESSAGE')
  })

  test('without Content-Length the bytes after the head start the next request', () => {
    const outcome = parse(`${request(['GET / HTTP/1.1', 'Host: h'])}xyz\r\n`)
    expect(messages(outcome)).toHaveLength(1)
    expect(outcome.events.map((e) => e.type)).toEqual(['head', 'complete'])
    expect(outcome.error).toBe('INVALID_REQUEST_LINE')
  })
})

describe('Content-Length: rejected', () => {
  const cases: [string, string, ParseErrorCode][] = [
    ['plus sign', post(['Content-Length: +5'], 'hello'), 'INVALID_CONTENT_LENGTH'],
    ['minus sign', post(['Content-Length: -1']), 'INVALID_CONTENT_LENGTH'],
    ['hex', post(['Content-Length: 0x5'], 'hello'), 'INVALID_CONTENT_LENGTH'],
    ['space inside', post(['Content-Length: 5 5']), 'INVALID_CONTENT_LENGTH'],
    ['different list elements', post(['Content-Length: 5, 6'], 'hello!'), 'INVALID_CONTENT_LENGTH'],
    ['different fields', post(['Content-Length: 5', 'Content-Length: 6'], 'hello!'), 'INVALID_CONTENT_LENGTH'],
    ['trailing empty element', post(['Content-Length: 5,'], 'hello'), 'INVALID_CONTENT_LENGTH'],
    ['leading empty element', post(['Content-Length: ,5'], 'hello'), 'INVALID_CONTENT_LENGTH'],
    ['empty element in the middle', post(['Content-Length: 5,,5'], 'hello'), 'INVALID_CONTENT_LENGTH'],
    ['empty value', post(['Content-Length:']), 'INVALID_CONTENT_LENGTH'],
    ['letters', post(['Content-Length: abc']), 'INVALID_CONTENT_LENGTH'],
    ['decimal point', post(['Content-Length: 5.0'], 'hello'), 'INVALID_CONTENT_LENGTH'],
    ['parameter', post(['Content-Length: 5;x'], 'hello'), 'INVALID_CONTENT_LENGTH'],
    ['16 digits', post(['Content-Length: 1234567890123456']), 'INVALID_CONTENT_LENGTH'],
    ['16 digits of leading zeros', post(['Content-Length: 0000000000000005'], 'hello'), 'INVALID_CONTENT_LENGTH'],
    ['full-width digit', post(['Content-Length: \xb5']), 'INVALID_CONTENT_LENGTH'],
    ['body shorter than announced', post(['Content-Length: 10'], 'hello'), 'INCOMPLETE_MESSAGE'],
  ]
  test.each(cases)('%s -> %s', (_name, raw, code) => {
    expect(parseError(raw)).toBe(code)
  })
})
