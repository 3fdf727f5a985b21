import { describe, expect, test } from 'vitest'
import type { ParseErrorCode } from '../../src/http/parse-error.js'
import type { RequestHead } from '../../src/http/request-head.js'
import { parseError, parseOk, request } from './helpers.js'

/** A request with the given request-line and a Host field. */
const withHost = (line: string): string => request([line, 'Host: example.com'])

type HeadFields = Partial<Pick<RequestHead, 'method' | 'target' | 'path' | 'query' | 'targetForm' | 'versionMinor' | 'host'>>

describe('request-line: accepted', () => {
  const cases: [string, string, HeadFields][] = [
    ['simple GET', withHost('GET / HTTP/1.1'), { method: 'GET', target: '/', path: '/', query: '', targetForm: 'origin', versionMinor: 1 }],
    ['path and query', withHost('GET /a/b?x=1&y=2 HTTP/1.1'), { path: '/a/b', query: 'x=1&y=2', target: '/a/b?x=1&y=2' }],
    ['empty query', withHost('GET /? HTTP/1.1'), { path: '/', query: '' }],
    ['? inside the query', withHost('GET /a?b?c HTTP/1.1'), { path: '/a', query: 'b?c' }],
    ['pct-encoded path', withHost('GET /a%20b%2F HTTP/1.1'), { path: '/a%20b%2F' }],
    ["pchar: sub-delims : @ unreserved", withHost("GET /a:b@c!$&'()*+,;=-._~ HTTP/1.1"), { path: "/a:b@c!$&'()*+,;=-._~" }],
    ['query allows any VCHAR but #', withHost('GET /?q=[a]{b}|"<>^`\\/ HTTP/1.1'), { query: 'q=[a]{b}|"<>^`\\/' }],
    ['pct-encoded query', withHost('GET /?a=%41%4a HTTP/1.1'), { query: 'a=%41%4a' }],
    ['double slash path', withHost('GET //a// HTTP/1.1'), { path: '//a//' }],
    ['HTTP/1.0 without Host', request(['GET / HTTP/1.0']), { versionMinor: 0, host: '' }],
    ['lowercase method is a distinct token', withHost('get / HTTP/1.1'), { method: 'get' }],
    ['extension method', withHost('PROPFIND /x HTTP/1.1'), { method: 'PROPFIND' }],
    ['method of every tchar', withHost("!#$%&'*+-.^_`|~09AZaz / HTTP/1.1"), { method: "!#$%&'*+-.^_`|~09AZaz" }],
    ['POST', withHost('POST / HTTP/1.1'), { method: 'POST' }],
    ['PUT', withHost('PUT / HTTP/1.1'), { method: 'PUT' }],
    ['DELETE', withHost('DELETE / HTTP/1.1'), { method: 'DELETE' }],
    ['PATCH', withHost('PATCH / HTTP/1.1'), { method: 'PATCH' }],
    ['HEAD', withHost('HEAD / HTTP/1.1'), { method: 'HEAD' }],
    ['TRACE', withHost('TRACE / HTTP/1.1'), { method: 'TRACE' }],
    ['GETX is not GET', withHost('GETX / HTTP/1.1'), { method: 'GETX' }],
    ['empty lines before the request-line', `\r\n\r\n${withHost('GET / HTTP/1.1')}`, { method: 'GET' }],
    ['absolute-form', withHost('GET http://example.org/a?b HTTP/1.1'),
      { targetForm: 'absolute', target: 'http://example.org/a?b', host: 'example.org', path: '/a', query: 'b' }],
    ['absolute-form with port', withHost('GET http://example.org:8080/ HTTP/1.1'), { host: 'example.org:8080', path: '/' }],
    ['absolute-form without path', withHost('GET http://example.org HTTP/1.1'), { host: 'example.org', path: '/', query: '' }],
    ['absolute-form query without path', withHost('GET http://example.org?x HTTP/1.1'), { path: '/', query: 'x' }],
    ['absolute-form https, scheme case-insensitive', withHost('GET HTTPS://Example.ORG/p HTTP/1.1'), { host: 'Example.ORG', path: '/p' }],
    ['absolute-form IP literal', withHost('GET http://[::1]:80/x HTTP/1.1'), { host: '[::1]:80', path: '/x' }],
    ['absolute-form in HTTP/1.0 without Host', request(['GET http://a.example/ HTTP/1.0']), { host: 'a.example', versionMinor: 0 }],
    ['asterisk-form with OPTIONS', withHost('OPTIONS * HTTP/1.1'), { targetForm: 'asterisk', path: '*', query: '', target: '*' }],
    ['authority-form with CONNECT', withHost('CONNECT example.org:443 HTTP/1.1'),
      { targetForm: 'authority', host: 'example.org:443', path: '', query: '', target: 'example.org:443' }],
    ['authority-form IP literal', withHost('CONNECT [2001:db8::1]:443 HTTP/1.1'), { host: '[2001:db8::1]:443' }],
    // RFC 9110 §2.5, RFC 9112 §2.3: a higher minor version of HTTP/1 is processed as 1.1 (Apache's and Go's tables).
    ['HTTP/1.2 is processed as HTTP/1.1', withHost('GET / HTTP/1.2'), { method: 'GET', versionMinor: 1 }],
    ['HTTP/1.9 is processed as HTTP/1.1', withHost('GET / HTTP/1.9'), { versionMinor: 1 }],
    ['absolute-form IPv4-mapped IPv6 literal', withHost('GET http://[::ffff:1.2.3.4]/ HTTP/1.1'), { host: '[::ffff:1.2.3.4]' }],
    ['absolute-form IPv6 literal of 8 groups', withHost('GET http://[1:2:3:4:5:6:7:8]/ HTTP/1.1'), { host: '[1:2:3:4:5:6:7:8]' }],
  ]
  test.each(cases)('%s', (_name, raw, expected) => {
    expect(parseOk(raw).head).toMatchObject(expected)
  })
})

describe('request-line: rejected', () => {
  const cases: [string, string, ParseErrorCode][] = [
    ['two spaces after the method', withHost('GET  / HTTP/1.1'), 'INVALID_REQUEST_LINE'],
    ['two spaces after the target', withHost('GET /  HTTP/1.1'), 'INVALID_REQUEST_LINE'],
    ['trailing space', withHost('GET / HTTP/1.1 '), 'INVALID_REQUEST_LINE'],
    ['leading space', withHost(' GET / HTTP/1.1'), 'INVALID_REQUEST_LINE'],
    ['HTAB as separator', withHost('GET\t/ HTTP/1.1'), 'INVALID_REQUEST_LINE'],
    ['HTAB before the version', withHost('GET /\tHTTP/1.1'), 'INVALID_REQUEST_LINE'],
    ['missing version', withHost('GET /'), 'INVALID_REQUEST_LINE'],
    ['missing version after space', withHost('GET / '), 'INVALID_REQUEST_LINE'],
    ['method only', withHost('GET'), 'INVALID_REQUEST_LINE'],
    ['non-tchar in method', withHost('GE@T / HTTP/1.1'), 'INVALID_METHOD'],
    ['method starting with (', withHost('(GET) / HTTP/1.1'), 'INVALID_METHOD'],
    ['obs-text in method', withHost('G\xffT / HTTP/1.1'), 'INVALID_METHOD'],
    ['NUL before the method', withHost('\x00GET / HTTP/1.1'), 'INVALID_METHOD'],
    ['HTTP/1.10', withHost('GET / HTTP/1.10'), 'INVALID_VERSION'],
    ['HTTP/1', withHost('GET / HTTP/1'), 'INVALID_VERSION'],
    ['lowercase http/1.1', withHost('GET / http/1.1'), 'INVALID_VERSION'],
    ['HTTP/1.1x', withHost('GET / HTTP/1.1x'), 'INVALID_VERSION'],
    ['HTTP/11', withHost('GET / HTTP/11'), 'INVALID_VERSION'],
    ['HTTP/a.1', withHost('GET / HTTP/a.1'), 'INVALID_VERSION'],
    ['HTTPS/1.1', withHost('GET / HTTPS/1.1'), 'INVALID_VERSION'],
    ['space inside the target', withHost('GET /a b HTTP/1.1'), 'INVALID_VERSION'],
    ['HTTP/2.0', withHost('GET / HTTP/2.0'), 'UNSUPPORTED_VERSION'],
    ['HTTP/3.0', withHost('GET / HTTP/3.0'), 'UNSUPPORTED_VERSION'],
    ['HTTP/0.9', withHost('GET / HTTP/0.9'), 'UNSUPPORTED_VERSION'],
    ['HTTP/1.2 still needs Host', request(['GET / HTTP/1.2']), 'MISSING_HOST'],
    // RFC 3986 §3.2.2: IP-literal = "[" ( IPv6address / IPvFuture ) "]"; the characters alone are not enough.
    ['absolute-form IPv6 literal with two ::', withHost('GET http://[4712::abcd::]/ HTTP/1.1'), 'INVALID_TARGET'],
    ['absolute-form IPv6 literal of 9 groups', withHost('GET http://[1:2:3:4:5:6:7:8:9]/ HTTP/1.1'), 'INVALID_TARGET'],
    ['absolute-form IPv4 in brackets', withHost('GET http://[1.2.3.4]/ HTTP/1.1'), 'INVALID_TARGET'],
    ['absolute-form :::', withHost('GET http://[:::]/ HTTP/1.1'), 'INVALID_TARGET'],
    ['absolute-form IPvFuture', withHost('GET http://[v1.x]/ HTTP/1.1'), 'INVALID_TARGET'],
    ['authority-form IPv6 literal with two ::', withHost('CONNECT [4712::abcd::]:443 HTTP/1.1'), 'INVALID_TARGET'],
    ['bare LF after the request-line', 'GET / HTTP/1.1\nHost: a\r\n\r\n', 'INVALID_LINE_ENDING'],
    ['bare CR after the request-line', 'GET / HTTP/1.1\rHost: a\r\n\r\n', 'INVALID_LINE_ENDING'],
    ['bare LF after an unsupported version', 'GET / HTTP/2.0\n\r\n', 'INVALID_LINE_ENDING'],
    ['bare LF inside the target', 'GET /\n HTTP/1.1\r\n\r\n', 'INVALID_LINE_ENDING'],
    ['bare LF as empty line', `\n${withHost('GET / HTTP/1.1')}`, 'INVALID_LINE_ENDING'],
    ['bare CR as empty line', `\rGET / HTTP/1.1\r\n\r\n`, 'INVALID_LINE_ENDING'],
    ['fragment', withHost('GET /a#frag HTTP/1.1'), 'INVALID_TARGET'],
    ['# in the query', withHost('GET /?a#b HTTP/1.1'), 'INVALID_TARGET'],
    ['NUL in the target', withHost('GET /a\x00 HTTP/1.1'), 'INVALID_TARGET'],
    ['CTL in the target', withHost('GET /a\x01 HTTP/1.1'), 'INVALID_TARGET'],
    ['DEL in the target', withHost('GET /a\x7f HTTP/1.1'), 'INVALID_TARGET'],
    ['byte >= 0x80 in the path', withHost('GET /caf\xe9 HTTP/1.1'), 'INVALID_TARGET'],
    ['byte >= 0x80 in the query', withHost('GET /?q=\xe9 HTTP/1.1'), 'INVALID_TARGET'],
    ['truncated pct-encoding', withHost('GET /a%2 HTTP/1.1'), 'INVALID_TARGET'],
    ['bad pct-encoding in the path', withHost('GET /a%zz HTTP/1.1'), 'INVALID_TARGET'],
    ['bad pct-encoding in the query', withHost('GET /?a=%g0 HTTP/1.1'), 'INVALID_TARGET'],
    ['[ in the path', withHost('GET /a[b] HTTP/1.1'), 'INVALID_TARGET'],
    ['" in the path', withHost('GET /a"b HTTP/1.1'), 'INVALID_TARGET'],
    ['\\ in the path', withHost('GET /a\\b HTTP/1.1'), 'INVALID_TARGET'],
    ['| in the path', withHost('GET /a|b HTTP/1.1'), 'INVALID_TARGET'],
    ['relative target', withHost('GET a/b HTTP/1.1'), 'INVALID_TARGET'],
    ['* with GET', withHost('GET * HTTP/1.1'), 'INVALID_TARGET'],
    ['*x with OPTIONS', withHost('OPTIONS *x HTTP/1.1'), 'INVALID_TARGET'],
    ['absolute-form ftp', withHost('GET ftp://example.org/ HTTP/1.1'), 'INVALID_TARGET'],
    ['absolute-form with userinfo', withHost('GET http://user@example.org/ HTTP/1.1'), 'INVALID_TARGET'],
    ['absolute-form with empty host', withHost('GET http:///a HTTP/1.1'), 'INVALID_TARGET'],
    ['absolute-form without //', withHost('GET http:example.org HTTP/1.1'), 'INVALID_TARGET'],
    ['absolute-form with bad port', withHost('GET http://example.org:8o/ HTTP/1.1'), 'INVALID_TARGET'],
    ['absolute-form with unclosed IP literal', withHost('GET http://[::1/ HTTP/1.1'), 'INVALID_TARGET'],
    ['absolute-form with bad path byte', withHost('GET http://a.example/{} HTTP/1.1'), 'INVALID_TARGET'],
    ['authority-form with GET', withHost('GET example.org:443 HTTP/1.1'), 'INVALID_TARGET'],
    ['CONNECT with origin-form', withHost('CONNECT / HTTP/1.1'), 'INVALID_TARGET'],
    ['CONNECT with absolute-form', withHost('CONNECT http://example.org/ HTTP/1.1'), 'INVALID_TARGET'],
    ['CONNECT without port', withHost('CONNECT example.org HTTP/1.1'), 'INVALID_TARGET'],
    ['CONNECT with empty port', withHost('CONNECT example.org: HTTP/1.1'), 'INVALID_TARGET'],
    ['CONNECT with userinfo', withHost('CONNECT u@example.org:443 HTTP/1.1'), 'INVALID_TARGET'],
    ['CONNECT with empty host', withHost('CONNECT :443 HTTP/1.1'), 'INVALID_TARGET'],
    ['input ends inside the request-line', 'GET / HTT', 'INCOMPLETE_MESSAGE'],
    ['input ends after a CR of an empty line', '\r', 'INCOMPLETE_MESSAGE'],
  ]
  test.each(cases)('%s -> %s', (_name, raw, code) => {
    expect(parseError(raw)).toBe(code)
  })
})
