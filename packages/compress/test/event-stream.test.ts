// text/event-stream is flushed after every chunk: the client decodes each event before the server writes
// the next one. Without the flush, zlib would hold small events back until it had a block's worth.
import { request } from 'node:http'
import { PassThrough } from 'node:stream'
import type { Context } from 'tinyhttp-core'
import { afterEach, describe, expect, it } from 'vitest'
import { compress } from '../src/index.js'
import { decoder, listen, waitFor, type Listening } from './wire.js'

let server: Listening | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('text/event-stream', () => {
  it.each(['br', 'gzip'])('%s: each event reaches the client, decoded, before the next is written', async coding => {
    const events = new PassThrough()
    server = await listen([
      compress(),
      (ctx: Context) => {
        ctx.res.headers.set('Content-Type', 'text/event-stream; charset=utf-8')
        ctx.res.headers.set('Cache-Control', 'no-cache')
        ctx.res.body = events
      },
    ])
    let decoded = ''
    let headers: Record<string, unknown> = {}
    const req = request({ host: '127.0.0.1', port: server.port, path: '/events', agent: false, headers: { 'accept-encoding': coding } })
    const done = new Promise<void>((resolve, reject) => {
      req.on('response', res => {
        headers = res.headers
        const d = decoder(String(res.headers['content-encoding']))
        d.on('data', (chunk: Buffer) => (decoded += chunk.toString('utf8')))
        d.on('end', resolve)
        d.on('error', reject)
        res.pipe(d)
      })
      req.on('error', reject)
    })
    req.end()

    const written: string[] = []
    for (let i = 0; i < 5; i++) {
      const event = `id: ${i}\ndata: tick ${i} ${'x'.repeat(i * 10)}\n\n`
      events.write(event)
      written.push(event)
      // The client has all of this event (and so all before it) before the next one is written.
      await waitFor(() => decoded === written.join(''), `event ${i} at the client`)
    }
    events.end()
    await done
    expect(headers['content-encoding']).toBe(coding)
    expect(headers['content-type']).toBe('text/event-stream; charset=utf-8')
    expect(decoded).toBe(written.join(''))
  })
})
