// nginx (Debian's nginx-light with libnginx-mod-stream, started here with its own prefix and config on
// loopback) in front of three CLI instances, the shape of deploy/nginx.conf: the stream module with
// `proxy_protocol on` (nginx's http module cannot send the PROXY protocol to an upstream), passive health
// only (`proxy_next_upstream` on a refused connection). A bounded keep-alive load runs ≥ 20 s while all
// three are restarted in turn (SIGTERM, wait for exit, start again, wait until /readyz says 200): no
// request lost. nginx passes bytes, not requests, so a keep-alive connection an instance closes reaches
// the client: the load client retries a request that met a reused connection closed before any byte of
// its answer, as browsers and curl do (counted and printed as `retried`; a second failure is lost).
import { existsSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { cliBuilt } from '../helpers/cli-process.js'
import { NGINX, NGINX_STREAM_MODULE, startNginx, type Balancer } from './balancers.js'
import { foreignLogLines, LOAD_FILES, startCluster, waitReady, type Cluster } from './cluster.js'
import { freePorts } from './instances.js'
import { describeLoad, startLoad, type Load } from './load-client.js'

const LOAD_MS = 20_000
const CONNECTIONS = 6
const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

let cluster: Cluster | undefined
let nginx: Balancer | undefined
let load: Load | undefined

afterEach(async () => {
  await load?.stop()
  await nginx?.stop()
  await cluster?.destroy()
  load = nginx = cluster = undefined
})

// .ci/run installs nginx-light and libnginx-mod-stream (nginx-light alone has no stream module).
const runnable = existsSync(NGINX) && existsSync(NGINX_STREAM_MODULE) && cliBuilt()

describe.skipIf(!runnable)('nginx (stream, proxy_protocol) in front of three tinyhttp-cli instances', () => {
  it('a rolling restart of all three under load loses no request', async () => {
    cluster = await startCluster('nginx-rolling', { drainDelay: 2 })
    const c = cluster
    for (const i of c.instances) await waitReady(i)
    const [port] = await freePorts(1)
    nginx = await startNginx(c.dir, port as number, c.instances)
    const started = Date.now()
    load = startLoad({ port: nginx.port, files: LOAD_FILES, connections: CONNECTIONS })
    const events: string[] = []
    const note = (what: string): number => events.push(`${Date.now() - started} ms ${what}`)
    await sleep(2000)
    for (const instance of c.instances) {
      note(`SIGTERM ${instance.name}`)
      instance.signal('SIGTERM')
      expect(await instance.exited()).toBe(0)
      note(`${instance.name} exited`)
      await instance.start()
      note(`${instance.name} started`)
      await waitReady(instance)
      note(`${instance.name} ready`)
      // nginx marked the server failed while it refused connections: let fail_timeout (1 s) pass.
      await sleep(1500)
    }
    await sleep(Math.max(0, started + LOAD_MS - Date.now()))
    const report = await load.stop()
    load = undefined
    console.log(`nginx rolling restart: ${describeLoad(report)}`)
    expect(report.lost, `${describeLoad(report)}\nlost: ${JSON.stringify(report.failures)}\nevents: ${events.join(', ')}\n${nginx.output()}`).toBe(0)
    // Each drain can race with at most the one request in flight on each connection it closes.
    expect(report.retried).toBeLessThanOrEqual(CONNECTIONS * c.instances.length)
    expect(report.ok).toBeGreaterThan(1000)
    const { lines, foreign } = foreignLogLines(c.instances, report)
    expect(lines.length).toBeGreaterThanOrEqual(report.ok)
    expect(foreign.slice(0, 5)).toEqual([])
  }, 60_000)
})
