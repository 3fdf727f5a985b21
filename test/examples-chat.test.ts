// examples/chat: the page is served, and the room works with the `ws` package as a real client:
// everyone gets every message (broadcast), joins and leaves are announced, binary is refused with
// 1003, an oversized frame closes with 1009, and a foreign Origin is refused before the upgrade.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { rawRequest } from './helpers/raw-client.js'

const REPO = fileURLToPath(new URL('..', import.meta.url))
const children: ChildProcess[] = []
const sockets: WebSocket[] = []
afterEach(() => {
  for (const s of sockets.splice(0)) s.terminate()
  for (const child of children.splice(0)) child.kill('SIGKILL')
})

/** Starts the example on a free port; resolves with the port from its `Local:` line. */
function start(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['examples/chat/server.js'], { cwd: REPO, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    let out = ''
    const timer = setTimeout(() => reject(new Error(`chat did not listen: ${out}`)), 10_000)
    const onData = (d: Buffer): void => {
      out += d.toString()
      const m = /Local: http:\/\/127\.0\.0\.1:(\d+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) => reject(new Error(`chat exited with ${code}: ${out}`)))
  })
}

interface ChatEvent {
  from?: string
  text?: string
  system?: string
  online: number
}

/** A `ws` client that queues the events it receives. */
class Member {
  readonly events: ChatEvent[] = []
  #waiters: Array<() => void> = []
  constructor(readonly socket: WebSocket) {
    sockets.push(socket)
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      expect(isBinary).toBe(false)
      this.events.push(JSON.parse(data.toString('utf8')) as ChatEvent)
      for (const w of this.#waiters.splice(0)) w()
    })
  }
  static async join(port: number, headers: Record<string, string> = {}): Promise<Member> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/chat`, { headers })
    const member = new Member(socket)
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve())
      socket.once('error', reject)
    })
    return member
  }
  /** The next event matching `test`, waiting up to 5 s. */
  async next(test: (e: ChatEvent) => boolean): Promise<ChatEvent> {
    const deadline = Date.now() + 5000
    for (;;) {
      const i = this.events.findIndex(test)
      if (i >= 0) return this.events.splice(0, i + 1)[i]!
      if (Date.now() > deadline) throw new Error(`no such event; got ${JSON.stringify(this.events)}`)
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve)
        setTimeout(resolve, 100)
      })
    }
  }
  closed(): Promise<[number, string]> {
    return new Promise((resolve) => this.socket.once('close', (code: number, reason: Buffer) => resolve([code, reason.toString()])))
  }
}

describe.skipIf(!existsSync(`${REPO}packages/websocket/dist/index.js`))('examples/chat', () => {
  it('is under 100 lines, page and server together', () => {
    const lines = ['server.js', 'public/index.html'].map((f) => readFileSync(`${REPO}examples/chat/${f}`, 'utf8').split('\n').length - 1)
    expect(lines.reduce((a, b) => a + b)).toBeLessThan(100)
  })

  it('serves the page at / and nothing else', async () => {
    const port = await start()
    const page = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toEqual(['text/html; charset=utf-8'])
    expect(page.body.equals(readFileSync(`${REPO}examples/chat/public/index.html`))).toBe(true)
    const other = await rawRequest(port, 'GET /server.js HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
    expect(other.status).toBe(403)
  })

  it('broadcasts every message to every member, and announces joins and leaves', async () => {
    const port = await start()
    const alice = await Member.join(port)
    const joined = await alice.next((e) => e.system !== undefined)
    expect(joined).toMatchObject({ online: 1 })
    const aliceName = /^(guest-\w+) joined$/.exec(joined.system!)![1]
    const bob = await Member.join(port)
    const bobJoined = await alice.next((e) => e.system?.endsWith('joined') === true)
    expect(bobJoined.online).toBe(2)
    await bob.next((e) => e.system === bobJoined.system)

    alice.socket.send('  hello, room  ')
    for (const m of [alice, bob]) expect(await m.next((e) => e.text !== undefined)).toEqual({ from: aliceName, text: 'hello, room', online: 2 })
    bob.socket.send('é'.repeat(600))
    const long = await alice.next((e) => e.text !== undefined)
    expect(long.text).toBe('é'.repeat(500))

    bob.socket.close(1000)
    expect(await alice.next((e) => e.system?.endsWith('left') === true)).toMatchObject({ online: 1 })
  })

  it('refuses binary messages with 1003 and a frame over 4 KiB with 1009', async () => {
    const port = await start()
    const a = await Member.join(port)
    const closedA = a.closed()
    a.socket.send(Buffer.from([1, 2, 3]))
    expect(await closedA).toEqual([1003, 'text only'])
    const b = await Member.join(port)
    const closedB = b.closed()
    b.socket.send('x'.repeat(5000))
    expect((await closedB)[0]).toBe(1009)
  })

  it('accepts its own origin and refuses another site’s with 403 before any upgrade', async () => {
    const port = await start()
    await Member.join(port, { Origin: `http://127.0.0.1:${port}` })
    const foreign = new WebSocket(`ws://127.0.0.1:${port}/chat`, { headers: { Origin: 'https://evil.example' } })
    sockets.push(foreign)
    const status = await new Promise<number>((resolve, reject) => {
      foreign.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      foreign.once('open', () => reject(new Error('upgraded a foreign origin')))
      foreign.once('error', reject)
    })
    expect(status).toBe(403)
  })
})
