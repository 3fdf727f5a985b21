// --admin and --health-path on the real CLI: the admin listener's answers on the wire, what the access
// log leaves out, the start-up refusals.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createServer } from 'node:net'
import { send } from '../helpers/wire.js'
import { cleanupTemp, demoSite, ensureBuilt, killAll, spawnCli, startCli } from './helpers.js'

beforeAll(ensureBuilt)
afterEach(killAll)
afterAll(cleanupTemp)

/** Starts the CLI with an admin listener on a free port; resolves once both listen. */
async function withAdmin(extra: string[] = []): Promise<{ cli: Awaited<ReturnType<typeof startCli>>; admin: number }> {
  const { cwd } = demoSite()
  const cli = await startCli(['public', '--port', '0', '--admin', '0', ...extra], { cwd })
  const m = await cli.waitForStdout(/^Admin: http:\/\/127\.0\.0\.1:(\d+)$/m)
  return { cli, admin: Number(m[1]) }
}

describe('--admin', () => {
  it('answers /livez, /readyz and /metrics, and 404/405 to anything else, with no-store', async () => {
    const { admin } = await withAdmin()
    const live = await send(admin, 'GET', '/livez')
    expect([live.status, live.body.toString(), live.header('cache-control')]).toEqual([200, 'ok\n', 'no-store'])
    const ready = await send(admin, 'GET', '/readyz')
    expect([ready.status, ready.body.toString()]).toEqual([200, 'ready\n'])
    const scrape = await send(admin, 'GET', '/metrics')
    expect(scrape.status).toBe(200)
    expect(scrape.header('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
    expect(scrape.body.toString()).toMatch(/^# HELP tinyhttp_http_requests_total /)
    const head = await send(admin, 'HEAD', '/readyz')
    expect([head.status, head.body.length, head.header('content-length')]).toEqual([200, 0, '6'])
    expect((await send(admin, 'GET', '/index.html')).status).toBe(404)
    expect((await send(admin, 'GET', '/')).status).toBe(404)
    expect((await send(admin, 'GET', '/metrics/x')).status).toBe(404)
    const post = await send(admin, 'POST', '/metrics')
    expect([post.status, post.header('allow')]).toEqual([405, 'GET, HEAD'])
  })

  it('counts public requests in /metrics, and writes neither admin nor health requests to the access log', async () => {
    const { cli, admin } = await withAdmin(['--health-path', '/healthz'])
    expect((await send(cli.port, 'GET', '/index.html')).status).toBe(200)
    expect((await send(cli.port, 'GET', '/nope.txt')).status).toBe(403)
    const health = await send(cli.port, 'GET', '/healthz')
    expect([health.status, health.body.toString(), health.header('cache-control')]).toEqual([200, 'ok\n', 'no-store'])
    for (const path of ['/livez', '/readyz', '/metrics', '/other']) await send(admin, 'GET', path)
    const body = (await send(admin, 'GET', '/metrics')).body.toString()
    expect(body).toContain('tinyhttp_http_requests_total{method="GET",status_class="2xx"} 1\n')
    expect(body).toContain('tinyhttp_http_requests_total{method="GET",status_class="4xx"} 1\n')
    expect(body).toContain('tinyhttp_http_refusals_total{reason="deny:not-allowlisted"} 1\n')
    await cli.waitForStdout(/"GET \/nope\.txt HTTP\/1\.1" 403/)
    const log = cli.stdout().split('\n').filter(l => l.includes('HTTP/1.1"'))
    expect(log).toHaveLength(2)
    expect(log.join('\n')).not.toMatch(/livez|readyz|metrics|healthz|other/)
  })

  it('the health path answers only GET and HEAD; other methods get what the site gives', async () => {
    const { cli } = await withAdmin(['--health-path', '/healthz'])
    expect((await send(cli.port, 'HEAD', '/healthz')).status).toBe(200)
    expect((await send(cli.port, 'POST', '/healthz')).status).toBe(403) // not a file: what any path not served gets
    expect((await send(cli.port, 'GET', '/healthz/')).status).toBe(403)
  })

  it('binds loopback unless a host is given, and says where', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['public', '--port', '0', '--admin', '[::1]:0'], { cwd })
    const m = await cli.waitForStdout(/^Admin: http:\/\/\[::1\]:(\d+)$/m)
    expect(Number(m[1])).toBeGreaterThan(0)
  })

  it.each([
    ['--admin', 'abc', /--admin takes \[HOST:\]PORT/],
    ['--admin', '99999', /--admin takes/],
    ['--admin', 'host:', /--admin takes/],
    ['--health-path', 'healthz', /--health-path takes a plain absolute path/],
    ['--health-path', '/a/../b', /--health-path takes/],
  ])('%s %s is a usage error (exit 2)', async (flag, value, message) => {
    const { cwd } = demoSite()
    const cli = spawnCli(['public', '--port', '0', flag, value], { cwd })
    const { code } = await cli.exited()
    expect(code).toBe(2)
    expect(cli.stderr()).toMatch(message)
  })

  it.each([
    ['/index.html', /--health-path \/index\.html would hide \/index\.html/],
    ['/', /--health-path \/ would hide/],
    ['/style.css', /would hide \/style\.css/],
  ])('--health-path %s that hides a served file is refused at start-up (exit 2)', async (path, message) => {
    const { cwd } = demoSite()
    const cli = spawnCli(['public', '--port', '0', '--health-path', path], { cwd })
    const { code } = await cli.exited()
    expect(code).toBe(2)
    expect(cli.stderr()).toMatch(message)
    expect(cli.stdout()).not.toMatch(/Local:/)
  })

  it('an admin port in use is a runtime error (exit 1) with one line', async () => {
    const blocker = createServer()
    await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as { port: number }).port
    try {
      const { cwd } = demoSite()
      const cli = spawnCli(['public', '--port', '0', '--admin', String(port)], { cwd })
      const { code } = await cli.exited()
      expect(code).toBe(1)
      expect(cli.stderr()).toContain(`--admin: port ${port} is already in use on 127.0.0.1`)
    } finally {
      blocker.close()
    }
  })

  it('SIGTERM: /readyz, the health path and healthcheck say "not ready: draining" during the drain delay, /livez stays 200', async () => {
    const { cli, admin } = await withAdmin(['--health-path', '/healthz', '--drain-delay', '3'])
    expect((await send(admin, 'GET', '/readyz')).status).toBe(200)
    cli.child.kill('SIGTERM')
    await cli.waitForStderr(/Shutting down/)
    const ready = await send(admin, 'GET', '/readyz')
    expect([ready.status, ready.body.toString()]).toEqual([503, 'not ready: draining\n'])
    expect((await send(admin, 'GET', '/livez')).status).toBe(200)
    const health = await send(cli.port, 'GET', '/healthz')
    expect([health.status, health.body.toString()]).toEqual([503, 'not ready: draining\n'])
    const check = spawnCli(['healthcheck', '--admin', String(admin)])
    expect((await check.exited()).code).toBe(1)
    expect(check.stderr()).toBe('not ready: draining\n')
    expect((await cli.exited()).code).toBe(0)
  })

  it('--workers 2: the primary\'s /readyz says "not ready: draining" from SIGTERM on, and scrapes still sum the workers', async () => {
    const { cli, admin } = await withAdmin(['--workers', '2', '--drain-delay', '3', '-q'])
    // Both workers listen before the signal (a worker still starting when SIGTERM comes is another story).
    for (let i = 0; i < 100 && !(await send(admin, 'GET', '/metrics')).body.toString().includes('tinyhttp_cluster_workers 2\n'); i++) await new Promise(r => setTimeout(r, 50))
    expect((await send(cli.port, 'GET', '/index.html')).status).toBe(200)
    expect((await send(admin, 'GET', '/readyz')).status).toBe(200)
    cli.child.kill('SIGTERM')
    await cli.waitForStderr(/Shutting down/)
    const ready = await send(admin, 'GET', '/readyz')
    expect([ready.status, ready.body.toString()]).toEqual([503, 'not ready: draining\n'])
    const scrape = (await send(admin, 'GET', '/metrics')).body.toString()
    expect(scrape).toContain('tinyhttp_http_requests_total{method="GET",status_class="2xx"} 1\n')
    expect((await cli.exited()).code).toBe(0)
  })
})
