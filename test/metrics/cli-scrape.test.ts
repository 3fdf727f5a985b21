// A real scrape of the CLI: promtool accepts it, and under --workers 2 the primary's scrape sums the
// workers' counters (N requests → N), with the workers' own access logs as the witness.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { send } from '../helpers/wire.js'
import { rawRequest } from '../helpers/raw-client.js'
import { cleanupTemp, demoSite, ensureBuilt, killAll, startCli } from '../cli/helpers.js'

const PROMTOOL = '/usr/bin/promtool'

beforeAll(ensureBuilt)
afterEach(killAll)
afterAll(cleanupTemp)

async function started(extra: string[]): Promise<{ cli: Awaited<ReturnType<typeof startCli>>; admin: number }> {
  const { cwd } = demoSite()
  const cli = await startCli(['public', '--port', '0', '--admin', '0', ...extra], { cwd })
  const admin = Number((await cli.waitForStdout(/^Admin: http:\/\/127\.0\.0\.1:(\d+)$/m))[1])
  return { cli, admin }
}

/** Sum of every sample of a metric (all its series). */
function total(scrape: string, name: string): number {
  let sum = 0
  for (const line of scrape.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return sum
}

describe('a real scrape', () => {
  // promtool comes from Debian's prometheus package (.ci/run installs it); without it there is nothing to ask.
  it.skipIf(!existsSync(PROMTOOL))('promtool check metrics accepts /metrics after ordinary, refused and malformed requests', async () => {
    const { cli, admin } = await started(['-q'])
    await send(cli.port, 'GET', '/index.html', { 'Accept-Encoding': 'br' })
    await send(cli.port, 'GET', '/style.css')
    await send(cli.port, 'GET', '/missing')
    await send(cli.port, 'BREW', '/index.html')
    await rawRequest(cli.port, 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n')
    await rawRequest(cli.port, 'GET / HTTP/9.9\r\nHost: a\r\n\r\n')
    const scrape = (await send(admin, 'GET', '/metrics')).body.toString()
    expect(total(scrape, 'tinyhttp_wire_rejections_total')).toBe(2)
    expect(scrape).toContain('process_resident_memory_bytes ')
    const result = spawnSync(PROMTOOL, ['check', 'metrics'], { input: scrape, encoding: 'utf8', timeout: 20_000 })
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({ status: 0, stdout: '', stderr: '' })
    // Not vacuous: promtool does refuse a broken exposition.
    const broken = spawnSync(PROMTOOL, ['check', 'metrics'], { input: scrape.replace('# TYPE tinyhttp_http_requests_total counter', '# TYPE tinyhttp_http_requests_total countr'), encoding: 'utf8' })
    expect(broken.status).not.toBe(0)
  })

  it('--workers 2: N requests on N connections → the primary\'s scrape says N, from both workers', async () => {
    const { cli, admin } = await started(['--workers', '2', '--log-format', 'json'])
    expect((await send(admin, 'GET', '/readyz')).status).toBe(200)
    const N = 240
    let next = 0
    // 12 clients at a time, one connection per request, so both workers accept some.
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        while (next < N) {
          next++
          const res = await rawRequest(cli.port, 'GET /index.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')
          expect(res.status).toBe(200)
        }
      }),
    )
    // The access log lines (one per request, each with its worker's pid) are written after the answer.
    for (let i = 0; i < 200 && cli.stdout().split('\n').filter(l => l.includes('"path":"/index.html"')).length < N; i++) await new Promise(r => setTimeout(r, 25))
    const lines = cli.stdout().split('\n').filter(l => l.includes('"path":"/index.html"'))
    expect(lines).toHaveLength(N)
    const pids = new Set(lines.map(l => (JSON.parse(l) as { pid: number }).pid))
    const scrape = (await send(admin, 'GET', '/metrics')).body.toString()
    expect(total(scrape, 'tinyhttp_http_requests_total')).toBe(N)
    expect(scrape).toContain(`tinyhttp_http_requests_total{method="GET",status_class="2xx"} ${N}\n`)
    expect(total(scrape, 'tinyhttp_connections_opened_total')).toBe(N)
    expect(scrape).toContain('tinyhttp_cluster_workers 2\n')
    expect(scrape).toContain('tinyhttp_cluster_workers_unanswered 0\n')
    // Both workers served (else the sum would prove nothing): the kernel spreads 240 connections.
    expect(pids.size).toBe(2)
    // Neither the probes nor the scrapes are in the access log.
    expect(cli.stdout()).not.toMatch(/readyz|metrics/)
    if (existsSync(PROMTOOL)) expect(spawnSync(PROMTOOL, ['check', 'metrics'], { input: scrape, encoding: 'utf8' }).status).toBe(0)
  })

  it('--workers 2: a worker that cannot answer (stopped) is counted as unanswered after the 1 s wait', async () => {
    const { cli, admin } = await started(['--workers', '2', '-q'])
    const children = (): number[] =>
      readFileSync(`/proc/${cli.pid}/task/${cli.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)
    for (let i = 0; i < 100 && children().length < 2; i++) await new Promise(r => setTimeout(r, 20))
    // Both workers listen (each says so to the primary once it does).
    for (let i = 0; i < 100 && !(await send(admin, 'GET', '/metrics')).body.toString().includes('tinyhttp_cluster_workers 2\n'); i++) await new Promise(r => setTimeout(r, 50))
    const [stopped] = children()
    expect(children()).toHaveLength(2)
    process.kill(stopped as number, 'SIGSTOP')
    try {
      const scrape = (await send(admin, 'GET', '/metrics')).body.toString()
      expect(scrape).toContain('tinyhttp_cluster_workers 2\n')
      expect(scrape).toContain('tinyhttp_cluster_workers_unanswered 1\n')
    } finally {
      process.kill(stopped as number, 'SIGCONT')
    }
    const after = (await send(admin, 'GET', '/metrics')).body.toString()
    expect(after).toContain('tinyhttp_cluster_workers_unanswered 0\n')
  })
})
