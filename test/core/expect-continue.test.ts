import { afterEach, describe, expect, it } from 'vitest'
import { RawClient } from '../helpers/raw-client.js'
import { closeAll, serve, sleep } from '../helpers/serve.js'

afterEach(closeAll)

describe('Expect (RFC 9110 §10.1.1)', () => {
  it('sends 100 Continue when the application starts reading the body', async () => {
    const { port } = await serve(async ctx => {
      ctx.res.body = `got:${await ctx.req.text()}`
    })
    const c = await RawClient.connect(port)
    c.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n')
    const interim = await c.readResponse()
    expect(interim.statusLine).toBe('HTTP/1.1 100 Continue')
    c.write('hello')
    const final = await c.readResponse()
    expect(final.body.toString()).toBe('got:hello')
    c.close()
  })

  it('does not send 100 Continue when the application answers without reading, and closes', async () => {
    const { port } = await serve(ctx => {
      ctx.res.status = 405
      ctx.res.body = ''
    })
    const c = await RawClient.connect(port)
    c.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n')
    const r = await c.readResponse()
    expect(r.status).toBe(405)
    expect(r.headers.get('connection')).toEqual(['close'])
    expect(await c.waitForEnd(4000)).toBe(true)
  })

  it('answers 417 to an unknown expectation without running the chain', async () => {
    let ran = false
    const { port } = await serve(ctx => {
      ran = true
      ctx.res.body = 'x'
    })
    const c = await RawClient.connect(port)
    c.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: something-else\r\n\r\nabc')
    const r = await c.readResponse()
    expect(r.status).toBe(417)
    expect(r.headers.get('connection')).toEqual(['close'])
    await sleep(20)
    expect(ran).toBe(false)
  })

  it('ignores 100-continue on HTTP/1.0 (no interim response)', async () => {
    const { port } = await serve(async ctx => {
      ctx.res.body = await ctx.req.text()
    })
    const c = await RawClient.connect(port)
    c.write('POST / HTTP/1.0\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\nok')
    const all = (await c.readAll()).toString('latin1')
    expect(all).not.toContain('100 Continue')
    expect(all.endsWith('ok')).toBe(true)
  })
})
