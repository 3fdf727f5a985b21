import { closeSync, ftruncateSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { start } from 'tinyhttp-cli'
import { RawClient, rawRequest } from '../helpers/raw-client.js'
import { steadyLoad } from '../helpers/steady-load.js'
import { cleanupTemp, demoSite, ensureBuilt, killAll, request, sleep, startCli } from './helpers.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

/** Tries to connect until refused (bounded): resolves with the time it was first refused. */
async function refusedAt(port: number, limitMs: number): Promise<number> {
  const until = Date.now() + limitMs
  while (Date.now() < until) {
    try {
      const c = await RawClient.connect(port)
      c.close()
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ECONNREFUSED') return Date.now()
      throw err
    }
    await sleep(50)
  }
  throw new Error(`port ${port} still accepting after ${limitMs} ms`)
}

describe('drain on SIGTERM (--drain-delay)', () => {
  it('idle keep-alive closed at once, a new connection served with Connection: close during the delay, the download in flight finishes, refused after the delay, exit 0', async () => {
    const { cwd, root } = demoSite()
    const size = 8 * 1024 * 1024
    const fd = openSync(join(root, 'big.bin'), 'w')
    ftruncateSync(fd, size)
    closeSync(fd)
    const cli = await startCli(['public', '--port', '0', '-q', '--drain-delay', '2'], { cwd })
    const idle = await RawClient.connect(cli.port)
    idle.write(request('GET', '/index.html'))
    const before = await idle.readResponse()
    expect(before.status).toBe(200)
    expect(before.headers.get('connection')).toBeUndefined()
    const download = await RawClient.connect(cli.port)
    download.socket.pause()
    download.write(request('GET', '/big.bin'))
    await sleep(300) // the server is writing and blocked on the paused socket

    const signalled = Date.now()
    process.kill(cli.pid, 'SIGTERM')
    await cli.waitForStderr(/Shutting down \(SIGTERM\), draining for 2 s\n/, 5000)
    // The idle keep-alive connection is closed at once.
    expect(await idle.waitForEnd(1500)).toBe(true)
    idle.close()
    // A new connection during the delay is served, once, with Connection: close.
    const late = await RawClient.connect(cli.port)
    late.write(request('GET', '/style.css'))
    const served = await late.readResponse()
    expect(served.status).toBe(200)
    expect(served.headers.get('connection')).toEqual(['close'])
    expect(await late.waitForEnd(1500)).toBe(true)
    late.close()
    // The download that was in flight at the signal finishes.
    download.socket.resume()
    const body = await download.readResponse({ timeoutMs: 10_000 })
    expect(body.status).toBe(200)
    expect(body.body.length).toBe(size)
    // Its head left before the drain (keep-alive); the connection still ends after the answer.
    expect(body.headers.get('connection')).toBeUndefined()
    expect(await download.waitForEnd(2000)).toBe(true)
    // After the delay the listener is closed (never before it).
    const refused = await refusedAt(cli.port, 6000)
    expect(refused - signalled).toBeGreaterThanOrEqual(1900)
    expect(await cli.exited(8000)).toEqual({ code: 0, signal: null })
    download.close()
  })

  it('a second signal during the delay forces exit 1 at once', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['public', '--port', '0', '-q', '--drain-delay', '30'], { cwd })
    process.kill(cli.pid, 'SIGTERM')
    await cli.waitForStderr(/draining for 30 s/, 5000)
    process.kill(cli.pid, 'SIGINT')
    expect(await cli.exited(5000)).toEqual({ code: 1, signal: null })
  })

  it('--drain-delay 0: stops at once, nothing said about draining', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['public', '--port', '0', '-q', '--drain-delay', '0'], { cwd })
    process.kill(cli.pid, 'SIGTERM')
    expect(await cli.exited(5000)).toEqual({ code: 0, signal: null })
    expect(cli.stderr()).toBe('Shutting down (SIGTERM)\n')
  })

  it('refuses a --drain-delay that is not a whole number of seconds (exit 2)', async () => {
    const { cwd } = demoSite()
    for (const bad of ['-1', '1.5', 'soon', '3601']) {
      await expect(start(['public', '--port', '0', '-q', '--drain-delay', bad], { stdout: process.stdout, stderr: process.stderr, env: {}, cwd })).rejects.toMatchObject({
        exitCode: 2,
        message: expect.stringMatching(/^--drain-delay must be a whole number of seconds from 0 to 3600/),
      })
    }
  })
})

describe('one process under continuous requests', () => {
  it('a SIGHUP reload loses none and resets nothing; a SIGTERM drain answers every accepted request', async () => {
    const { cwd, root } = demoSite()
    writeFileSync(join(cwd, 'allow.txt'), 'index.html\n')
    const cli = await startCli(['public', '--port', '0', '--no-config', '--allow-file', 'allow.txt', '--drain-delay', '1', '-q'], { cwd })
    const expected = readFileSync(join(root, 'index.html'))
    let stopping = false
    const load = steadyLoad({ port: cli.port, path: '/index.html', expected, concurrency: 4, stop: () => stopping, stopOnRefused: true })
    await sleep(300)
    writeFileSync(join(cwd, 'allow.txt'), 'index.html\nstyle.css\n')
    process.kill(cli.pid, 'SIGHUP')
    let css = 0
    for (let i = 0; i < 50 && css !== 200; i++) {
      css = (await rawRequest(cli.port, request('GET', '/style.css', { Connection: 'close' }))).status
      if (css !== 200) await sleep(100)
    }
    expect(css).toBe(200)
    await sleep(300)
    const reloaded = { ...load.counts, lost: [...load.counts.lost] }
    expect(reloaded.lost).toEqual([])
    expect(reloaded.retried + reloaded.reset + reloaded.refused).toBe(0) // nothing closed by a reload
    process.kill(cli.pid, 'SIGTERM')
    expect(await cli.exited(10_000)).toEqual({ code: 0, signal: null })
    stopping = true
    const counts = await load.done
    console.log(`one process: ${reloaded.ok} answers through the SIGHUP; after SIGTERM ${counts.ok - reloaded.ok} answers (${counts.closeAnswers} with Connection: close), ${counts.retried} retried, lost ${counts.lost.length}, reset in the backlog ${counts.reset}, refused ${counts.refused}`)
    expect(counts.lost).toEqual([])
    expect(counts.closeAnswers).toBeGreaterThan(0)
    expect(counts.reset).toBeLessThanOrEqual(4)
  }, 30_000)
})

describe('readiness of a started server', () => {
  it('ready once listening; draining (and stays so) from drain() on, while the port still answers', async () => {
    const { cwd } = demoSite()
    const io = { stdout: process.stdout, stderr: process.stderr, env: {}, cwd }
    const server = await start(['public', '--port', '0', '-q', '--no-config'], io, { banner: false })
    try {
      expect(server.readiness.check()).toEqual({ ready: true, reason: 'ready' })
      expect(server.drainDelay).toBe(0)
      server.drain()
      expect(server.readiness.check()).toEqual({ ready: false, reason: 'draining' })
      expect(server.readiness.markReady()).toBe(false)
      expect(server.readiness.state).toBe('draining')
      const c = await RawClient.connect(server.port)
      c.write(request('GET', '/index.html'))
      const r = await c.readResponse()
      expect(r.status).toBe(200)
      expect(r.headers.get('connection')).toEqual(['close'])
      c.close()
    } finally {
      await server.close()
    }
  })
})
