import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { RequestHeaders } from '../../src/http/request-headers.js'
import { parseCidrList } from '../../src/proxy/cidr.js'
import { clientBehindProxies, forwardedFor, parseNode } from '../../src/proxy/forwarded.js'

const TRUSTED = parseCidrList('10.0.0.0/8,::1')

function client(peer: string, fields: Array<[string, string]>, port = 5555): { address: string | undefined; port: number | undefined } {
  return clientBehindProxies({ remoteAddress: peer, remotePort: port }, new RequestHeaders(fields.flat()), TRUSTED)
}

describe('the client behind trusted proxies', () => {
  test.each<[string, string, Array<[string, string]>, string, number | undefined]>([
    ['no field: the peer', '10.0.0.2', [], '10.0.0.2', 5555],
    ['an untrusted peer: its fields are never read', '203.0.113.9', [['X-Forwarded-For', '198.51.100.1']], '203.0.113.9', 5555],
    ['XFF: one hop', '10.0.0.2', [['X-Forwarded-For', '198.51.100.1']], '198.51.100.1', undefined],
    ['XFF: the right-most untrusted, not the left-most (which the client can write)', '10.0.0.2', [['X-Forwarded-For', '6.6.6.6, 198.51.100.1, 10.0.0.7']], '198.51.100.1', undefined],
    ['XFF over several field lines, in order', '10.0.0.2', [['X-Forwarded-For', '6.6.6.6'], ['x-forwarded-for', '198.51.100.1, 10.1.1.1']], '198.51.100.1', undefined],
    ['XFF: every hop trusted → the left-most', '10.0.0.2', [['X-Forwarded-For', '10.9.9.9, 10.0.0.7']], '10.9.9.9', undefined],
    ['XFF: IPv6, bracketed with a port, IPv4 with a port', '::1', [['X-Forwarded-For', '2001:DB8::1, [2001:db8::2]:4711']], '2001:db8::2', 4711],
    ['XFF: IPv4 with a port', '::1', [['X-Forwarded-For', '198.51.100.1:8080']], '198.51.100.1', 8080],
    ['XFF: garbage stops the walk at the last trusted hop', '10.0.0.2', [['X-Forwarded-For', '198.51.100.1, not-an-ip, 10.0.0.3']], '10.0.0.3', undefined],
    ['XFF through an IPv4-mapped peer', '::ffff:10.0.0.2', [['X-Forwarded-For', '198.51.100.1']], '198.51.100.1', undefined],
    ['Forwarded: RFC 7239 examples', '10.0.0.2', [['Forwarded', 'for=192.0.2.43, for="[2001:db8:cafe::17]:4711";proto=https']], '2001:db8:cafe::17', 4711],
    ['Forwarded: parameters in any case and order', '10.0.0.2', [['Forwarded', 'proto=http;FOR=192.0.2.60;by=203.0.113.43']], '192.0.2.60', undefined],
    ['Forwarded: quoted IPv4 with port', '10.0.0.2', [['Forwarded', 'for="192.0.2.60:1234"']], '192.0.2.60', 1234],
    ['Forwarded wins over XFF', '10.0.0.2', [['X-Forwarded-For', '6.6.6.6'], ['Forwarded', 'for=192.0.2.60']], '192.0.2.60', undefined],
    ['Forwarded: unknown stops at the last trusted hop', '10.0.0.2', [['Forwarded', 'for=192.0.2.60, for=unknown']], '10.0.0.2', 5555],
    ['Forwarded: an obfuscated node stops too', '10.0.0.2', [['Forwarded', 'for=192.0.2.60, for=_hidden, for=10.0.0.5']], '10.0.0.5', undefined],
    ['Forwarded: an obfuscated port is no port', '10.0.0.2', [['Forwarded', 'for="192.0.2.60:_p1"']], '192.0.2.60', undefined],
    ['Forwarded: an element without for stops', '10.0.0.2', [['Forwarded', 'for=192.0.2.60, proto=https']], '10.0.0.2', 5555],
    ['Forwarded: malformed (unclosed quote) → the peer', '10.0.0.2', [['Forwarded', 'for="192.0.2.60']], '10.0.0.2', 5555],
    ['Forwarded: malformed (a pair without =) → the peer', '10.0.0.2', [['Forwarded', 'for']], '10.0.0.2', 5555],
    ['Forwarded: unquoted IPv6 is not a node', '10.0.0.2', [['Forwarded', 'for=[2001:db8::1]']], '2001:db8::1', undefined],
  ])('%s', (_, peer, fields, address, port) => {
    expect(client(peer, fields)).toEqual({ address, port })
  })

  test('nodes', () => {
    expect(parseNode('[::1]:0')).toEqual({ address: '::1', port: 0 })
    expect(parseNode('[::1]:65536')).toBeNull()
    expect(parseNode('[::1')).toBeNull()
    expect(parseNode('[1.2.3.4]')).toBeNull()
    expect(parseNode('1.2.3.4:')).toBeNull()
    expect(parseNode('01.2.3.4')).toBeNull()
    expect(forwardedFor(['for=1.2.3.4;;proto=http, ,for=5.6.7.8'])).toEqual([
      { address: '1.2.3.4', port: undefined },
      { address: '5.6.7.8', port: undefined },
    ])
  })

  test('random field values never throw, and the answer is the peer or an address taken from them', () => {
    const text = fc.string({ maxLength: 60, unit: fc.constantFrom(...'for=_"[]:;,. 0123456789abcdef\\unknown'.split('')) })
    fc.assert(
      fc.property(text, text, (fwd, xff) => {
        const fields: Array<[string, string]> = [['X-Forwarded-For', xff]]
        if (fwd !== '') fields.push(['Forwarded', fwd])
        const { address } = client('10.0.0.2', fields)
        expect(address === '10.0.0.2' || address === undefined || fwd.includes((address ?? '').split(':')[0] as string) || xff.length > 0).toBe(true)
      }),
      { numRuns: 2000 },
    )
  })
})
