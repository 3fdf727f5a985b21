// OPTIONS through the CLI: `OPTIONS *` asks about the server as a whole (RFC 9110 §9.3.7).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { RawClient } from '../helpers/raw-client.js'
import { cleanupTemp, demoSite, ensureBuilt, killAll, startCli } from './helpers.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

describe('OPTIONS through the spawned CLI', () => {
  it('OPTIONS * → 204 No Content + Allow: GET, HEAD, OPTIONS, no body; the connection goes on', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['--port', '0', '--log-format', 'json'], { cwd })
    const c = await RawClient.connect(cli.port)
    try {
      c.write('OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\nGET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n')
      const r = await c.readResponse()
      expect(r.statusLine).toBe('HTTP/1.1 204 No Content')
      expect(r.headers.get('allow')).toEqual(['GET, HEAD, OPTIONS'])
      expect(r.headers.has('content-length')).toBe(false)
      expect(r.headers.has('transfer-encoding')).toBe(false)
      expect(r.headers.has('connection')).toBe(false)
      const next = await c.readResponse()
      expect(next.status).toBe(200)
      expect(next.body.toString()).toMatch(/<html/i)
    } finally {
      c.close()
    }
    const [line] = await cli.waitForStdout(/^\{.*"status":204.*\}$/m)
    expect(JSON.parse(line)).toMatchObject({ method: 'OPTIONS', path: '*', status: 204, reason: 'fallback:options' })
  })

  it('OPTIONS * with a body, over HTTP/1.0, and with --not-found 404 / --seed-methods: still 204 + Allow, never 400', async () => {
    const { cwd } = demoSite()
    for (const args of [[], ['--not-found', '404'], ['--seed-methods']]) {
      const cli = await startCli(['--port', '0', '-q', ...args], { cwd })
      const c = await RawClient.connect(cli.port)
      try {
        c.write('OPTIONS * HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n\r\nabcdOPTIONS * HTTP/1.0\r\n\r\n')
        for (const version of ['1.1', '1.0']) {
          const r = await c.readResponse()
          expect(r.statusLine, `${args.join(' ')} ${version}`).toBe(`HTTP/1.1 204 No Content`)
          expect(r.headers.get('allow')).toEqual(['GET, HEAD, OPTIONS'])
        }
      } finally {
        c.close()
      }
      await killAll()
    }
  })

  it('OPTIONS on a path: plain → 405 + Allow: GET, HEAD on a served file, 403 elsewhere; a preflight → 204 from cors', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['--port', '0', '-q'], { cwd })
    const c = await RawClient.connect(cli.port)
    try {
      c.write('OPTIONS /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n')
      const plain = await c.readResponse()
      expect(plain.status).toBe(405)
      expect(plain.headers.get('allow')).toEqual(['GET, HEAD'])
      c.write('OPTIONS /missing.html HTTP/1.1\r\nHost: localhost\r\n\r\n')
      expect((await c.readResponse()).status).toBe(403)
      c.write('OPTIONS /index.html HTTP/1.1\r\nHost: localhost\r\nOrigin: https://x.example\r\nAccess-Control-Request-Method: GET\r\n\r\n')
      const preflight = await c.readResponse()
      expect(preflight.status).toBe(204)
      expect(preflight.headers.get('access-control-allow-origin')).toEqual(['*'])
    } finally {
      c.close()
    }
  })
})
