import { describe, expect, test } from 'vitest'
import { parseProxyHeader } from '../../src/proxy/proxy-parser.js'
import { ProxyProtocolError, type ProxyErrorCode } from '../../src/proxy/proxy-header.js'
import { inet4, ipv4, ipv6, port, SIGNATURE, tlv, unixPath, v2 } from './build-v2.js'

function codeOf(bytes: Buffer, maxTlvBytes?: number): ProxyErrorCode | 'no error' {
  try {
    parseProxyHeader(bytes, maxTlvBytes === undefined ? {} : { maxTlvBytes })
    return 'no error'
  } catch (err) {
    expect(err).toBeInstanceOf(ProxyProtocolError)
    return (err as ProxyProtocolError).code
  }
}

const INET6_BODY = [...ipv6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]), ...ipv6([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001]), ...port(1), ...port(65535)]

describe('PROXY v2: valid headers', () => {
  test('PROXY over AF_INET/STREAM', () => {
    const bytes = inet4()
    expect(bytes.length).toBe(28)
    expect(parseProxyHeader(bytes)).toEqual({
      consumed: 28,
      header: {
        version: 2,
        command: 'proxy',
        family: 'tcp4',
        transport: 'stream',
        source: { address: '192.0.2.1', port: 56324 },
        destination: { address: '198.51.100.2', port: 443 },
        tlvs: [],
      },
    })
  })

  test('PROXY over AF_INET6/STREAM, addresses in RFC 5952 form', () => {
    const parsed = parseProxyHeader(v2({ familyTransport: 0x21, body: INET6_BODY }))
    expect(parsed?.consumed).toBe(16 + 36)
    expect(parsed?.header).toMatchObject({
      family: 'tcp6',
      transport: 'stream',
      source: { address: '2001:db8::1', port: 1 },
      destination: { address: '::ffff:10.0.0.1', port: 65535 },
    })
  })

  test('AF_INET over DGRAM reports the transport', () => {
    expect(parseProxyHeader(v2({ familyTransport: 0x12, body: [...ipv4('1.2.3.4'), ...ipv4('5.6.7.8'), 0, 1, 0, 2] }))?.header).toMatchObject({
      family: 'tcp4',
      transport: 'dgram',
      source: { address: '1.2.3.4', port: 1 },
    })
  })

  test('AF_UNIX: the paths up to their NUL, port 0', () => {
    const parsed = parseProxyHeader(v2({ familyTransport: 0x31, body: [...unixPath('/run/haproxy.sock'), ...unixPath('/run/app.sock')] }))
    expect(parsed?.consumed).toBe(16 + 216)
    expect(parsed?.header).toMatchObject({
      family: 'unix',
      source: { address: '/run/haproxy.sock', port: 0 },
      destination: { address: '/run/app.sock', port: 0 },
    })
  })

  test('AF_UNSPEC: no addresses', () => {
    expect(parseProxyHeader(v2({ familyTransport: 0x00 }))).toEqual({
      consumed: 16,
      header: { version: 2, command: 'proxy', family: 'unknown', transport: 'unspec', source: null, destination: null, tlvs: [] },
    })
  })

  test('LOCAL (a health check by the proxy itself): addresses ignored, TLVs still read', () => {
    const parsed = parseProxyHeader(inet4(tlv(0x04, [0, 0]), 0x20))
    expect(parsed?.header).toMatchObject({ command: 'local', family: 'unknown', source: null, destination: null })
    expect(parsed?.header.tlvs.map(t => [t.type, [...t.value]])).toEqual([[0x04, [0, 0]]])
    expect(parseProxyHeader(v2({ versionCommand: 0x20, familyTransport: 0x00 }))?.header.command).toBe('local')
  })

  test('TLVs in order (ALPN, authority, unique id, an SSL TLV with sub-TLVs kept raw, an empty one)', () => {
    const tlvs = [...tlv(0x01, [...Buffer.from('h2')]), ...tlv(0x02, [...Buffer.from('example.com')]), ...tlv(0x05, [1, 2, 3]), ...tlv(0x20, [0x01, 0, 0, 0, 0, ...tlv(0x21, [...Buffer.from('TLSv1.3')])]), ...tlv(0xe0, [])]
    const parsed = parseProxyHeader(inet4(tlvs))
    expect(parsed?.consumed).toBe(28 + tlvs.length)
    expect(parsed?.header.tlvs.map(t => [t.type, Buffer.from(t.value).toString('latin1')])).toEqual([
      [0x01, 'h2'],
      [0x02, 'example.com'],
      [0x05, '\x01\x02\x03'],
      [0x20, `\x01\0\0\0\0\x21\0\x07TLSv1.3`],
      [0xe0, ''],
    ])
  })

  test('a TLV block of exactly the limit is accepted', () => {
    const block = tlv(0xe0, new Array<number>(2048 - 3).fill(7))
    expect(parseProxyHeader(inet4(block))?.header.tlvs[0]?.value.length).toBe(2045)
    expect(codeOf(inet4(tlv(0xe0, [1, 2])), 5)).toBe('no error')
  })

  test('the bytes after the header are not consumed', () => {
    const bytes = Buffer.concat([inet4(), Buffer.from('GET / HTTP/1.1\r\n\r\n')])
    expect(parseProxyHeader(bytes)?.consumed).toBe(28)
  })

  test('incomplete until the announced length has arrived', () => {
    const bytes = inet4(tlv(0x04, [0, 0, 0]))
    for (let n = 0; n < bytes.length; n++) expect(parseProxyHeader(bytes.subarray(0, n))).toBeNull()
    expect(parseProxyHeader(bytes)?.consumed).toBe(bytes.length)
  })
})

describe('PROXY v2: every error', () => {
  test.each<[string, Buffer, ProxyErrorCode]>([
    ['a signature that goes wrong in its last byte', Buffer.from([...SIGNATURE.slice(0, 11), 0x0b, 0x21]), 'missing-header'],
    ['a signature that goes wrong in its first bytes', Buffer.from([0x0d, 0x0a, 0x0a]), 'missing-header'],
    ['TLS ClientHello instead of a header', Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]), 'missing-header'],
    ['version 1 in the binary form', v2({ versionCommand: 0x11 }), 'v2-bad-version'],
    ['version 3', v2({ versionCommand: 0x31 }), 'v2-bad-version'],
    ['command 2', v2({ versionCommand: 0x22 }), 'v2-bad-command'],
    ['command 15', v2({ versionCommand: 0x2f }), 'v2-bad-command'],
    ['family 4', v2({ familyTransport: 0x41 }), 'v2-bad-family'],
    ['transport 3', v2({ familyTransport: 0x13 }), 'v2-bad-family'],
    ['AF_INET with 11 address bytes', v2({ familyTransport: 0x11, body: new Array<number>(11).fill(1) }), 'v2-bad-length'],
    ['AF_INET6 with 12 address bytes', v2({ familyTransport: 0x21, body: new Array<number>(12).fill(1) }), 'v2-bad-length'],
    ['AF_UNIX with 215 address bytes', v2({ familyTransport: 0x31, body: new Array<number>(215).fill(0) }), 'v2-bad-length'],
    ['LOCAL whose length is still too short for its family', v2({ versionCommand: 0x20, familyTransport: 0x11, body: [1, 2] }), 'v2-bad-length'],
    ['a TLV block one byte over the limit', inet4(tlv(0xe0, new Array<number>(2046).fill(7))), 'v2-tlv-too-large'],
    ['the largest length announced, refused from the fixed 16 bytes alone', v2({ familyTransport: 0x11, length: 0xffff }), 'v2-tlv-too-large'],
    ['one stray byte after the addresses', inet4([0x04]), 'v2-bad-tlv'],
    ['two stray bytes after a TLV', inet4([...tlv(0x04, []), 0x04, 0x00]), 'v2-bad-tlv'],
    ['a TLV that announces more than the header holds', inet4([0x04, 0x00, 0x05, 1, 2]), 'v2-bad-tlv'],
  ])('%s', (_, bytes, code) => {
    expect(codeOf(bytes)).toBe(code)
  })

  test('a smaller configured limit refuses a block the default accepts', () => {
    expect(codeOf(inet4(tlv(0x04, [1, 2, 3])), 5)).toBe('v2-tlv-too-large')
  })
})
