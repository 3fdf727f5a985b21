// The findings of third-party suites (Go's net/http server tables, Apache's strict request-line tests,
// llhttp's fixtures, HTTP Garden's payloads), sent over a raw socket to the spawned CLI.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { RawClient, rawRequest } from '../helpers/raw-client.js'
import { cleanupTemp, ensureBuilt, killAll, startCli, tempDir } from './helpers.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

const WINDOWS = process.platform === 'win32'
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

/** A root with index.html, file/a.. and a secret outside it. */
function site(): { cwd: string } {
  const cwd = tempDir()
  mkdirSync(join(cwd, 'site', 'file'), { recursive: true })
  writeFileSync(join(cwd, 'site', 'index.html'), '<!doctype html><title>home</title>')
  if (!WINDOWS) writeFileSync(join(cwd, 'site', 'file', 'a..'), 'two dots\n')
  writeFileSync(join(cwd, 'site', 'file', 'a'), 'plain a\n')
  writeFileSync(join(cwd, 'secret.txt'), 'SECRET')
  return { cwd }
}

const send = (port: number, line: string, headers = 'Host: 127.0.0.1\r\n') => rawRequest(port, `${line}\r\n${headers}\r\n`)

describe('through the CLI', () => {
  it.skipIf(WINDOWS)('GET /file/a.. → 200 with that file (RFC 3986 §3.3); /file/.. and encoded spellings → 400', async () => {
    const { cwd } = site()
    const cli = await startCli(['site', '--port', '0', '-q'], { cwd })
    const r = await send(cli.port, 'GET /file/a.. HTTP/1.1')
    expect(r.status).toBe(200)
    expect(r.body.toString()).toBe('two dots\n')
    for (const target of ['/file/..', '/file/../../secret.txt', '/file/%2e%2e/%2e%2e/secret.txt', '/file/%2E%2e', '/file/.%2e/index.html']) {
      const bad = await send(cli.port, `GET ${target} HTTP/1.1`)
      expect(bad.status, target).toBe(400)
      expect(bad.body.toString()).not.toContain('SECRET')
    }
  })

  it('GET / HTTP/1.2 → HTTP/1.1 200; HTTP/2.0 and HTTP/3.0 → 505; an invalid IPv6 literal in the target or Host → 400', async () => {
    const { cwd } = site()
    const cli = await startCli(['site', '--port', '0', '-q'], { cwd })
    const v12 = await send(cli.port, 'GET /index.html HTTP/1.2')
    expect(v12.statusLine).toBe('HTTP/1.1 200 OK')
    expect(v12.body.toString()).toContain('home')
    for (const v of ['2.0', '3.0']) expect((await send(cli.port, `GET /index.html HTTP/${v}`)).status, v).toBe(505)
    expect((await send(cli.port, 'GET http://[4712::abcd::]/index.html HTTP/1.1')).status).toBe(400)
    expect((await send(cli.port, 'GET /index.html HTTP/1.1', 'Host: [4712::abcd::]\r\n')).status).toBe(400)
    expect((await send(cli.port, 'GET /index.html HTTP/1.1', `Host: [::1]:${cli.port}\r\n`)).status).toBe(200)
  })

  it('FOO and get → 501 (its page for a browser, no Allow), POST → 405 + Allow; --seed-methods → 400 for all', async () => {
    const { cwd } = site()
    const cli = await startCli(['site', '--port', '0', '-q'], { cwd })
    for (const method of ['FOO', 'get', 'PROPFIND']) {
      for (const target of ['/index.html', '/']) {
        const r = await send(cli.port, `${method} ${target} HTTP/1.1`, `Host: 127.0.0.1\r\nAccept: ${BROWSER}\r\n`)
        expect(r.statusLine, `${method} ${target}`).toBe('HTTP/1.1 501 Not Implemented')
        expect(r.headers.get('allow')).toBeUndefined()
        expect(r.body.toString()).toContain('<title>501 Not Implemented</title>')
        expect(r.body.toString()).not.toContain(method)
      }
    }
    const post = await send(cli.port, 'POST /index.html HTTP/1.1', 'Host: 127.0.0.1\r\nContent-Length: 0\r\n')
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toEqual(['GET, HEAD'])
    // A path nobody serves stays the default-deny 403 whatever the method: no probing by method.
    expect((await send(cli.port, 'FOO /missing.txt HTTP/1.1')).status).toBe(403)
    await killAll()

    const seeded = await startCli(['site', '--port', '0', '-q', '--seed-methods'], { cwd })
    for (const line of ['FOO /index.html HTTP/1.1', 'get /index.html HTTP/1.1', 'POST /index.html HTTP/1.1']) {
      expect((await send(seeded.port, line, 'Host: 127.0.0.1\r\nContent-Length: 0\r\n')).status, line).toBe(400)
    }
  })

  it('a GET whose malformed chunked body came with its head → 400 and close; the request smuggled behind it is never answered', async () => {
    const { cwd } = site()
    const cli = await startCli(['site', '--port', '0', '-q'], { cwd })
    const c = await RawClient.connect(cli.port)
    try {
      c.write('GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nGET /file/a HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
      const all = (await c.readAll(3000)).toString('latin1')
      expect(c.ended).toBe(true)
      expect([...all.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map(m => m[1])).toEqual(['400'])
      expect(all).not.toContain('plain a')
    } finally {
      c.close()
    }
  })
})
