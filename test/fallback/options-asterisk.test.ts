// `OPTIONS *` through the library chain: allowlist and static pass it on, fallback answers it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { allowlist } from 'tinyhttp-allowlist'
import { fallback } from 'tinyhttp-fallback'
import { serveStatic } from 'tinyhttp-static'
import { rawRequest } from '../helpers/raw-client.js'
import { closeAll, serve } from '../helpers/serve.js'

let root = ''
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tinyhttp-options-'))
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>x</title>\n')
})
afterAll(() => rmSync(root, { recursive: true, force: true }))
afterEach(closeAll)

const ASTERISK = 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n'

describe('OPTIONS * (RFC 9110 §9.3.7: the server as a whole)', () => {
  it('allowlist + static + fallback({ optionsAsterisk: true }): 204 No Content + Allow: GET, HEAD, OPTIONS', async () => {
    const list = allowlist(['index.html'], { root })
    await list.ready
    const { port } = await serve([fallback({ optionsAsterisk: true }), list, serveStatic(root)])
    const r = await rawRequest(port, ASTERISK)
    expect(r.statusLine).toBe('HTTP/1.1 204 No Content')
    expect(r.headers.get('allow')).toEqual(['GET, HEAD, OPTIONS'])
    expect(r.body.length).toBe(0)
    // A path is not the server: OPTIONS on a file is still refused like any method not served.
    const onFile = await rawRequest(port, 'OPTIONS /index.html HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(onFile.status).toBe(405)
    expect(onFile.headers.get('allow')).toEqual(['GET, HEAD'])
    list.close()
  })

  it('Allow lists the configured methods, OPTIONS once; a method status of 400 does not apply to it', async () => {
    const { port } = await serve([fallback({ methods: ['GET', 'HEAD', 'POST'], methodStatus: 400, optionsAsterisk: true })])
    const r = await rawRequest(port, ASTERISK)
    expect(r.status).toBe(204)
    expect(r.headers.get('allow')).toEqual(['GET, HEAD, POST, OPTIONS'])
    // OPTIONS among the methods served: `OPTIONS *` is answered without the option.
    const again = await serve([fallback({ methods: ['GET', 'OPTIONS', 'HEAD'] })])
    const r2 = await rawRequest(again.port, ASTERISK)
    expect(r2.status).toBe(204)
    expect(r2.headers.get('allow')).toEqual(['GET, OPTIONS, HEAD'])
  })

  it('by default it is a method like any other: 405 + Allow (never 400), behind allowlist and static too', async () => {
    const list = allowlist(['index.html'], { root })
    await list.ready
    const { port } = await serve([fallback(), list, serveStatic(root)])
    const r = await rawRequest(port, ASTERISK)
    expect(r.status).toBe(405)
    expect(r.headers.get('allow')).toEqual(['GET, HEAD'])
    list.close()
  })

  it('optionsAsterisk must be a boolean', () => {
    expect(() => fallback({ optionsAsterisk: 'yes' as unknown as boolean })).toThrow(TypeError)
  })

  it('allowlist and static alone pass it on (never a 400): what answers below them decides', async () => {
    const list = allowlist(['index.html'], { root })
    await list.ready
    const seen: string[] = []
    const { port } = await serve([
      list,
      serveStatic(root),
      ctx => {
        seen.push(`${ctx.req.path} ${String(ctx.state.allowlist)}`)
        ctx.res.status = 200
        ctx.res.body = 'below'
      },
    ])
    const r = await rawRequest(port, ASTERISK)
    expect(r.status).toBe(200)
    expect(r.body.toString()).toBe('below')
    expect(seen).toEqual(['* null'])
    list.close()
  })

  it('a path that is rejected is still a 400 (only the asterisk-form is passed on)', async () => {
    const list = allowlist(['index.html'], { root })
    await list.ready
    const { port } = await serve([fallback(), list, serveStatic(root)])
    expect((await rawRequest(port, 'OPTIONS /a/../index.html HTTP/1.1\r\nHost: x\r\n\r\n')).status).toBe(400)
    expect((await rawRequest(port, 'GET /%2e%2e/x HTTP/1.1\r\nHost: x\r\n\r\n')).status).toBe(400)
    list.close()
  })
})
