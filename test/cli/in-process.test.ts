import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { run } from '../../packages/cli/src/cli.js'
import { start, type StartedServer } from '../../packages/cli/src/start.js'
import { CliError } from '../../packages/cli/src/errors.js'
import { createApp, RequestHeaders, Response, type App, type Context } from 'tinyhttp-core'
import { accessLog } from '../../packages/cli/src/access-log.js'
import { LineWriter, type CliIo } from '../../packages/cli/src/output.js'
import { serverUrls } from '../../packages/cli/src/listen.js'
import { backoff } from '../../packages/cli/src/workers.js'
import { rawRequest } from '../helpers/raw-client.js'
import { cleanupTemp, demoSite, request, sleep } from './helpers.js'

afterAll(cleanupTemp)

/** Streams that record what the CLI writes. */
function fakeIo(cwd: string, env: Record<string, string> = {}, tty = false): CliIo & { out: () => string; err: () => string } {
  let out = ''
  let err = ''
  return {
    stdout: { write: (s: string) => (out += s), isTTY: tty },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    env,
    cwd,
    out: () => out,
    err: () => err,
  }
}

const servers: StartedServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map(s => s.close(100)))
})

describe('start() in-process', () => {
  it('serves the demo and returns { app, url, close }', async () => {
    const { cwd, root } = demoSite()
    const io = fakeIo(cwd)
    const server = await start(['--port', '0'], io)
    servers.push(server)
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`)
    expect(server.files).toBe(2)
    expect(io.out()).toBe(`Local: ${server.url}\n`)
    const res = await rawRequest(server.port, request('GET', '/style.css'))
    expect(res.status).toBe(200)
    expect(res.body.equals(readFileSync(join(root, 'style.css')))).toBe(true)
    await sleep(20) // the log is flushed on setImmediate
    expect(io.out()).toMatch(new RegExp(`\n127\\.0\\.0\\.1 - - \\[[^\\]]+\\] "GET /style\\.css HTTP/1\\.1" 200 ${res.body.length} "-" "-" \\d+\\.\\dms\n$`))
    await server.close()
    expect(server.app.servers.size).toBe(0)
  })

  it('colours only on a terminal, never with NO_COLOR', async () => {
    const { cwd } = demoSite()
    const tty = fakeIo(cwd, {}, true)
    const a = await start(['--port', '0'], tty)
    servers.push(a)
    expect(tty.out()).toContain('\u001b[')
    expect(tty.out()).toMatch(/Local:/)
    expect(tty.out()).toMatch(/2 files allowed/)
    const noColor = fakeIo(cwd, { NO_COLOR: '1' }, true)
    const b = await start(['--port', '0', '-q'], noColor)
    servers.push(b)
    expect(noColor.out()).not.toContain('\u001b[')
  })

  it('shows Network URLs only when exposed', async () => {
    const { cwd } = demoSite()
    const io = fakeIo(cwd)
    const s = await start(['--port', '0', '-q', '--host', '0.0.0.0'], io)
    servers.push(s)
    expect(s.url).toBe(`http://127.0.0.1:${s.port}`)
    for (const n of s.network) expect(n).toMatch(new RegExp(`^http://\\d+\\.\\d+\\.\\d+\\.\\d+:${s.port}$`))
    expect(io.out().match(/^Network: /gm)?.length ?? 0).toBe(s.network.length)
    const local = await start(['--port', '0', '-q'], fakeIo(cwd))
    servers.push(local)
    expect(local.network).toEqual([])
  })

  it('throws a CliError with the exit code for bad configuration', async () => {
    const { cwd } = demoSite()
    await expect(start(['--bogus'], fakeIo(cwd))).rejects.toMatchObject({ exitCode: 2 })
    await expect(start(['--check'], fakeIo(cwd))).rejects.toBeInstanceOf(CliError)
  })

  it('warns on stderr about entries that match nothing', async () => {
    const { cwd } = demoSite()
    const io = fakeIo(cwd)
    const s = await start(['--port', '0', '-q', '-a', 'index.html', '-a', 'nope/*.js'], io)
    servers.push(s)
    expect(io.err()).toBe('tinyhttp-cli: warning: allow entry "nope/*.js" matches no file\n')
  })
})

describe('helpers', () => {
  it('serverUrls: Network only when exposed', () => {
    expect(serverUrls('127.0.0.1', 80, false)).toEqual({ local: 'http://127.0.0.1:80', network: [] })
    expect(serverUrls('::1', 80, true)).toEqual({ local: 'https://[::1]:80', network: [] })
    expect(serverUrls('localhost', 80, false)).toEqual({ local: 'http://localhost:80', network: [] })
    expect(serverUrls('10.1.2.3', 80, false)).toEqual({ local: 'http://10.1.2.3:80', network: ['http://10.1.2.3:80'] })
    expect(serverUrls('::', 80, false).local).toBe('http://[::1]:80')
  })

  it('backoff: none for an isolated crash, doubling, capped at 10 s', () => {
    expect(backoff(1)).toBe(0)
    expect(backoff(2)).toBe(200)
    expect(backoff(4)).toBe(800)
    expect(backoff(30)).toBe(10_000)
  })

  it('LineWriter batches lines into one write per turn; atomic mode splits at 4096 bytes on line ends', async () => {
    const writes: string[] = []
    const w = new LineWriter({ write: (s: string) => writes.push(s) })
    w.line('a')
    w.line('b')
    expect(writes).toEqual([])
    await sleep(5)
    expect(writes).toEqual(['a\nb\n'])
    const atomic: string[] = []
    const a = new LineWriter({ write: (s: string) => atomic.push(s) }, true)
    for (let i = 0; i < 100; i++) a.line('x'.repeat(99))
    a.flush()
    expect(atomic.join('')).toBe(('x'.repeat(99) + '\n').repeat(100))
    for (const chunk of atomic) {
      expect(chunk.length).toBeLessThanOrEqual(4096)
      expect(chunk.endsWith('\n')).toBe(true)
    }
  })
})

describe('access log formatting', () => {
  /**
   * An app with the access log outermost and `handler` below it; `send` puts raw request bytes (latin1)
   * through it with `app.inject()`, as from 127.0.0.1 (the same parser, connection and chain as a socket).
   */
  async function logged(format: 'text' | 'json', handler: (ctx: Context) => void, pid?: number) {
    const lines: string[] = []
    const writer = new LineWriter({ write: (s: string) => lines.push(...s.split('\n').filter(Boolean)) })
    const app = createApp()
    app.use(accessLog({ format, writer, ...(pid !== undefined ? { pid } : {}) }), handler)
    apps.push(app)
    return {
      send: (text: string) => app.inject(Buffer.from(text, 'latin1')),
      /** Waits (bounded) for `n` lines. */
      async lines(n: number): Promise<string[]> {
        for (let i = 0; i < 200 && lines.length < n; i++) {
          writer.flush()
          await sleep(10)
        }
        return lines
      },
    }
  }
  const apps: App[] = []
  afterEach(async () => {
    await Promise.all(apps.splice(0).map(a => a.close(100)))
  })

  it('JSON: one object per line, these keys in this order, whatever the path, reason and user agent contain', async () => {
    const server = await logged('json', ctx => {
      ctx.res.reason = ctx.req.rawPath.includes('q') ? 'deny:not-allowlisted' : 'static:hit'
      ctx.res.body = 'abc'
    }, 42)
    const paths = ['/plain.html', '/q%22uote%5Cback', '/caf%C3%A9/%01']
    for (const path of paths) await server.send(`GET ${path}?token=secret HTTP/1.1\r\nHost: localhost\r\nUser-Agent: a "quoted" \\ \xe9\tUA\r\nReferer: http://localhost/\r\nConnection: close\r\n\r\n`)
    const lines = await server.lines(3)
    expect(lines).toHaveLength(3)
    lines.forEach((line, i) => {
      const o = JSON.parse(line) as Record<string, unknown>
      expect(Object.keys(o)).toEqual(['time', 'pid', 'remote', 'remotePort', 'method', 'path', 'http', 'status', 'bytes', 'ms', 'reason', 'referer', 'userAgent', 'aborted'])
      // inject() has no socket, hence no port: null.
      expect(o).toMatchObject({ pid: 42, remote: '127.0.0.1', remotePort: null, method: 'GET', path: paths[i], http: '1.1', status: 200, bytes: 3, referer: 'http://localhost/', aborted: false })
      expect(o.userAgent).toBe('a "quoted" \\ \u00e9\tUA')
      expect(o.reason).toBe(i === 1 ? 'deny:not-allowlisted' : 'static:hit')
      expect(o.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      expect(line).not.toContain('secret')
    })
  })

  it('text: combined log format + duration; quotes, backslashes, control and non-ASCII characters are escaped', async () => {
    const server = await logged('text', ctx => {
      ctx.res.status = 403
    })
    await server.send('GET /a%0Ab HTTP/1.0\r\nUser-Agent: x" 200 1 "-" "y\\\xe9\r\n\r\n')
    const [line] = await server.lines(1)
    expect(line).toMatch(/^127\.0\.0\.1 - - \[\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET \/a%0Ab HTTP\/1\.0" 403 0 "-" "x\\x22 200 1 \\x22-\\x22 \\x22y\\x5c\\xe9" \d+\.\dms$/)
  })

  it('a line feed in a value cannot start a new line (escaped as \\x0a)', async () => {
    const lines: string[] = []
    const writer = new LineWriter({ write: (s: string) => lines.push(s) })
    const mw = accessLog({ format: 'text', writer })
    const res = new Response()
    const headers = new RequestHeaders(['user-agent', 'evil\n127.0.0.1 - - [forged]'])
    const ctx = { req: { method: 'GET', rawPath: '/x\ny', httpVersion: '1.1', remoteAddress: '::1', headers }, res } as unknown as Context
    await mw(ctx, async () => {})
    res.ended(5, false)
    writer.flush()
    expect(lines.join('')).toMatch(/^::1 - - \[[^\]]+\] "GET \/x\\x0ay HTTP\/1\.1" 404 5 "-" "evil\\x0a127\.0\.0\.1 - - \[forged\]" \d+\.\dms\n$/)
  })

  it('a throw below is logged with the status the app rendered (500) once the answer left', async () => {
    const server = await logged('text', () => {
      throw new Error('boom')
    })
    const res = await server.send(request('GET', '/boom'))
    expect(res.status).toBe(500)
    const [line] = await server.lines(1)
    expect(line).toMatch(new RegExp(`"GET /boom HTTP/1\\.1" 500 ${res.body.length} "-" "-" \\d+\\.\\dms$`))
  })
})

describe('run() in-process', () => {
  it('--help and --version return 0', async () => {
    const { cwd } = demoSite()
    const io = fakeIo(cwd)
    expect(await run(['--help'], io, { signals: false })).toBe(0)
    expect(io.out()).toMatch(/Usage: tinyhttp-cli/)
    const io2 = fakeIo(cwd)
    expect(await run(['-v'], io2, { signals: false })).toBe(0)
    expect(io2.out()).toBe(JSON.parse(readFileSync(new URL('../../packages/cli/package.json', import.meta.url), 'utf8')).version + '\n')
  })

  it('errors become one stderr line and the exit code', async () => {
    const { cwd } = demoSite()
    const io = fakeIo(cwd)
    expect(await run(['--port', 'x'], io, { signals: false })).toBe(2)
    expect(io.err()).toBe('tinyhttp-cli: --port must be a whole number from 0 to 65535, got "x"\n')
  })

  it('serves until aborted, then resolves 0 after the shutdown', async () => {
    const { cwd } = demoSite()
    const io = fakeIo(cwd)
    const controller = new AbortController()
    const result = run(['public', '--port', '0', '-q'], io, { signals: false, signal: controller.signal })
    const deadline = Date.now() + 5000
    while (!/Local: /.test(io.out()) && Date.now() < deadline) await sleep(10)
    const port = Number(/Local: http:\/\/127\.0\.0\.1:(\d+)/.exec(io.out())?.[1])
    expect((await rawRequest(port, request('GET', '/index.html'))).status).toBe(200)
    controller.abort()
    expect(await result).toBe(0)
  })

  it('--check in-process', async () => {
    const { cwd } = demoSite()
    const io = fakeIo(cwd)
    expect(await run(['--check'], io, { signals: false })).toBe(0)
    expect(io.out()).toMatch(/^ {2}\/style\.css +text\/css; charset=utf-8 +\d+ +"/m)
  })
})
