// HAProxy (Debian's package, started here with its own config on loopback) in front of three CLI
// instances: health checks on /readyz of their admin ports, PROXY v2 to their public ports,
// `retry-on all-retryable-errors` + `option redispatch` + `retries 3` (the shape of deploy/haproxy.cfg).
// A bounded keep-alive load (6 connections, every answer's status and bytes checked) runs ≥ 20 s while:
//   - all three are restarted in turn (SIGTERM, wait for exit, start again, wait until HAProxy says UP):
//     no request lost;
//   - every instance gets a new allowlist and a new certificate and SIGHUP: no request lost, none left
//     the rotation, each serves the new file and presents the new certificate;
//   - one instance is killed with SIGKILL: at most the requests in flight on it are lost (N ≤ 6, the
//     load's connections: HAProxy's retries cover the rest);
// and the access logs show the load client's loopback address and its own ephemeral ports, not HAProxy's.
import { existsSync, readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { cliBuilt } from '../helpers/cli-process.js'
import { HAPROXY, startHaproxy, type Haproxy } from './balancers.js'
import { directRequest, fingerprintOf, foreignLogLines, LOAD_FILES, SITE, startCluster, type Cluster } from './cluster.js'
import { freePorts, makeCertificate, writeAtomically } from './instances.js'
import { describeLoad, startLoad, type Load, type LoadReport } from './load-client.js'

const LOAD_MS = 20_000
const CONNECTIONS = 6
const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

let cluster: Cluster | undefined
let haproxy: Haproxy | undefined
let load: Load | undefined

afterEach(async () => {
  await load?.stop()
  await haproxy?.stop()
  await cluster?.destroy()
  load = haproxy = cluster = undefined
})

async function setUp(name: string, tls = false): Promise<{ cluster: Cluster; haproxy: Haproxy }> {
  cluster = await startCluster(name, { tls })
  const [port] = await freePorts(1)
  haproxy = await startHaproxy({ dir: cluster.dir, port: port as number, instances: cluster.instances, tls })
  for (const i of cluster.instances) await haproxy.waitFor(i.name, 'UP')
  return { cluster, haproxy }
}

/** Runs the load until `LOAD_MS` after it started, then stops it and reports. */
async function finish(started: number): Promise<LoadReport> {
  await sleep(Math.max(0, started + LOAD_MS - Date.now()))
  const report = await (load as Load).stop()
  load = undefined
  return report
}

function expectLogsShowClient(c: Cluster, report: LoadReport): void {
  const { lines, foreign } = foreignLogLines(c.instances, report)
  expect(lines.length).toBeGreaterThanOrEqual(report.ok)
  expect(foreign.slice(0, 5)).toEqual([])
}

// The Debian package; .ci/run installs it. The CLI must be built (the tests run its bin).
const runnable = existsSync(HAPROXY) && cliBuilt()

describe.skipIf(!runnable)('HAProxy in front of three tinyhttp-cli instances', () => {
  it('a rolling restart of all three under load loses no request', async () => {
    const { cluster: c, haproxy: h } = await setUp('haproxy-rolling')
    const started = Date.now()
    load = startLoad({ port: h.port, files: LOAD_FILES, connections: CONNECTIONS })
    await sleep(2000)
    for (const instance of c.instances) {
      instance.signal('SIGTERM')
      await h.waitFor(instance.name, 'DOWN', 5000) // /readyz said 503 while the listener still accepts
      expect(await instance.exited()).toBe(0)
      await instance.start()
      await h.waitFor(instance.name, 'UP')
    }
    const report = await finish(started)
    console.log(`HAProxy rolling restart: ${describeLoad(report)}`)
    expect(report.lost, `${describeLoad(report)}\nlost: ${JSON.stringify(report.failures)}`).toBe(0)
    expect(report.retried, 'HAProxy hides server-side closes from its clients').toBe(0)
    expect(report.ok).toBeGreaterThan(1000)
    expectLogsShowClient(c, report)
    // Every instance served again after its restart.
    for (const i of c.instances) expect(i.log.length).toBeGreaterThan(0)
  }, 60_000)

  it('SIGHUP with a new allowlist and a new certificate on every instance loses no request', async () => {
    const { cluster: c, haproxy: h } = await setUp('haproxy-reload', true)
    const tls = c.tls as { cert: string; key: string }
    const before = fingerprintOf(tls.cert)
    for (const i of c.instances) expect((await directRequest(i, '/new.txt', true)).status).toBe(403)
    const statuses = new Set<string>()
    const watching = setInterval(() => void h.serverStatus().then(s => Object.values(s).forEach(v => statuses.add(v)), () => {}), 100)
    try {
      const started = Date.now()
      load = startLoad({ port: h.port, files: LOAD_FILES, connections: CONNECTIONS })
      await sleep(4000)
      // What a deploy tool does: replace the files atomically, then signal.
      const renewed = makeCertificate(c.dir, 'renewed')
      writeAtomically(tls.cert, readFileSync(renewed.cert))
      writeAtomically(tls.key, readFileSync(renewed.key))
      writeAtomically(c.allowFile, 'index.html\nstyle.css\ndata.json\nnew.txt\n')
      for (const i of c.instances) i.signal('SIGHUP')
      await sleep(2000)
      const after = fingerprintOf(tls.cert)
      expect(after).not.toBe(before)
      for (const i of c.instances) {
        const answer = await directRequest(i, '/new.txt', true)
        expect(answer.fingerprint, `${i.name} presents the new certificate`).toBe(after)
        expect(answer.status, `${i.name} serves the new allowlist`).toBe(200)
        expect(answer.body).toBe(SITE['new.txt'])
        expect(i.running).toBe(true)
      }
      const report = await finish(started)
      console.log(`HAProxy SIGHUP (allowlist + certificate): ${describeLoad(report)}`)
      expect(report.lost, `${describeLoad(report)}\nlost: ${JSON.stringify(report.failures)}`).toBe(0)
      expect(report.retried).toBe(0)
      expect(report.ok).toBeGreaterThan(1000)
      expect([...statuses], 'no instance left the rotation').toEqual(['UP'])
      expectLogsShowClient(c, report)
    } finally {
      clearInterval(watching)
    }
  }, 60_000)

  it(`kill -9 of one instance under load loses at most the requests in flight on it (≤ ${CONNECTIONS})`, async () => {
    const { cluster: c, haproxy: h } = await setUp('haproxy-kill')
    const started = Date.now()
    load = startLoad({ port: h.port, files: LOAD_FILES, connections: CONNECTIONS })
    await sleep(4000)
    const victim = c.instances[1] as Cluster['instances'][number]
    victim.signal('SIGKILL')
    expect(await victim.exited()).toBe('SIGKILL')
    await h.waitFor(victim.name, 'DOWN', 5000)
    await sleep(3000)
    await victim.start()
    await h.waitFor(victim.name, 'UP')
    const report = await finish(started)
    console.log(`HAProxy kill -9 of one instance: ${describeLoad(report)}`)
    expect(report.lost, `${describeLoad(report)}\nlost: ${JSON.stringify(report.failures)}`).toBeLessThanOrEqual(CONNECTIONS)
    expect(report.ok).toBeGreaterThan(1000)
    expectLogsShowClient(c, report)
  }, 60_000)
})
