import type { Context } from 'tinyhttp-core'
import { afterEach, describe, expect, it } from 'vitest'
import { RawClient } from '../helpers/raw-client.js'
import { closeAll, serve, sleep } from '../helpers/serve.js'

afterEach(closeAll)

/** Echoes the request body (or says `empty`). */
async function echo(ctx: Context): Promise<void> {
  const body = await ctx.req.text()
  ctx.res.body = body === '' ? 'empty' : body
}

describe('the request timeout of a body pipelined behind another request', () => {
  it('starts when its bytes arrive, also when they came in the read that ended the previous request', async () => {
    // The deadline scan runs every 10–1000 ms; the body's second half comes well after several scans.
    const { port } = await serve(echo, { requestTimeout: 5000, keepAliveTimeout: 5000, headersTimeout: 5000, lingerTimeout: 40 })
    const c = await RawClient.connect(port)
    c.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello')
    const first = await c.readResponse()
    expect([first.status, first.body.toString()]).toEqual([200, 'empty'])
    await sleep(300)
    c.write('world')
    const second = await c.readResponse()
    expect([second.status, second.body.toString()]).toEqual([200, 'helloworld'])
    expect(c.ended).toBe(false)
    c.close()
  })
})
