import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { websocket } from 'tinyhttp-websocket'
import { closeAll, serve } from '../helpers/serve.js'
import { closed, nextMessage, openClient, payload } from './helpers.js'

afterEach(closeAll)

/** An echo server: every message comes back with its type. */
function echo(maxPayload = 16 * 1024 * 1024) {
  return websocket({ path: '/echo', maxPayload }, ws => {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }))
  })
}

describe('echo through the ws package as a client', () => {
  const sizes = [0, 125, 126, 64 * 1024, 16 * 1024 * 1024]
  for (const text of [true, false]) {
    it.each(sizes)(`${text ? 'text' : 'binary'} of %i bytes comes back byte for byte`, async size => {
      const { port } = await serve(echo())
      const client = await openClient(port)
      const sent = payload(size, text)
      client.send(text ? sent.toString('utf8') : sent, { binary: !text })
      const got = await nextMessage(client)
      expect(got.isBinary).toBe(!text)
      expect(got.data.length).toBe(size)
      expect(got.data.equals(sent)).toBe(true)
      client.close(1000)
      expect(await closed(client)).toEqual({ code: 1000, reason: '' })
    })
  }

  it('a message sent in fragments (fin: false) comes back whole', async () => {
    const { port } = await serve(echo())
    const client = await openClient(port)
    client.send('frag', { fin: false })
    client.send('men', { fin: false })
    client.send('ted €', { fin: true })
    const got = await nextMessage(client)
    expect([got.data.toString(), got.isBinary]).toEqual(['fragmented €', false])
    client.send(Buffer.from([1, 2]), { binary: true, fin: false })
    client.send(Buffer.from([3]), { binary: true, fin: true })
    const bin = await nextMessage(client)
    expect([[...bin.data], bin.isBinary]).toEqual([[1, 2, 3], true])
    client.terminate()
  })

  it('many messages in a row come back in order', async () => {
    const { port } = await serve(echo())
    const client = await openClient(port)
    const got: string[] = []
    const done = new Promise<void>(resolve => client.on('message', data => got.push(data.toString()) === 200 && resolve()))
    for (let i = 0; i < 200; i++) client.send(`m${i}`)
    await done
    expect(got).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`))
    client.terminate()
  })

  it('the server closes TCP after the closing handshake started by the client; the handler sees the code and reason', async () => {
    const seen: Array<[number, string]> = []
    const { port } = await serve(
      websocket({ path: '/echo' }, ws => {
        ws.on('close', (code, reason) => seen.push([code, reason.toString()]))
      }),
    )
    const client = await openClient(port)
    client.close(4001, 'done here')
    expect(await closed(client)).toEqual({ code: 4001, reason: '' })
    await expect.poll(() => seen).toEqual([[4001, 'done here']])
  })

  it('ping from the client is answered with a pong carrying the same bytes', async () => {
    const { port } = await serve(echo())
    const client = await openClient(port)
    client.ping(Buffer.from('are you there'))
    const [data] = (await once(client, 'pong')) as [Buffer]
    expect(data.toString()).toBe('are you there')
    client.terminate()
  })
})
