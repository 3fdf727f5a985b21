import { HttpError } from 'tinyhttp-core'
import { afterEach, describe, expect, it } from 'vitest'
import { rawRequest } from '../helpers/raw-client.js'
import { closeAll, serve } from '../helpers/serve.js'

afterEach(closeAll)

const get = (port: number, target: string) => rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`)

describe('status line: the reason phrase comes from the status text table', () => {
  const cases: Array<[number, string, string]> = [
    // status, status line, body (exposed message below 500, else the status text or 'Error')
    [418, "HTTP/1.1 418 I'm a Teapot", "I'm a Teapot"],
    [425, 'HTTP/1.1 425 Too Early', 'Too Early'],
    [451, 'HTTP/1.1 451 Unavailable For Legal Reasons', 'Unavailable For Legal Reasons'],
    [404, 'HTTP/1.1 404 Not Found', 'Not Found'],
    // Unknown code: the reason phrase is empty but the SP before it is required (RFC 9112 §4).
    [599, 'HTTP/1.1 599 ', 'Error'],
  ]

  it.each(cases)('throw new HttpError(%i) → %j', async (status, line, body) => {
    const { port } = await serve(() => {
      throw new HttpError(status)
    }, { onError: () => {} })
    const r = await get(port, '/')
    expect(r.statusLine).toBe(line)
    expect(r.body.toString()).toBe(body)
  })

  it.each(cases)('ctx.res.status = %i → %j', async (status, line) => {
    const { port } = await serve(ctx => {
      ctx.res.status = status
      ctx.res.body = 'x'
    })
    const r = await get(port, '/')
    expect(r.statusLine).toBe(line)
    expect(r.body.toString()).toBe('x')
  })
})
