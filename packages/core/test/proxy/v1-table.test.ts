import { describe, expect, test } from 'vitest'
import { parseProxyHeader } from '../../src/proxy/proxy-parser.js'
import { ProxyProtocolError, type ProxyErrorCode } from '../../src/proxy/proxy-header.js'

function parse(text: string) {
  return parseProxyHeader(Buffer.from(text, 'latin1'))
}

function codeOf(text: string): ProxyErrorCode | 'no error' {
  try {
    parse(text)
    return 'no error'
  } catch (err) {
    expect(err).toBeInstanceOf(ProxyProtocolError)
    return (err as ProxyProtocolError).code
  }
}

describe('PROXY v1: valid headers', () => {
  test.each([
    ['PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n', 'tcp4', { address: '192.0.2.1', port: 56324 }, { address: '198.51.100.2', port: 443 }],
    ['PROXY TCP4 0.0.0.0 255.255.255.255 0 65535\r\n', 'tcp4', { address: '0.0.0.0', port: 0 }, { address: '255.255.255.255', port: 65535 }],
    ['PROXY TCP6 2001:db8::1 ::1 1 2\r\n', 'tcp6', { address: '2001:db8::1', port: 1 }, { address: '::1', port: 2 }],
    // IPv6 text is reported in RFC 5952 form, the way Node reports a peer.
    ['PROXY TCP6 2001:0DB8:0000:0000:0000:0000:0000:0001 ::FFFF:10.0.0.1 80 8080\r\n', 'tcp6', { address: '2001:db8::1', port: 80 }, { address: '::ffff:10.0.0.1', port: 8080 }],
    // The longest 107-byte line: two full IPv6 addresses and five-digit ports.
    [`PROXY TCP6 ${'ffff:'.repeat(7)}ffff ${'ffff:'.repeat(7)}ffff 65535 65535\r\n`, 'tcp6', { address: `${'ffff:'.repeat(7)}ffff`, port: 65535 }, { address: `${'ffff:'.repeat(7)}ffff`, port: 65535 }],
  ])('%j', (text, family, source, destination) => {
    const parsed = parse(text)
    expect(parsed).not.toBeNull()
    expect(parsed?.consumed).toBe(text.length)
    expect(parsed?.header).toEqual({ version: 1, command: 'proxy', family, transport: 'stream', source, destination, tlvs: [] })
  })

  test('a line of exactly 107 bytes (the bound of the specification) is accepted, 108 is not', () => {
    const longest = `PROXY UNKNOWN ${'ffff:'.repeat(7)}ffff ${'ffff:'.repeat(7)}ffff 65535 65535\r\n`
    expect(longest.length).toBe(107)
    expect(parse(longest)?.consumed).toBe(107)
    expect(codeOf(`PROXY UNKNOWN ${'ffff:'.repeat(7)}ffff ${'ffff:'.repeat(7)}ffff 65535 655350\r\n`)).toBe('v1-too-long')
  })

  test.each(['PROXY UNKNOWN\r\n', 'PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n', 'PROXY UNKNOWN 1.2.3.4 garbage\r\n'])(
    'UNKNOWN ignores what follows it up to the CRLF: %j',
    text => {
      const parsed = parse(text)
      expect(parsed?.consumed).toBe(text.length)
      expect(parsed?.header).toMatchObject({ version: 1, command: 'proxy', family: 'unknown', source: null, destination: null })
    },
  )

  test('the bytes after the header are not consumed', () => {
    const parsed = parse('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\nGET / HTTP/1.1\r\n\r\n')
    expect(parsed?.consumed).toBe('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n'.length)
  })

  test.each(['', 'P', 'PROXY', 'PROXY ', 'PROXY TCP4 1.2.3.4 5.6.7.8 1 2', 'PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r'])(
    'incomplete until the CRLF: %j',
    text => expect(parse(text)).toBeNull(),
  )
})

describe('PROXY v1: every error', () => {
  test.each<[string, ProxyErrorCode]>([
    ['GET / HTTP/1.1\r\n', 'missing-header'],
    ['PROXX TCP4', 'missing-header'],
    ['proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n', 'missing-header'],
    [`PROXY UNKNOWN ${'x'.repeat(100)}`, 'v1-too-long'],
    ['PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n', 'v1-bad-protocol'],
    ['PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n', 'v1-bad-protocol'],
    ['PROXY \r\n', 'v1-bad-protocol'],
    ['PROXY UNKNOWNX\r\n', 'v1-bad-protocol'],
    ['PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n', 'v1-bad-syntax'],
    ['PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n', 'v1-bad-syntax'],
    ['PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n', 'v1-bad-syntax'],
    ['PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n', 'v1-bad-syntax'],
    ['PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rX', 'v1-bad-syntax'],
    ['PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n', 'v1-bad-syntax'],
    ['PROXY TCP4 1.2.3.4\t5.6.7.8 1 2\r\n', 'v1-bad-syntax'],
    ['PROXY TCP4 1.2.3.4 5.6.7.8 1 2\0\r\n', 'v1-bad-syntax'],
    ['PROXY TCP4 1.2.3.\xff 5.6.7.8 1 2\r\n', 'v1-bad-syntax'],
    ['PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n', 'v1-bad-address'],
    ['PROXY TCP4 1.2.3.04 5.6.7.8 1 2\r\n', 'v1-bad-address'],
    ['PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n', 'v1-bad-address'],
    ['PROXY TCP4 ::1 5.6.7.8 1 2\r\n', 'v1-bad-address'],
    ['PROXY TCP6 1.2.3.4 ::1 1 2\r\n', 'v1-bad-address'],
    ['PROXY TCP6 ::1 1:2:3:4:5:6:7:8:9 1 2\r\n', 'v1-bad-address'],
    ['PROXY TCP6 ::1 1::2::3 1 2\r\n', 'v1-bad-address'],
    ['PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n', 'v1-bad-address'],
    ['PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n', 'v1-bad-port'],
    ['PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n', 'v1-bad-port'],
    ['PROXY TCP4 1.2.3.4 5.6.7.8 1 -2\r\n', 'v1-bad-port'],
    ['PROXY TCP4 1.2.3.4 5.6.7.8 1 0x2\r\n', 'v1-bad-port'],
  ])('%j → %s', (text, code) => {
    expect(codeOf(text)).toBe(code)
  })

  test('a byte that can never be valid is refused before the CRLF arrives', () => {
    expect(codeOf('PROXY TCP4 1.2.3.4\n')).toBe('v1-bad-syntax')
    expect(codeOf('PROXY TCP4 \x01')).toBe('v1-bad-syntax')
  })
})
