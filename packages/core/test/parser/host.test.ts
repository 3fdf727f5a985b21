import { describe, expect, test } from 'vitest'
import type { ParseErrorCode } from '../../src/http/parse-error.js'
import { parseError, parseOk, request } from './helpers.js'

const withHost = (value: string, line = 'GET / HTTP/1.1'): string => request([line, `Host: ${value}`])

describe('Host (RFC 9112 §3.2): accepted', () => {
  const cases: [string, string, string][] = [
    ['reg-name', withHost('example.com'), 'example.com'],
    ['reg-name with port', withHost('example.com:8080'), 'example.com:8080'],
    ['empty port', withHost('example.com:'), 'example.com:'],
    ['IPv4', withHost('127.0.0.1:80'), '127.0.0.1:80'],
    ['IPv6 literal', withHost('[::1]'), '[::1]'],
    ['IPv6 literal with port', withHost('[2001:db8::1]:443'), '[2001:db8::1]:443'],
    ['IPv4-mapped IPv6 literal', withHost('[::ffff:1.2.3.4]'), '[::ffff:1.2.3.4]'],
    ['empty value', withHost(''), ''],
    ['pct-encoded reg-name', withHost('a%20b'), 'a%20b'],
    ['sub-delims in reg-name', withHost("a!$&'()*+,;=b"), "a!$&'()*+,;=b"],
    ['field name case-insensitive', request(['GET / HTTP/1.1', 'hOsT: x']), 'x'],
    ['Host not first', request(['GET / HTTP/1.1', 'A: b', 'Host: x']), 'x'],
    ['HTTP/1.0 without Host', request(['GET / HTTP/1.0']), ''],
    ['HTTP/1.0 with Host', withHost('x', 'GET / HTTP/1.0'), 'x'],
    ['absolute-form: host from the target', withHost('other', 'GET http://t.example:81/ HTTP/1.1'), 't.example:81'],
    ['authority-form: host from the target', withHost('other', 'CONNECT t.example:443 HTTP/1.1'), 't.example:443'],
  ]
  test.each(cases)('%s', (_name, raw, host) => {
    expect(parseOk(raw).head.host).toBe(host)
  })
})

describe('Host (RFC 9112 §3.2): rejected', () => {
  const cases: [string, string, ParseErrorCode][] = [
    ['missing in HTTP/1.1', request(['GET / HTTP/1.1']), 'MISSING_HOST'],
    ['missing with absolute-form in HTTP/1.1', request(['GET http://a.example/ HTTP/1.1']), 'MISSING_HOST'],
    ['two Host fields', request(['GET / HTTP/1.1', 'Host: a', 'Host: a']), 'DUPLICATE_HOST'],
    ['two Host fields, different case', request(['GET / HTTP/1.1', 'host: a', 'HOST: b']), 'DUPLICATE_HOST'],
    ['two Host fields in HTTP/1.0', request(['GET / HTTP/1.0', 'Host: a', 'Host: b']), 'DUPLICATE_HOST'],
    ['two Host fields, first empty', request(['GET / HTTP/1.1', 'Host:', 'Host: a']), 'DUPLICATE_HOST'],
    ['space inside', withHost('a b'), 'INVALID_HOST'],
    ['non-digit port', withHost('a:b'), 'INVALID_HOST'],
    ['two ports', withHost('a:80:80'), 'INVALID_HOST'],
    ['userinfo', withHost('user@a'), 'INVALID_HOST'],
    ['path', withHost('a/b'), 'INVALID_HOST'],
    // RFC 3986 §3.2.2: an IP-literal must hold an IPv6address.
    ['IPv6 literal with two ::', withHost('[4712::abcd::]'), 'INVALID_HOST'],
    ['IPv6 literal of 9 groups', withHost('[1:2:3:4:5:6:7:8:9]:80'), 'INVALID_HOST'],
    ['IPv4 in brackets', withHost('[127.0.0.1]'), 'INVALID_HOST'],
    ['IPv6 literal with a bad embedded IPv4', withHost('[::ffff:1.2.3.256]'), 'INVALID_HOST'],
    ['unclosed IP literal', withHost('[::1'), 'INVALID_HOST'],
    ['empty IP literal', withHost('[]'), 'INVALID_HOST'],
    ['bad IP literal byte', withHost('[::g]'), 'INVALID_HOST'],
    ['garbage after IP literal', withHost('[::1]x'), 'INVALID_HOST'],
    ['truncated pct-encoding', withHost('a%2'), 'INVALID_HOST'],
    ['bad pct-encoding', withHost('a%zz'), 'INVALID_HOST'],
    ['obs-text', withHost('caf\xe9'), 'INVALID_HOST'],
    ['invalid Host in HTTP/1.0', withHost('a b', 'GET / HTTP/1.0'), 'INVALID_HOST'],
    ['invalid Host with absolute-form', withHost('a b', 'GET http://a.example/ HTTP/1.1'), 'INVALID_HOST'],
  ]
  test.each(cases)('%s -> %s', (_name, raw, code) => {
    expect(parseError(raw)).toBe(code)
  })
})
