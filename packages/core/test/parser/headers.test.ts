import { describe, expect, test } from 'vitest'
import type { ParseErrorCode } from '../../src/http/parse-error.js'
import type { RequestHead } from '../../src/http/request-head.js'
import { parseError, parseOk, request } from './helpers.js'

/** An HTTP/1.1 GET with Host first and then the given field lines. */
const get = (...fields: string[]): string => request(['GET / HTTP/1.1', 'Host: h', ...fields])
/** An HTTP/1.0 GET with the given field lines. */
const get10 = (...fields: string[]): string => request(['GET / HTTP/1.0', ...fields])

describe('header fields: accepted', () => {
  const cases: [string, string, string[]][] = [
    ['simple field', get('X-A: b'), ['Host', 'h', 'X-A', 'b']],
    ['names kept as sent', get('x-FoO: 1', 'CONTENT-type: t'), ['Host', 'h', 'x-FoO', '1', 'CONTENT-type', 't']],
    ['name of every tchar', get("!#$%&'*+-.^_`|~09AZaz: v"), ['Host', 'h', "!#$%&'*+-.^_`|~09AZaz", 'v']],
    ['no space after the colon', get('X:v'), ['Host', 'h', 'X', 'v']],
    ['leading and trailing SP/HTAB trimmed', get('X: \t a  b \t '), ['Host', 'h', 'X', 'a  b']],
    ['empty value', get('X:'), ['Host', 'h', 'X', '']],
    ['whitespace-only value', get('X: \t '), ['Host', 'h', 'X', '']],
    ['HTAB inside the value', get('X: a\tb'), ['Host', 'h', 'X', 'a\tb']],
    ['colon inside the value', get('X: a:b: c'), ['Host', 'h', 'X', 'a:b: c']],
    ['obs-text decoded as latin1', get('X: caf\xe9 \xff'), ['Host', 'h', 'X', 'caf\xe9 \xff']],
    ['NBSP is not trimmed (no String#trim)', get('X: \xa0a\xa0'), ['Host', 'h', 'X', '\xa0a\xa0']],
    ['duplicates kept in order', get('A: 1', 'a: 2', 'A: 3'), ['Host', 'h', 'A', '1', 'a', '2', 'A', '3']],
    ['quotes and commas are plain bytes', get('X: "a, b", c'), ['Host', 'h', 'X', '"a, b", c']],
  ]
  test.each(cases)('%s', (_name, raw, rawHeaders) => {
    expect(parseOk(raw).head.rawHeaders).toEqual(rawHeaders)
  })
})

describe('header fields: rejected', () => {
  const cases: [string, string, ParseErrorCode][] = [
    ['whitespace before the colon', get('X : v'), 'INVALID_HEADER_TOKEN'],
    ['HTAB before the colon', get('X\t: v'), 'INVALID_HEADER_TOKEN'],
    ['empty name', get(': v'), 'INVALID_HEADER_TOKEN'],
    ['no colon', get('Xv'), 'INVALID_HEADER_TOKEN'],
    ['NUL in the name', get('X\x00: v'), 'INVALID_HEADER_TOKEN'],
    ['( in the name', get('X(y): v'), 'INVALID_HEADER_TOKEN'],
    ['obs-text in the name', get('X\xe9: v'), 'INVALID_HEADER_TOKEN'],
    ['NUL in the value', get('X: a\x00b'), 'INVALID_HEADER_VALUE'],
    ['SOH in the value', get('X: a\x01'), 'INVALID_HEADER_VALUE'],
    ['VT in the value', get('X: \x0ba'), 'INVALID_HEADER_VALUE'],
    ['FF in the value', get('X: a\x0c'), 'INVALID_HEADER_VALUE'],
    ['ESC in the value', get('X: a\x1bb'), 'INVALID_HEADER_VALUE'],
    ['DEL in the value', get('X: a\x7fb'), 'INVALID_HEADER_VALUE'],
    ['bare CR in the value', get('X: a\rb'), 'INVALID_LINE_ENDING'],
    ['bare LF ending a field line', 'GET / HTTP/1.1\r\nHost: h\nX: b\r\n\r\n', 'INVALID_LINE_ENDING'],
    ['bare LF in the name', 'GET / HTTP/1.1\r\nHo\nst: h\r\n\r\n', 'INVALID_LINE_ENDING'],
    ['bare LF after the colon', 'GET / HTTP/1.1\r\nHost:\n\r\n', 'INVALID_LINE_ENDING'],
    ['bare LF as the final empty line', 'GET / HTTP/1.1\r\nHost: h\r\n\n', 'INVALID_LINE_ENDING'],
    ['CR then garbage as the final empty line', 'GET / HTTP/1.1\r\nHost: h\r\n\rX', 'INVALID_LINE_ENDING'],
    ['LF-only message', 'GET / HTTP/1.1\nHost: h\n\n', 'INVALID_LINE_ENDING'],
    ['obs-fold with SP', get('X: a', ' b'), 'OBS_FOLD'],
    ['obs-fold with HTAB', get('X: a', '\tb'), 'OBS_FOLD'],
    ['whitespace right after the request-line', request(['GET / HTTP/1.1', ' Host: h']), 'OBS_FOLD'],
    ['input ends inside the header section', 'GET / HTTP/1.1\r\nHost: h\r\n', 'INCOMPLETE_MESSAGE'],
  ]
  test.each(cases)('%s -> %s', (_name, raw, code) => {
    expect(parseError(raw)).toBe(code)
  })
})

describe('Connection and keep-alive (RFC 9112 §9.3)', () => {
  const cases: [string, string, boolean][] = [
    ['HTTP/1.1 default', get(), true],
    ['HTTP/1.1 close', get('Connection: close'), false],
    ['HTTP/1.1 close, case-insensitive, in a list', get('Connection: Keep-Alive, CLOSE'), false],
    ['HTTP/1.1 close in a second field', get('Connection: upgrade', 'Connection: close'), false],
    ['HTTP/1.1 other option', get('Connection: upgrade'), true],
    ['HTTP/1.1 closed is not close', get('Connection: closed'), true],
    ['HTTP/1.0 default', get10(), false],
    ['HTTP/1.0 keep-alive', get10('Connection: keep-alive'), true],
    ['HTTP/1.0 Keep-Alive with OWS', get10('Connection: foo ,  Keep-Alive '), true],
    ['HTTP/1.0 keep-alive and close', get10('Connection: keep-alive', 'Connection: close'), false],
  ]
  test.each(cases)('%s', (_name, raw, keepAlive) => {
    expect(parseOk(raw).head.keepAlive).toBe(keepAlive)
  })
})

describe('Expect', () => {
  const cases: [string, string, RequestHead['expect']][] = [
    ['absent', get(), 'none'],
    ['100-continue', get('Expect: 100-continue'), 'continue'],
    ['case-insensitive', get('Expect: 100-Continue'), 'continue'],
    ['twice 100-continue', get('Expect: 100-continue', 'expect: 100-CONTINUE'), 'continue'],
    ['other value', get('Expect: foo'), 'unknown'],
    ['empty value', get('Expect:'), 'unknown'],
    ['list with 100-continue', get('Expect: 100-continue, foo'), 'unknown'],
    ['100-continue after another value', get('Expect: foo', 'Expect: 100-continue'), 'unknown'],
    ['ignored on HTTP/1.0', get10('Expect: 100-continue'), 'none'],
  ]
  test.each(cases)('%s', (_name, raw, value) => {
    expect(parseOk(raw).head.expect).toBe(value)
  })
})
