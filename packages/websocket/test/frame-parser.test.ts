import { describe, expect, it } from 'vitest'
import { frameHeader, OPCODE } from '../src/index.js'
import { clientFrame, parse } from './helpers.js'

const { CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG } = OPCODE

/** A close frame's payload: code, then reason bytes. */
function closeBody(code: number, reason: Uint8Array | string = ''): Buffer {
  const text = typeof reason === 'string' ? Buffer.from(reason) : Buffer.from(reason)
  const out = Buffer.alloc(2 + text.length)
  out.writeUInt16BE(code, 0)
  text.copy(out, 2)
  return out
}

function bytes(...parts: Array<Uint8Array | number[]>): Buffer {
  return Buffer.concat(parts.map(p => Buffer.from(p)))
}

describe('frame parser: valid input (RFC 6455 §5)', () => {
  it.each([
    ['an empty text message', clientFrame(TEXT, ''), [{ fin: true, rsv1: false, opcode: TEXT, payload: '' }]],
    ['a text message', clientFrame(TEXT, 'hi'), [{ fin: true, rsv1: false, opcode: TEXT, payload: '6869' }]],
    ['125 bytes (7-bit length)', clientFrame(BINARY, Buffer.alloc(125, 1)), [{ fin: true, rsv1: false, opcode: BINARY, payload: '01'.repeat(125) }]],
    ['126 bytes (16-bit length)', clientFrame(BINARY, Buffer.alloc(126, 2)), [{ fin: true, rsv1: false, opcode: BINARY, payload: '02'.repeat(126) }]],
    ['65536 bytes (64-bit length)', clientFrame(BINARY, Buffer.alloc(65536, 3)), [{ fin: true, rsv1: false, opcode: BINARY, payload: '03'.repeat(65536) }]],
    [
      'fragments with a ping between them',
      bytes(clientFrame(TEXT, 'he', { fin: false }), clientFrame(PING, 'p'), clientFrame(CONTINUATION, 'llo')),
      [
        { fin: false, rsv1: false, opcode: TEXT, payload: '6865' },
        { fin: true, rsv1: false, opcode: PING, payload: '70' },
        { fin: true, rsv1: false, opcode: CONTINUATION, payload: '6c6c6f' },
      ],
    ],
    ['a pong of 125 bytes', clientFrame(PONG, Buffer.alloc(125)), [{ fin: true, rsv1: false, opcode: PONG, payload: '00'.repeat(125) }]],
    ['an empty close frame', clientFrame(CLOSE, ''), [{ fin: true, rsv1: false, opcode: CLOSE, payload: '' }]],
    ['close 1000 with a reason', clientFrame(CLOSE, closeBody(1000, 'bye')), [{ fin: true, rsv1: false, opcode: CLOSE, payload: '03e8627965' }]],
    ['close 3000 and 4999 (application codes)', clientFrame(CLOSE, closeBody(4999)), [{ fin: true, rsv1: false, opcode: CLOSE, payload: '1387' }]],
    ['a binary message that is not UTF-8', clientFrame(BINARY, Buffer.from([0xff, 0xfe])), [{ fin: true, rsv1: false, opcode: BINARY, payload: 'fffe' }]],
    [
      'a character split across two fragments',
      bytes(clientFrame(TEXT, Buffer.from([0xe2, 0x82]), { fin: false }), clientFrame(CONTINUATION, Buffer.from([0xac]))),
      [
        { fin: false, rsv1: false, opcode: TEXT, payload: 'e282' },
        { fin: true, rsv1: false, opcode: CONTINUATION, payload: 'ac' },
      ],
    ],
  ])('%s', (_name, input, frames) => {
    expect(parse(input)).toEqual({ frames, error: null })
  })

  it('RSV1 on the first frame of a message when permessage-deflate was negotiated (text not checked: it is compressed)', () => {
    const input = bytes(clientFrame(TEXT, Buffer.from([0xff]), { fin: false, rsv1: true }), clientFrame(CONTINUATION, Buffer.from([0x00])))
    expect(parse(input, { rsv1: true })).toEqual({
      frames: [
        { fin: false, rsv1: true, opcode: TEXT, payload: 'ff' },
        { fin: true, rsv1: false, opcode: CONTINUATION, payload: '00' },
      ],
      error: null,
    })
  })

  it('ignores everything after a close frame', () => {
    const input = bytes(clientFrame(CLOSE, closeBody(1000)), clientFrame(TEXT, 'late'), [0xff, 0xff])
    expect(parse(input)).toEqual({ frames: [{ fin: true, rsv1: false, opcode: CLOSE, payload: '03e8' }], error: null })
  })

  it('a message of exactly maxPayload bytes, in two fragments', () => {
    const input = bytes(clientFrame(BINARY, Buffer.alloc(60), { fin: false }), clientFrame(CONTINUATION, Buffer.alloc(40)))
    expect(parse(input, { maxPayload: 100 }).error).toBeNull()
  })

  it('client role: reads unmasked server frames', () => {
    expect(parse(clientFrame(TEXT, 'ok', { mask: false }), { role: 'client' })).toEqual({ frames: [{ fin: true, rsv1: false, opcode: TEXT, payload: '6f6b' }], error: null })
  })

  it('never modifies the bytes it is given', () => {
    const input = clientFrame(TEXT, 'masked payload')
    const copy = Buffer.from(input)
    parse(input, {}, [3, 7])
    expect(input).toEqual(copy)
  })
})

describe('frame parser: each rule and its close code', () => {
  const masked = (b0: number, payload: number[] = []): Buffer => bytes([b0, 0x80 | payload.length, 1, 2, 3, 4], payload.map((b, i) => b ^ [1, 2, 3, 4][i & 3]!))
  it.each([
    ['an unmasked client frame', clientFrame(TEXT, 'hi', { mask: false }), {}, 'unmasked-frame', 1002],
    ['a masked server frame (client role)', clientFrame(TEXT, 'hi'), { role: 'client' as const }, 'masked-frame', 1002],
    ['RSV1 without permessage-deflate', masked(0xc1), {}, 'reserved-bits', 1002],
    ['RSV2', masked(0xa1), { rsv1: true }, 'reserved-bits', 1002],
    ['RSV3', masked(0x91), { rsv1: true }, 'reserved-bits', 1002],
    ['RSV1 on a continuation', bytes(clientFrame(TEXT, 'a', { fin: false, rsv1: true }), masked(0xc0)), { rsv1: true }, 'reserved-bits', 1002],
    ['RSV1 on a control frame', masked(0xc9), { rsv1: true }, 'reserved-bits', 1002],
    ['reserved opcode 3', masked(0x83), {}, 'reserved-opcode', 1002],
    ['reserved opcode 7', masked(0x87), {}, 'reserved-opcode', 1002],
    ['reserved opcode 0xB', masked(0x8b), {}, 'reserved-opcode', 1002],
    ['reserved opcode 0xF', masked(0x8f), {}, 'reserved-opcode', 1002],
    ['a fragmented ping', masked(0x09), {}, 'fragmented-control', 1002],
    ['a fragmented close', masked(0x08), {}, 'fragmented-control', 1002],
    ['a ping of 126 bytes', clientFrame(PING, Buffer.alloc(126)), {}, 'control-too-long', 1002],
    ['a continuation outside a message', clientFrame(CONTINUATION, 'x'), {}, 'unexpected-continuation', 1002],
    ['a continuation after a finished message', bytes(clientFrame(TEXT, 'a'), clientFrame(CONTINUATION, 'b')), {}, 'unexpected-continuation', 1002],
    ['a new message inside a fragmented one', bytes(clientFrame(TEXT, 'a', { fin: false }), clientFrame(BINARY, 'b')), {}, 'expected-continuation', 1002],
    ['a 64-bit length with its high bit set', bytes([0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4]), {}, 'length-high-bit', 1002],
    ['a frame over maxPayload', clientFrame(BINARY, Buffer.alloc(101)), { maxPayload: 100 }, 'message-too-big', 1009],
    ['fragments that add up past maxPayload', bytes(clientFrame(BINARY, Buffer.alloc(60), { fin: false }), clientFrame(CONTINUATION, Buffer.alloc(41))), { maxPayload: 100 }, 'message-too-big', 1009],
    ['invalid UTF-8 in a text message', clientFrame(TEXT, Buffer.from([0x61, 0xc0, 0xaf])), {}, 'invalid-utf8', 1007],
    ['a surrogate in a text message', clientFrame(TEXT, Buffer.from([0xed, 0xa0, 0x80])), {}, 'invalid-utf8', 1007],
    ['a text message ending inside a character', clientFrame(TEXT, Buffer.from([0xe2, 0x82])), {}, 'invalid-utf8', 1007],
    ['invalid UTF-8 in a first fragment (found before the message ends)', clientFrame(TEXT, Buffer.from([0xff]), { fin: false }), {}, 'invalid-utf8', 1007],
    ['a fragmented text message ending inside a character', bytes(clientFrame(TEXT, 'a', { fin: false }), clientFrame(CONTINUATION, Buffer.from([0xf0, 0x9f]))), {}, 'invalid-utf8', 1007],
    ['a close frame of 1 byte', clientFrame(CLOSE, Buffer.from([0x03])), {}, 'close-payload-length', 1002],
    ['close code 999', clientFrame(CLOSE, closeBody(999)), {}, 'invalid-close-code', 1002],
    ['close code 1004 (reserved)', clientFrame(CLOSE, closeBody(1004)), {}, 'invalid-close-code', 1002],
    ['close code 1005 (never sent)', clientFrame(CLOSE, closeBody(1005)), {}, 'invalid-close-code', 1002],
    ['close code 1006 (never sent)', clientFrame(CLOSE, closeBody(1006)), {}, 'invalid-close-code', 1002],
    ['close code 1015 (never sent)', clientFrame(CLOSE, closeBody(1015)), {}, 'invalid-close-code', 1002],
    ['close code 2999 (reserved)', clientFrame(CLOSE, closeBody(2999)), {}, 'invalid-close-code', 1002],
    ['close code 5000', clientFrame(CLOSE, closeBody(5000)), {}, 'invalid-close-code', 1002],
    ['a close reason that is not UTF-8', clientFrame(CLOSE, closeBody(1000, Buffer.from([0xc3]))), {}, 'invalid-close-reason', 1007],
  ])('%s → %s (%d)', (_name, input, options, code, closeCode) => {
    const result = parse(input, options)
    expect(result.error).toEqual({ code, closeCode })
  })

  it('maxPayload is decided from the header alone, before any payload byte arrives', () => {
    // A header announcing 2^40 bytes and nothing else: the parser must not wait for (or allocate) them.
    const header = frameHeader(BINARY, 2 ** 40, { mask: new Uint8Array([1, 2, 3, 4]) })
    expect(parse(header, { maxPayload: 16 * 1024 * 1024 }).error).toEqual({ code: 'message-too-big', closeCode: 1009 })
  })

  it('reports no frame after an error, whatever follows', () => {
    const input = bytes(clientFrame(TEXT, 'a', { mask: false }), clientFrame(TEXT, 'b'))
    expect(parse(input)).toEqual({ frames: [], error: { code: 'unmasked-frame', closeCode: 1002 } })
  })

  it('frames before the error are reported', () => {
    const input = bytes(clientFrame(TEXT, 'ok'), clientFrame(0x3, ''))
    expect(parse(input)).toEqual({ frames: [{ fin: true, rsv1: false, opcode: TEXT, payload: '6f6b' }], error: { code: 'reserved-opcode', closeCode: 1002 } })
  })

  it('rejects a maxPayload that is not a positive integer', async () => {
    const { FrameParser } = await import('../src/index.js')
    const handler = { onFrame: () => {}, onError: () => {} }
    expect(() => new FrameParser(handler, { maxPayload: 0 })).toThrow(TypeError)
    expect(() => new FrameParser(handler, { maxPayload: 1.5 })).toThrow(TypeError)
  })
})
