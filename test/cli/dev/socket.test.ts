// The /__tinyhttp/dev WebSocket of a real --dev server (in-process start(), the `ws` package as the
// browser): a burst of 200 written files is one message, a CSS edit is a css message, nothing is sent
// for a file that is not served, and the endpoint keeps the Origin and Host checks.
import { once } from 'node:events'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { WebSocket as WsClient } from 'ws'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { start, type StartedServer } from '../../../packages/cli/src/start.js'
import type { CliIo } from '../../../packages/cli/src/output.js'
import { rawRequest } from '../../helpers/raw-client.js'
import { cleanupTemp, request, sleep, tempDir } from '../helpers.js'

afterAll(cleanupTemp)
const servers: StartedServer[] = []
const clients: WsClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate()
  await Promise.all(servers.splice(0).map(s => s.close(100)))
})

function io(cwd: string): CliIo & { err: () => string } {
  let err = ''
  return { stdout: { write: () => undefined }, stderr: { write: (s: string) => (err += s) }, env: {}, cwd, err: () => err }
}

async function devServer(): Promise<{ server: StartedServer; root: string; out: ReturnType<typeof io> }> {
  const cwd = tempDir('tinyhttp-dev-socket-')
  const root = join(cwd, 'site')
  mkdirSync(join(root, 'assets'), { recursive: true })
  writeFileSync(join(root, 'index.html'), '<!doctype html><head></head>')
  writeFileSync(join(root, 'style.css'), 'a{}')
  const out = io(cwd)
  const server = await start(['site', '--port', '0', '--dev', '-a', 'index.html', '-a', 'style.css', '-a', 'assets'], out)
  servers.push(server)
  return { server, root, out }
}

/** A browser-like client: same-origin `Origin`, every message recorded. */
async function browser(port: number): Promise<{ messages: unknown[] }> {
  const client = new WsClient(`ws://127.0.0.1:${port}/__tinyhttp/dev`, { origin: `http://127.0.0.1:${port}` })
  clients.push(client)
  const messages: unknown[] = []
  client.on('message', data => messages.push(JSON.parse(String(data))))
  await once(client, 'open')
  return { messages }
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  for (let waited = 0; waited < ms && !check(); waited += 50) await sleep(50)
}

describe('--dev live-reload socket', () => {
  it('a build that writes 200 served files sends one message to every browser', async () => {
    const { server, root, out } = await devServer()
    const a = await browser(server.port)
    const b = await browser(server.port)
    for (let i = 0; i < 200; i++) writeFileSync(join(root, 'assets', `chunk-${String(i).padStart(3, '0')}.js`), `export const n = ${i}\n`)
    await until(() => a.messages.length > 0 && b.messages.length > 0)
    await sleep(1000)
    expect(a.messages.length).toBe(1)
    expect(b.messages).toEqual(a.messages)
    const message = a.messages[0] as { type: string; paths: string[]; css: boolean }
    expect(message.type).toBe('change')
    expect(message.css).toBe(false)
    expect(message.paths.length).toBe(200)
    expect(message.paths[0]).toBe('/assets/chunk-000.js')
    expect(out.err()).toMatch(/tinyhttp-cli: dev: reload \(\/assets\/chunk-000\.js, .* and 195 more\), 2 browsers\n/)
  })

  it('a CSS edit is a css message; a file that is not served sends nothing', async () => {
    const { server, root } = await devServer()
    const a = await browser(server.port)
    writeFileSync(join(root, 'notes.txt'), 'not served')
    writeFileSync(join(root, '.index.html.swp'), 'editor')
    await sleep(600)
    expect(a.messages).toEqual([])
    writeFileSync(join(root, 'style.css'), 'a{color:red}')
    await until(() => a.messages.length > 0)
    expect(a.messages).toEqual([{ type: 'change', paths: ['/style.css'], css: true }])
  })

  it('a valid edit of a rule file reloads the page once its rules are in force', async () => {
    const { server, root, out } = await devServer()
    const a = await browser(server.port)
    writeFileSync(join(root, '_headers'), '/*\n  X-Dev: on\n')
    await until(() => a.messages.length > 0)
    await sleep(600)
    expect(a.messages).toEqual([{ type: 'change', paths: [], css: false }])
    expect(out.err()).toMatch(/tinyhttp-cli: rules reloaded from site\n/)
    const res = await rawRequest(server.port, request('GET', '/index.html'))
    expect(res.headers.get('x-dev')?.[0]).toBe('on')
  })

  it('a page of another origin cannot subscribe (403), nor a rebound host name (421)', async () => {
    const { server } = await devServer()
    const upgrade = (headers: string): string =>
      `GET /__tinyhttp/dev HTTP/1.1\r\n${headers}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`
    const cross = await rawRequest(server.port, upgrade(`Host: 127.0.0.1:${server.port}\r\nOrigin: https://evil.example\r\n`))
    expect(cross.status).toBe(403)
    const rebound = await rawRequest(server.port, upgrade(`Host: evil.example:${server.port}\r\nOrigin: http://evil.example:${server.port}\r\n`))
    expect(rebound.status).toBe(421)
    const same = await rawRequest(server.port, request('GET', '/__tinyhttp/dev.js'))
    expect(same.status).toBe(200)
  })
})
