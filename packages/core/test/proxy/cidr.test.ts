import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { CidrError, parseCidrList } from '../../src/proxy/cidr.js'
import { formatIPv6, parseIP, parseIPv6 } from '../../src/proxy/ip-address.js'
import { isIPv6 } from 'node:net'

describe('parseCidrList', () => {
  test.each<[string, string[], string[]]>([
    ['10.0.0.0/8', ['10.0.0.0', '10.255.255.255', '::ffff:10.1.2.3'], ['11.0.0.0', '9.255.255.255', '::a01:203']],
    ['192.168.1.0/24', ['192.168.1.7'], ['192.168.2.7']],
    ['127.0.0.1', ['127.0.0.1', '::ffff:127.0.0.1'], ['127.0.0.2', '::1']],
    ['0.0.0.0/0', ['1.2.3.4', '::ffff:8.8.8.8'], ['::1', '2001:db8::1']],
    ['::1', ['::1', '0:0:0:0:0:0:0:1'], ['::2', '127.0.0.1']],
    ['2001:db8::/32', ['2001:db8::1', '2001:db8:ffff::', 'fe80::1%eth0'.replace('fe80', '2001:db8')], ['2001:db9::1']],
    ['fe80::/10', ['fe80::1%eth0', 'febf::1'], ['fec0::1']],
    ['::/0', ['::1', '1.2.3.4', 'ffff::'], []],
    ['::ffff:10.0.0.0/104', ['10.9.9.9', '::ffff:10.9.9.9'], ['11.0.0.1']],
    ['172.16.0.0/12, 192.168.0.0/16 ,::1', ['172.31.255.255', '192.168.0.1', '::1'], ['172.32.0.0']],
    ['10.1.2.3/31'.replace('3/31', '2/31'), ['10.1.2.2', '10.1.2.3'], ['10.1.2.4']],
  ])('%s', (list, inside, outside) => {
    const cidr = parseCidrList(list)
    for (const a of inside) expect(cidr.contains(a), a).toBe(true)
    for (const a of outside) expect(cidr.contains(a), a).toBe(false)
    expect(cidr.contains(undefined)).toBe(false)
    expect(cidr.contains('unknown')).toBe(false)
  })

  test.each<[string, string, RegExp]>([
    ['', '', /empty/],
    ['10.0.0.0/8,', '', /empty/],
    ['10.0.0.0/33', '10.0.0.0/33', /prefix length/],
    ['::/129', '::/129', /prefix length/],
    ['10.0.0.0/08', '10.0.0.0/08', /prefix length/],
    ['10.0.0.0/', '10.0.0.0/', /prefix length/],
    ['10.0.0.1/8', '10.0.0.1/8', /host bits/],
    ['2001:db8::1/32', '2001:db8::1/32', /host bits/],
    ['localhost', 'localhost', /not an IPv4 or IPv6/],
    ['10.0.0', '10.0.0', /not an IPv4 or IPv6/],
    ['fe80::1%eth0', 'fe80::1%eth0', /not an IPv4 or IPv6/],
    ['127.0.0.1,300.0.0.1', '300.0.0.1', /not an IPv4 or IPv6/],
  ])('refuses %j, naming the entry %j', (list, entry, why) => {
    let error: unknown
    try {
      parseCidrList(list)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(CidrError)
    expect(error).toBeInstanceOf(TypeError)
    expect((error as CidrError).entry.trim()).toBe(entry)
    expect((error as CidrError).message).toMatch(why)
  })

  test('an array of entries and the entries kept for messages', () => {
    expect(parseCidrList(['10.0.0.0/8', ' ::1 ']).entries).toEqual(['10.0.0.0/8', '::1'])
  })

  test('a /n range contains exactly the addresses sharing the first n bits (property, IPv4)', () => {
    fc.assert(
      fc.property(fc.nat(0xffffffff), fc.nat(0xffffffff), fc.integer({ min: 0, max: 32 }), (a, b, n) => {
        const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0
        const text = (x: number): string => [x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255].join('.')
        const list = parseCidrList(`${text((a & mask) >>> 0)}/${n}`)
        expect(list.contains(text(b))).toBe(((a & mask) >>> 0) === ((b & mask) >>> 0))
      }),
    )
  })
})

describe('IPv6 text', () => {
  test('parse and format agree with Node on random addresses, in RFC 5952 form', () => {
    fc.assert(
      fc.property(fc.ipV6(), text => {
        const bytes = parseIPv6(text)
        expect(bytes, text).not.toBeNull()
        const formatted = formatIPv6(bytes as Uint8Array, 0)
        expect(isIPv6(formatted)).toBe(true)
        expect(formatIPv6(parseIPv6(formatted) as Uint8Array, 0)).toBe(formatted)
        // Node's own formatter (the URL host serializer, RFC 5952 too) says the same, except for the mixed IPv4-mapped form.
        const viaUrl = new URL(`http://[${text}]/`).hostname.slice(1, -1)
        if (!formatted.startsWith('::ffff:')) expect(formatted).toBe(viaUrl)
      }),
      { numRuns: 1000 },
    )
  })

  test('random strings never throw, and what parses is valid for Node too', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50, unit: fc.constantFrom(...'0123456789abcdefABCDEF:.%x '.split('')) }), text => {
        const bytes = parseIP(text)
        if (bytes !== null && !text.includes('%')) expect(isIPv6(text) || /^\d+\.\d+\.\d+\.\d+$/.test(text), text).toBe(true)
        if (isIPv6(text) && !text.includes('%')) expect(parseIPv6(text), text).not.toBeNull()
      }),
      { numRuns: 2000 },
    )
  })
})
