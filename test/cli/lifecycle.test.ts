import { openSync, closeSync, ftruncateSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { RawClient, rawRequest } from '../helpers/raw-client.js'
import { cleanupTemp, demoSite, ensureBuilt, extraPids, killAll, request, sleep, startCli } from './helpers.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

/**
 * A demo site plus a large file, so a download stays in flight while the client does not read. 8 MiB
 * is well past what a paused loopback socket buffers, and small enough that a loaded CI machine reads
 * the rest within the 5 s drain grace (24 MiB once took longer than that there).
 */
function siteWithBigFile(size = 8 * 1024 * 1024): { cwd: string; root: string; size: number } {
  const site = demoSite()
  const fd = openSync(join(site.root, 'big.bin'), 'w')
  ftruncateSync(fd, size)
  closeSync(fd)
  return { ...site, size }
}

describe('signals', () => {
  it('SIGTERM with an idle keep-alive connection: exits 0 promptly and closes the connection', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['public', '--port', '0', '-q'], { cwd })
    const client = await RawClient.connect(cli.port)
    client.write(request('GET', '/index.html'))
    expect((await client.readResponse()).status).toBe(200)
    const started = Date.now()
    process.kill(cli.pid, 'SIGTERM')
    expect(await cli.exited(5000)).toEqual({ code: 0, signal: null })
    expect(Date.now() - started).toBeLessThan(3000)
    expect(await client.waitForEnd(2000)).toBe(true)
    client.close()
  })

  it('SIGINT off a terminal, nothing in flight: says "Shutting down (SIGINT)" on stderr, stdout untouched, exits 0 within 1 s', async () => {
    // Idle keep-alive connection after a 200 and after a refusal, plus a connection that never sent a
    // byte (browsers pre-connect). Bound: 1 s (measured 15–60 ms; the bin's fallback exit timer is 2 s).
    const { cwd } = demoSite()
    const cli = await startCli(['public', '--port', '0'], { cwd })
    const served = await RawClient.connect(cli.port)
    served.write(request('GET', '/index.html'))
    expect((await served.readResponse()).status).toBe(200)
    const refused = await RawClient.connect(cli.port)
    refused.write(request('GET', '/secret.txt'))
    expect((await refused.readResponse()).status).toBe(403)
    const silent = await RawClient.connect(cli.port)
    await sleep(100)
    const stdoutBefore = cli.stdout()
    const started = Date.now()
    process.kill(cli.pid, 'SIGINT')
    expect(await cli.exited(5000)).toEqual({ code: 0, signal: null })
    expect(Date.now() - started).toBeLessThan(1000)
    expect(cli.stderr()).toBe('Shutting down (SIGINT)\n')
    expect(cli.stdout()).toBe(stdoutBefore)
    for (const c of [served, refused, silent]) {
      expect(await c.waitForEnd(2000)).toBe(true)
      c.close()
    }
  })

  it('SIGINT behaves like SIGTERM', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['public', '--port', '0', '-q'], { cwd })
    process.kill(cli.pid, 'SIGINT')
    expect(await cli.exited(5000)).toEqual({ code: 0, signal: null })
  })

  it('SIGTERM during a download: the response finishes, then exit 0', async () => {
    const { cwd, size } = siteWithBigFile()
    const cli = await startCli(['public', '--port', '0', '-q'], { cwd })
    const client = await RawClient.connect(cli.port)
    client.socket.pause()
    client.write(request('GET', '/big.bin'))
    await sleep(300) // the server has started writing and is blocked on the socket
    process.kill(cli.pid, 'SIGTERM')
    await sleep(200)
    expect(cli.child.exitCode).toBeNull() // still draining
    // Read the rest without buffering it (RawClient keeps everything, which is slow for megabytes).
    const socket = client.socket
    const pending = client.pending
    let received = 0
    let head = ''
    const headDone = (chunk: Buffer): void => {
      if (head.includes('\r\n\r\n')) {
        received += chunk.length
        return
      }
      head += chunk.toString('latin1')
      const end = head.indexOf('\r\n\r\n')
      if (end !== -1) {
        received += Buffer.byteLength(head, 'latin1') - (end + 4)
        head = head.slice(0, end + 4)
      }
    }
    if (pending.length > 0) headDone(Buffer.from(pending))
    socket.removeAllListeners('data')
    socket.on('data', headDone)
    const ended = new Promise<void>(resolve => socket.once('close', () => resolve()))
    socket.resume()
    await Promise.race([ended, sleep(8000)])
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    // The head left before the signal; the server closes the connection once the body is out.
    expect(received).toBe(size)
    expect(await cli.exited(8000)).toEqual({ code: 0, signal: null })
  })

  it('a second signal forces exit 1 at once', async () => {
    const { cwd } = siteWithBigFile()
    const cli = await startCli(['public', '--port', '0', '-q'], { cwd })
    const client = await RawClient.connect(cli.port)
    client.socket.pause()
    client.write(request('GET', '/big.bin'))
    await sleep(300)
    process.kill(cli.pid, 'SIGTERM')
    await sleep(200)
    expect(cli.child.exitCode).toBeNull()
    const started = Date.now()
    process.kill(cli.pid, 'SIGTERM')
    expect((await cli.exited(3000)).code).toBe(1)
    expect(Date.now() - started).toBeLessThan(1500)
    client.close()
  })
})

describe('--workers', () => {
  it('two workers serve; a killed worker is replaced; SIGTERM → exit 0', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['public', '--port', '0', '--workers', '2', '--log-format', 'json'], { cwd })
    const pidsSeen = (): Set<number> => {
      const pids = new Set<number>()
      for (const line of cli.stdout().split('\n')) {
        if (!line.startsWith('{')) continue
        const pid = (JSON.parse(line) as { pid?: number }).pid
        if (typeof pid === 'number') pids.add(pid)
      }
      for (const pid of pids) extraPids.add(pid)
      return pids
    }
    // Workers accept from the shared socket (SCHED_NONE): the kernel spreads fresh connections, not evenly,
    // so keep connecting (bounded) until both have answered.
    for (let i = 0; i < 200 && pidsSeen().size < 2; i++) {
      expect((await rawRequest(cli.port, request('GET', '/index.html'))).status).toBe(200)
      await sleep(20)
    }
    const before = pidsSeen()
    expect(before.size).toBe(2)
    expect(before.has(cli.pid)).toBe(false)

    const victim = [...before][0] as number
    process.kill(victim, 'SIGKILL')
    await cli.waitForStderr(new RegExp(`worker ${victim} exited \\(SIGKILL\\); starting a new one`))
    // Still serving while (and after) it is replaced; a third pid shows up.
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline) {
      const res = await rawRequest(cli.port, request('GET', '/style.css')).catch(() => null)
      if (res !== null) expect(res.status).toBe(200)
      const now = pidsSeen()
      if ([...now].some(pid => !before.has(pid))) break
      await sleep(50)
    }
    const after = pidsSeen()
    expect([...after].filter(pid => !before.has(pid))).toHaveLength(1)

    process.kill(cli.pid, 'SIGTERM')
    expect(await cli.exited(10_000)).toEqual({ code: 0, signal: null })
    expect(cli.stderr()).toContain('Shutting down (SIGTERM)\n') // the primary says it, off a terminal
    // Every worker is gone.
    await sleep(100)
    for (const pid of after) {
      expect(() => process.kill(pid, 0), `worker ${pid}`).toThrow()
    }
  })

  it('a worker that cannot start stops the primary with its error (port in use → 1)', async () => {
    const { cwd } = demoSite()
    const first = await startCli(['public', '--port', '0', '-q'], { cwd })
    const { spawnCli } = await import('./helpers.js')
    const second = spawnCli(['public', '--port', String(first.port), '--workers', '2'], { cwd })
    expect((await second.exited(10_000)).code).toBe(1)
    expect(second.stderr()).toMatch(/^tinyhttp-cli: port \d+ is already in use/)
    expect(second.stderr().trim().split('\n')).toHaveLength(1)
  })
})
