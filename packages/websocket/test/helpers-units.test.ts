import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isSameOrigin, originPolicy } from '../src/origin-policy.js'
import { isWholeUtf8 } from '../src/utf8-validator.js'
import { closePayload, encodeFrame, frameHeader } from '../src/frame-writer.js'
import { acceptKey, isHandshakeKey, isWireCloseCode, OPCODE, Utf8Validator } from '../src/index.js'

describe('handshake helpers', () => {
  it('acceptKey: the sample of RFC 6455 §1.3', () => {
    expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=')
  })

  it.each([
    ['dGhlIHNhbXBsZSBub25jZQ==', true],
    [Buffer.alloc(16, 0xff).toString('base64'), true],
    ['dGhlIHNhbXBsZSBub25jZQ', false],
    ['dGhlIHNhbXBsZSBub25jZQ=', false],
    [Buffer.alloc(15).toString('base64'), false],
    [Buffer.alloc(18).toString('base64'), false],
    ['dGhlIHNhbXBsZSBub25jZ-==', false],
    [' dGhlIHNhbXBsZSBub25jZQ==', false],
  ])('isHandshakeKey(%j) → %s', (key, ok) => {
    expect(isHandshakeKey(key)).toBe(ok)
  })
})

describe('close codes', () => {
  it.each([
    [999, false], [1000, true], [1001, true], [1002, true], [1003, true], [1004, false], [1005, false], [1006, false],
    [1007, true], [1011, true], [1014, true], [1015, false], [1016, false], [2999, false], [3000, true], [4999, true], [5000, false],
  ])('isWireCloseCode(%i) → %s', (code, ok) => {
    expect(isWireCloseCode(code)).toBe(ok)
  })
})

describe('serializer', () => {
  it.each([
    [0, '8100'],
    [125, '817d'],
    [126, '817e007e'],
    [65535, '817effff'],
    [65536, '817f0000000000010000'],
  ])('a %i-byte text frame has the shortest length form', (length, header) => {
    expect(frameHeader(OPCODE.TEXT, length).toString('hex')).toBe(header)
  })

  it('FIN, RSV1 and the mask bit', () => {
    expect(frameHeader(OPCODE.BINARY, 1, { fin: false, rsv1: true }).toString('hex')).toBe('4201')
    expect(encodeFrame(OPCODE.TEXT, Buffer.from('ab'), { mask: new Uint8Array([1, 2, 3, 4]) }).toString('hex')).toBe('818201020304' + '6060')
  })

  it('closePayload: code and reason; empty without a code', () => {
    expect(closePayload(1000, 'ok').toString('hex')).toBe('03e86f6b')
    expect(closePayload(undefined).length).toBe(0)
  })
})

describe('Origin policy', () => {
  it.each([
    ['http://localhost:8080', 'localhost:8080', true],
    ['http://LOCALHOST:8080', 'localhost:8080', true], // host names compare case-insensitively
    ['http://example.com:80', 'example.com', false], // a browser never writes the default port: not a serialized origin
    ['http://example.com', 'EXAMPLE.com', true],
    ['http://example.com', 'example.com:80', true],
    ['https://example.com', 'example.com:443', true],
    ['https://example.com', 'example.com:80', false],
    ['http://example.com:8080', 'example.com', false],
    ['http://[::1]:3000', '[::1]:3000', true],
    ['null', 'example.com', false],
    ['file://', 'example.com', false],
    ['http://example.com', undefined, false],
  ])('isSameOrigin(%j, %j) → %s', (origin, host, same) => {
    expect(isSameOrigin(origin, host)).toBe(same)
  })

  it('a list is normalized once (case, default port) and compared exactly', () => {
    const check = originPolicy(['HTTPS://App.Example:443'])
    const ctx = {} as never
    expect(check('https://app.example', 'api.example', ctx)).toBe(true)
    expect(check('https://app.example:8443', 'api.example', ctx)).toBe(false)
    expect(check(undefined, 'api.example', ctx)).toBe(true)
  })

  it.each([[['app.example']], [['https://app.example/x']], [['https://user@app.example']], [['ftp://app.example']], ['https://app.example']])('rejects %j', option => {
    expect(() => originPolicy(option as never)).toThrow(TypeError)
  })
})

describe('UTF-8 validator table', () => {
  it.each([
    ['ASCII', [0x61, 0x62], true],
    ['2-byte é', [0xc3, 0xa9], true],
    ['overlong 2-byte', [0xc0, 0xaf], false],
    ['overlong 3-byte', [0xe0, 0x80, 0xaf], false],
    ['surrogate U+D800', [0xed, 0xa0, 0x80], false],
    ['U+10FFFF', [0xf4, 0x8f, 0xbf, 0xbf], true],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], false],
    ['F5 lead', [0xf5, 0x80, 0x80, 0x80], false],
    ['stray continuation', [0x80], false],
    ['truncated 4-byte', [0xf0, 0x9f, 0x8e], false],
  ])('%s', (_name, bytes, ok) => {
    // Whole, and byte by byte.
    const whole = new Utf8Validator()
    expect(whole.update(new Uint8Array(bytes)) && whole.end()).toBe(ok)
    const bytewise = new Utf8Validator()
    let result = true
    for (const b of bytes) result = bytewise.update(new Uint8Array([b])) && result
    expect(result && bytewise.end()).toBe(ok)
    // A whole single-frame message, short (the ASCII scan) and long (past it: the native check).
    expect(isWholeUtf8(new Uint8Array(bytes))).toBe(ok)
    expect(isWholeUtf8(new Uint8Array([...new Array(70).fill(0x61), ...bytes]))).toBe(ok)
  })

  it('isWholeUtf8 agrees with the incremental validator on any bytes, short and long', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), fc.string({ unit: 'binary' }).map(t => new Uint8Array(Buffer.from(t))), fc.uint8Array({ minLength: 60, maxLength: 200 })), bytes => {
        const v = new Utf8Validator()
        expect(isWholeUtf8(bytes)).toBe(v.update(bytes) && v.end())
      }),
      { numRuns: 1000 },
    )
  })
})
