import { writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { RawClient, rawRequest } from '../helpers/raw-client.js'
import { cleanupTemp, demoSite, ensureBuilt, killAll, request, sleep, startCli } from './helpers.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

/** `[02/Dec/2026:07:10:00 +0000]` */
const CLF_TIME = String.raw`\[\d\d/(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/\d{4}:\d\d:\d\d:\d\d \+0000\]`
const esc = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

describe('access log over the wire (text)', () => {
  it('combined log format + duration: exact bytes for GET, 0 for HEAD and 304, quotes in the user agent escaped', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['--port', '0'], { cwd })
    const css = await rawRequest(cli.port, request('GET', '/style.css', { 'User-Agent': 'curl/8.5.0', Referer: 'http://localhost/' }))
    expect(css.status).toBe(200)
    const line = await cli.waitForStdout(new RegExp(`^127\\.0\\.0\\.1 - - ${CLF_TIME} "GET /style\\.css HTTP/1\\.1" 200 (\\d+) "http://localhost/" "curl/8\\.5\\.0" \\d+\\.\\dms$`, 'm'))
    expect(Number(line[1])).toBe(css.body.length)
    expect(css.body.length).toBeGreaterThan(0)

    await rawRequest(cli.port, request('HEAD', '/index.html', { 'User-Agent': 'a "b" \\ c' }), { head: true })
    await cli.waitForStdout(new RegExp(`^127\\.0\\.0\\.1 - - ${CLF_TIME} "HEAD /index\\.html HTTP/1\\.1" 200 0 "-" "${esc('a \\x22b\\x22 \\x5c c')}" \\d+\\.\\dms$`, 'm'))

    const etag = css.headers.get('etag')?.[0] as string
    const notModified = await rawRequest(cli.port, request('GET', '/style.css', { 'If-None-Match': etag }))
    expect(notModified.status).toBe(304)
    await cli.waitForStdout(new RegExp(`^127\\.0\\.0\\.1 - - ${CLF_TIME} "GET /style\\.css HTTP/1\\.1" 304 0 "-" "-" \\d+\\.\\dms$`, 'm'))
  })

  it('a 50 MB download cut by the client logs the bytes that left, far fewer than the size, marked aborted', async () => {
    const { cwd, root } = demoSite()
    const size = 50 * 1024 * 1024
    writeFileSync(join(root, 'big.bin'), Buffer.alloc(size, 7))
    const cli = await startCli(['--port', '0'], { cwd })
    const client = await RawClient.connect(cli.port)
    try {
      client.write(request('GET', '/big.bin'))
      expect(await client.waitForBytes(4 * 1024 * 1024, 10_000)).toBe(true)
      // Stop reading for a moment so the server blocks on back-pressure, then cut.
      client.socket.pause()
      await sleep(200)
      const received = client.pending.length
      client.close()
      const line = await cli.waitForStdout(new RegExp(`^127\\.0\\.0\\.1 - - ${CLF_TIME} "GET /big\\.bin HTTP/1\\.1" 200 (\\d+) "-" "-" \\d+\\.\\dms aborted$`, 'm'))
      const logged = Number(line[1])
      expect(logged).toBeGreaterThanOrEqual(received - 1024) // minus the head
      expect(logged).toBeLessThan(size * 0.6)
    } finally {
      client.close()
    }
    // A whole download logs the exact size, not aborted.
    const total = await new Promise<number>((resolve, reject) => {
      let n = 0
      const socket = connect({ port: cli.port, host: '127.0.0.1' }, () => socket.write(request('GET', '/big.bin', { Connection: 'close' })))
      socket.on('data', chunk => (n += chunk.length))
      socket.on('end', () => resolve(n))
      socket.on('error', reject)
      socket.setTimeout(20_000, () => socket.destroy(new Error('download timed out')))
    })
    expect(total).toBeGreaterThan(size)
    await cli.waitForStdout(new RegExp(`"GET /big\\.bin HTTP/1\\.1" 200 ${size} "-" "-" \\d+\\.\\dms$`, 'm'), 20_000)
  }, 60_000)
})

describe('access log over the wire (json)', () => {
  it('one object per line with time, remote, remotePort, method, raw path, http, status, bytes, ms, reason, referer, userAgent, aborted', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['--port', '0', '--log-format', 'json'], { cwd })
    const css = await rawRequest(cli.port, request('GET', '/style.css?token=x', { 'User-Agent': 'ua "1"' }))
    await rawRequest(cli.port, request('GET', '/missing', {}))
    const [first] = await cli.waitForStdout(/^\{.*"\/style\.css".*\}$/m)
    expect(JSON.parse(first)).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      remote: '127.0.0.1',
      remotePort: expect.any(Number),
      method: 'GET',
      path: '/style.css',
      http: '1.1',
      status: 200,
      bytes: css.body.length,
      ms: expect.any(Number),
      reason: 'static:hit',
      referer: null,
      userAgent: 'ua "1"',
      aborted: false,
    })
    const [second] = await cli.waitForStdout(/^\{.*"\/missing".*\}$/m)
    expect(JSON.parse(second)).toMatchObject({ path: '/missing', status: 403, reason: 'deny:not-allowlisted', aborted: false })
  })
})
