import { afterEach, describe, expect, it } from 'vitest'
import { encodeFrame, OPCODE, websocket, type WebSocketOptions } from 'tinyhttp-websocket'
import { closeAll, serve } from '../helpers/serve.js'
import { RawWs } from './raw-ws.js'

afterEach(closeAll)

const { CONTINUATION, TEXT, BINARY, CLOSE, PING } = OPCODE

/** An echo server that records what each server-side WebSocket's `close` event said. */
async function server(options: Partial<WebSocketOptions> = {}) {
  const closes: Array<[number, string]> = []
  const messages: string[] = []
  const served = await serve(
    websocket({ path: '/echo', ...options }, ws => {
      ws.on('message', (data, isBinary) => {
        messages.push(data.toString())
        ws.send(data, { binary: isBinary })
      })
      ws.on('close', (code, reason) => closes.push([code, reason.toString()]))
    }),
  )
  return { ...served, closes, messages }
}

function closeBody(code: number, reason: Uint8Array = new Uint8Array(0)): Buffer {
  const out = Buffer.alloc(2 + reason.length)
  out.writeUInt16BE(code, 0)
  out.set(reason, 2)
  return out
}

/** Raw bytes of a client frame with its first byte given (masked, key 0). */
function rawFrame(b0: number, payload: number[] = []): Buffer {
  return Buffer.from([b0, 0x80 | payload.length, 0, 0, 0, 0, ...payload])
}

describe('every close-code path over the wire, with a raw client', () => {
  it.each([
    ['an unmasked frame', (ws: RawWs) => ws.write(encodeFrame(TEXT, Buffer.from('hi'))), 1002],
    ['RSV1 without permessage-deflate', (ws: RawWs) => ws.write(rawFrame(0xc1)), 1002],
    ['RSV2', (ws: RawWs) => ws.write(rawFrame(0xa1)), 1002],
    ['a reserved opcode', (ws: RawWs) => ws.write(rawFrame(0x83)), 1002],
    ['a fragmented ping', (ws: RawWs) => ws.write(rawFrame(0x09)), 1002],
    ['a ping of 126 bytes', (ws: RawWs) => ws.send(PING, Buffer.alloc(126)), 1002],
    ['a continuation outside a message', (ws: RawWs) => ws.send(CONTINUATION, 'x'), 1002],
    ['a new message inside a fragmented one', (ws: RawWs) => (ws.send(TEXT, 'a', { fin: false }), ws.send(BINARY, 'b')), 1002],
    ['a close frame of 1 byte', (ws: RawWs) => ws.send(CLOSE, Buffer.from([3])), 1002],
    ['close code 1005, which is never sent', (ws: RawWs) => ws.send(CLOSE, closeBody(1005)), 1002],
    ['close code 2999', (ws: RawWs) => ws.send(CLOSE, closeBody(2999)), 1002],
    ['invalid UTF-8 in a text message', (ws: RawWs) => ws.send(TEXT, Buffer.from([0xc3, 0x28])), 1007],
    ['invalid UTF-8 across fragments', (ws: RawWs) => (ws.send(TEXT, Buffer.from([0xf0, 0x9f]), { fin: false }), ws.send(CONTINUATION, Buffer.from([0x41]))), 1007],
    ['a close reason that is not UTF-8', (ws: RawWs) => ws.send(CLOSE, closeBody(1000, Buffer.from([0xff]))), 1007],
    ['a frame over maxPayload (header only: no payload byte sent)', (ws: RawWs) => ws.write(Buffer.from([0x82, 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4])), 1009],
    ['fragments adding up past maxPayload', (ws: RawWs) => (ws.send(BINARY, Buffer.alloc(600), { fin: false }), ws.send(CONTINUATION, Buffer.alloc(600))), 1009],
  ])('%s → close %d, then the server closes TCP', async (_name, act, code) => {
    const { port, closes } = await server({ maxPayload: 1000 })
    const ws = await RawWs.upgrade(port)
    act(ws)
    const close = await ws.closeFrame()
    expect(close?.code).toBe(code)
    expect(await ws.waitForEnd(3000)).toBe(true)
    await expect.poll(() => closes.map(c => c[0])).toEqual([code])
  })

  it('a client close 1000 is answered with 1000; the server closes TCP; the handler sees 1000 and the reason', async () => {
    const { port, closes } = await server()
    const ws = await RawWs.upgrade(port)
    ws.send(CLOSE, closeBody(1000, Buffer.from('bye')))
    const frame = await ws.frame()
    expect(frame).toMatchObject({ fin: true, rsv: 0, opcode: CLOSE, masked: false })
    expect(frame?.payload.readUInt16BE(0)).toBe(1000)
    expect(await ws.waitForEnd(3000)).toBe(true)
    await expect.poll(() => closes).toEqual([[1000, 'bye']])
  })

  it('an empty close frame is answered with an empty one; the handler sees 1005', async () => {
    const { port, closes } = await server()
    const ws = await RawWs.upgrade(port)
    ws.send(CLOSE, '')
    const frame = await ws.frame()
    expect([frame?.opcode, frame?.payload.length]).toEqual([CLOSE, 0])
    expect(await ws.waitForEnd(3000)).toBe(true)
    await expect.poll(() => closes).toEqual([[1005, '']])
  })

  it('a connection cut without a close frame is 1006 for the handler', async () => {
    const { port, closes } = await server()
    const ws = await RawWs.upgrade(port)
    ws.close()
    await expect.poll(() => closes).toEqual([[1006, '']])
  })

  it('a peer that half-closes without a close frame gets the server FIN too (1006)', async () => {
    const { port, closes } = await server()
    const ws = await RawWs.upgrade(port)
    ws.socket.end()
    expect(await ws.waitForEnd(3000)).toBe(true)
    await expect.poll(() => closes).toEqual([[1006, '']])
  })

  it('a handler that throws closes the connection with 1011', async () => {
    const { port } = await serve(
      websocket({ path: '/echo' }, () => {
        throw new Error('handler bug')
      }),
    )
    const ws = await RawWs.upgrade(port)
    expect((await ws.closeFrame())?.code).toBe(1011)
  })

  it('a handler whose promise rejects closes the connection with 1011', async () => {
    const { port } = await serve(websocket({ path: '/echo' }, async () => Promise.reject(new Error('later'))))
    const ws = await RawWs.upgrade(port)
    expect((await ws.closeFrame())?.code).toBe(1011)
  })

  it('the server close(): close frame with code and reason; TCP closed by the server once the peer answers', async () => {
    let close: (() => void) | null = null
    const { port } = await serve(websocket({ path: '/echo' }, ws => {
        close = () => ws.close(4000, 'over')
      }),
    )
    const ws = await RawWs.upgrade(port)
    await expect.poll(() => close).not.toBeNull()
    close!()
    expect(await ws.closeFrame()).toEqual({ code: 4000, reason: 'over' })
    expect(ws.ended).toBe(false)
    ws.send(CLOSE, closeBody(4000))
    expect(await ws.waitForEnd(3000)).toBe(true)
  })

  it('the server close() to a peer that never answers: the socket is destroyed after closeTimeout', async () => {
    let close: (() => void) | null = null
    const closes: number[] = []
    const { port } = await serve(
      websocket({ path: '/echo', closeTimeout: 200 }, ws => {
        close = () => ws.close(1000)
        ws.on('close', code => closes.push(code))
      }),
    )
    const ws = await RawWs.upgrade(port)
    await expect.poll(() => close).not.toBeNull()
    close!()
    expect((await ws.closeFrame())?.code).toBe(1000)
    expect(await ws.waitForEnd(3000)).toBe(true)
    await expect.poll(() => closes).toEqual([1006])
  })

  it('messages before the close frame are delivered; bytes after it are ignored', async () => {
    const { port, messages, closes } = await server()
    const ws = await RawWs.upgrade(port)
    ws.write(Buffer.concat([encodeFrame(TEXT, Buffer.from('one'), { mask: true }), encodeFrame(CLOSE, closeBody(1000), { mask: true }), encodeFrame(TEXT, Buffer.from('two'), { mask: true })]))
    expect(await ws.waitForEnd(3000)).toBe(true)
    await expect.poll(() => closes.length).toBe(1)
    expect(messages).toEqual(['one'])
  })
})
