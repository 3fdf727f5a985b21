// The deployment files say what the docs say, and agree with the CLI and with each other:
// - every tinyhttp-cli command line in them (the image's CMD, the Deployment's args, the systemd unit,
//   the commands in the HAProxy and nginx files) is accepted by the CLI's own parser and resolver;
// - the Kubernetes objects are valid against the Kubernetes schema (kubernetes-models) and agree with
//   each other (selectors, ports, probes) and with the drain numbers (grace ≥ preStop + drain + close);
// - the image runs non-root with its HEALTHCHECK on the admin port, exposes itself only in the image;
// - haproxy -c, nginx -t and systemd-analyze verify accept the files (when those tools are installed).
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseArgs } from '../../packages/cli/src/args.js'
import { DEFAULT_HOST, resolveConfig } from '../../packages/cli/src/config.js'
import { parseConfigFile } from '../../packages/cli/src/config-file.js'
import { adminPort, commentedCommands, flagValue, imageSpec, kubernetesObjects, REPO, repoFile, unitExecStart, unitSetting } from './deploy-files.js'

/** The CLI's close grace for requests in flight after the listeners close (start.ts `close()`). */
const CLOSE_GRACE_S = 5
/** Time left between the worst-case stop and the kubelet's SIGKILL. */
const MARGIN_S = 5

const scratch = mkdtempSync(join(tmpdir(), 'tinyhttp-manifests-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** Resolves a command line the way the CLI would, with its root folder replaced by a scratch one. */
async function resolveCommand(words: readonly string[]): Promise<void> {
  const parsed = parseArgs(words)
  expect(parsed.root, `root folder in ${words.join(' ')}`).toBeDefined()
  const site = join(scratch, 'site')
  mkdirSync(site, { recursive: true })
  writeFileSync(join(site, 'index.html'), '<!doctype html>\n')
  await resolveConfig({ ...parsed, root: site, options: { ...parsed.options, config: false } }, { env: {}, cwd: scratch })
}

const image = imageSpec(repoFile('Dockerfile'))
const objects = kubernetesObjects()
const byKind = (kind: string): Record<string, any> => {
  const found = objects.filter(o => o.object.kind === kind)
  expect(found, kind).toHaveLength(1)
  return (found[0] as { object: Record<string, any> }).object
}
const deployment = byKind('Deployment')
const pod = deployment.spec.template.spec
const container = pod.containers[0]
const args: string[] = container.args

describe('Dockerfile', () => {
  it('is multi-stage and runs as a numeric non-root user', () => {
    expect(image.stages).toBeGreaterThanOrEqual(2)
    expect(image.user).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/)
  })

  it('runs tinyhttp-cli with a command line the CLI accepts, exposed on 0.0.0.0 with the admin listener', async () => {
    expect(image.entrypoint).toEqual(['tinyhttp-cli'])
    expect(image.env).toMatch(/PATH=\/opt\/tinyhttp\/node_modules\/\.bin:/)
    expect(flagValue(image.cmd, 'host')).toBe('0.0.0.0')
    expect(flagValue(image.cmd, 'admin')).toBe('0.0.0.0:9464')
    expect(image.expose.sort()).toEqual([Number(flagValue(image.cmd, 'port')), adminPort(flagValue(image.cmd, 'admin') as string)].sort())
    await resolveCommand(image.cmd)
  })

  it('HEALTHCHECK asks /readyz of the admin port through tinyhttp-cli healthcheck', () => {
    const port = adminPort(flagValue(image.cmd, 'admin') as string)
    expect(image.healthcheck.command).toEqual(['tinyhttp-cli', 'healthcheck', `http://127.0.0.1:${port}/readyz`])
    expect(image.healthcheck.options).toEqual(expect.arrayContaining([expect.stringMatching(/^--interval=\d+s$/), expect.stringMatching(/^--timeout=\d+s$/)]))
  })

  it('copies exactly the demo files of demo.allow (public/secret.txt stays out of the image)', () => {
    const allowed = repoFile('demo.allow')
      .split('\n')
      .map(l => l.trim())
      .filter(l => l !== '' && !l.startsWith('#'))
    const site = image.contextCopies.flat().filter(p => p.startsWith('public/'))
    expect(site.map(p => p.slice('public/'.length)).sort()).toEqual(allowed.sort())
    expect(repoFile('.dockerignore').split('\n')).toEqual(expect.arrayContaining(['public/secret.txt', '**/node_modules', '.git']))
  })

  it('says 0.0.0.0 only in the image: the CLI itself defaults to loopback', () => {
    expect(DEFAULT_HOST).toBe('127.0.0.1')
  })
})

describe('Kubernetes objects', () => {
  it('every object is valid against the Kubernetes schema', async () => {
    const models: Record<string, () => Promise<new (o: any) => { validate(): void }>> = {
      'apps/v1 Deployment': async () => (await import('kubernetes-models/apps/v1/Deployment')).Deployment,
      'v1 Service': async () => (await import('kubernetes-models/v1/Service')).Service,
      'v1 ConfigMap': async () => (await import('kubernetes-models/v1/ConfigMap')).ConfigMap,
      'policy/v1 PodDisruptionBudget': async () => (await import('kubernetes-models/policy/v1/PodDisruptionBudget')).PodDisruptionBudget,
      'autoscaling/v2 HorizontalPodAutoscaler': async () => (await import('kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler')).HorizontalPodAutoscaler,
    }
    expect(objects.map(o => `${o.object.apiVersion} ${o.object.kind}`).sort()).toEqual(Object.keys(models).sort())
    for (const { file, object } of objects) {
      const Model = await (models[`${object.apiVersion} ${object.kind}`] as () => Promise<new (o: any) => { validate(): void }>)()
      expect(() => new Model(object).validate(), file).not.toThrow()
    }
  })

  it('the validator does refuse a wrong object (a string replica count)', async () => {
    const { Deployment } = await import('kubernetes-models/apps/v1/Deployment')
    const broken = structuredClone(deployment)
    broken.spec.replicas = 'three'
    expect(() => new Deployment(broken).validate()).toThrow(/replicas/)
  })

  it('the Deployment runs the image with a command line the CLI accepts', async () => {
    expect(container.image).toMatch(/tinyhttp:\d+\.\d+\.\d+$/)
    expect(flagValue(args, 'host')).toBe('0.0.0.0')
    await resolveCommand(args)
  })

  it('probes: readiness /readyz and liveness /livez on the admin port given to --admin', () => {
    const ports = Object.fromEntries((container.ports as Array<{ name: string; containerPort: number }>).map(p => [p.name, p.containerPort]))
    expect(ports.admin).toBe(adminPort(flagValue(args, 'admin') as string))
    expect(ports.http).toBe(Number(flagValue(args, 'port')))
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'admin' })
    expect(container.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'admin' })
    // A draining pod must be seen as not ready before its listener closes.
    const drain = Number(flagValue(args, 'drain-delay'))
    expect(container.readinessProbe.periodSeconds * container.readinessProbe.failureThreshold).toBeLessThan(drain)
    // Liveness is lenient: a busy pod is not restarted by one slow answer.
    expect(container.livenessProbe.failureThreshold).toBeGreaterThanOrEqual(3)
  })

  it('terminationGracePeriodSeconds covers preStop + --drain-delay + the close grace, with a margin', () => {
    const preStop = container.lifecycle.preStop
    const sleep = preStop.sleep !== undefined ? Number(preStop.sleep.seconds) : Number((preStop.exec.command as string[])[1])
    expect(preStop.exec?.command?.[0] ?? 'sleep').toBe('sleep')
    expect(sleep).toBeGreaterThan(0)
    const drain = Number(flagValue(args, 'drain-delay'))
    expect(drain).toBeGreaterThan(0)
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(sleep + drain + CLOSE_GRACE_S + MARGIN_S)
  })

  it('security: non-root as the image user, read-only root file system, no privilege, /tmp writable', () => {
    expect(pod.securityContext.runAsNonRoot).toBe(true)
    expect(String(pod.securityContext.runAsUser)).toBe(image.user.split(':')[0])
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] } })
    const tmp = (container.volumeMounts as Array<{ name: string; mountPath: string }>).find(m => m.mountPath === '/tmp')
    expect(tmp).toBeDefined()
    expect((pod.volumes as Array<{ name: string; emptyDir?: unknown }>).find(v => v.name === tmp?.name)?.emptyDir).toBeDefined()
    const config = (container.volumeMounts as Array<{ name: string; mountPath: string }>).find(m => m.mountPath === image.workdir)
    expect(config, 'the config map lands in the image working folder').toBeDefined()
  })

  it('Service, PodDisruptionBudget and HPA select the Deployment’s pods; the Service exposes the http port only', () => {
    const labels = deployment.spec.template.metadata.labels
    expect(deployment.spec.selector.matchLabels).toEqual(labels)
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0)
    const service = byKind('Service')
    expect(service.spec.selector).toEqual(labels)
    expect(service.spec.ports.map((p: { targetPort: string }) => p.targetPort)).toEqual(['http'])
    const pdb = byKind('PodDisruptionBudget')
    expect(pdb.spec.selector.matchLabels).toEqual(labels)
    expect(pdb.spec.maxUnavailable).toBeLessThan(deployment.spec.replicas)
    const hpa = byKind('HorizontalPodAutoscaler')
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: deployment.metadata.name })
    expect(hpa.spec.minReplicas).toBeLessThanOrEqual(deployment.spec.replicas)
    expect(container.resources.requests.cpu).toBeDefined()
  })

  it('the ConfigMap’s tinyhttp.json is a valid config file, mounted where the image reads it', () => {
    const map = byKind('ConfigMap')
    expect(pod.volumes.find((v: { configMap?: { name: string } }) => v.configMap !== undefined).configMap.name).toBe(map.metadata.name)
    expect(() => parseConfigFile(map.data['tinyhttp.json'], 'tinyhttp.json', image.workdir)).not.toThrow()
  })
})

describe('systemd unit', () => {
  const unit = repoFile('deploy/tinyhttp.service')
  const exec = unitExecStart(unit)

  it('runs a command line the CLI accepts, with a descriptor limit and a stop timeout above the drain', async () => {
    expect(exec[0]).toMatch(/\/tinyhttp-cli$/)
    await resolveCommand(exec.slice(1))
    expect(Number(unitSetting(unit, 'LimitNOFILE'))).toBeGreaterThanOrEqual(65536)
    const drain = Number(flagValue(exec, 'drain-delay'))
    expect(Number((unitSetting(unit, 'TimeoutStopSec') as string).replace(/s$/, ''))).toBeGreaterThanOrEqual(drain + CLOSE_GRACE_S + MARGIN_S)
    expect(unitSetting(unit, 'ExecReload')).toBe('/bin/kill -HUP $MAINPID')
    expect(unitSetting(unit, 'KillSignal')).toBe('SIGTERM')
    // The admin listener stays on loopback on a bare machine.
    expect(flagValue(exec, 'admin')).toMatch(/^127\.0\.0\.1:\d+$/)
  })

  it('is hardened: its own user, a read-only system, no new privileges', () => {
    for (const [key, value] of Object.entries({ DynamicUser: 'yes', ProtectSystem: 'strict', ProtectHome: 'yes', PrivateTmp: 'yes', NoNewPrivileges: 'yes' })) {
      expect(unitSetting(unit, key), key).toBe(value)
    }
  })

  const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' })
  // systemd-analyze is part of systemd, which a container or CI image may lack.
  it.skipIf(analyze.status !== 0)('systemd-analyze verify accepts it (the binary replaced by one that exists)', () => {
    const dir = mkdtempSync(join(scratch, 'unit-'))
    const copy = join(dir, 'tinyhttp.service')
    writeFileSync(copy, unit.replace('/usr/local/bin/tinyhttp-cli', '/usr/bin/env'))
    const r = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' })
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('')
    expect(r.status).toBe(0)
  })
})

describe('load balancer files', () => {
  const haproxy = repoFile('deploy/haproxy.cfg')

  it('every tinyhttp-cli command shown in the HAProxy and nginx files is accepted by the CLI', async () => {
    const commands = ['deploy/haproxy.cfg', 'deploy/nginx.conf', 'deploy/nginx-http.conf'].flatMap(f => commentedCommands(repoFile(f)).map(c => ({ f, c })))
    expect(commands.length).toBe(3)
    for (const { c } of commands) await resolveCommand(c)
  })

  it('HAProxy: health on /readyz of the admin port, PROXY v2, retries with redispatch, out of rotation before the drain ends', () => {
    const [command] = commentedCommands(haproxy) as [string[]]
    expect(haproxy).toMatch(/^\s*option httpchk\s*$/m)
    expect(haproxy).toMatch(/^\s*http-check send meth GET uri \/readyz\b/m)
    expect(haproxy).toMatch(/^\s*http-check expect status 200\s*$/m)
    expect(haproxy).toMatch(/^\s*retry-on all-retryable-errors\s*$/m)
    expect(haproxy).toMatch(/^\s*option redispatch\b/m)
    expect(haproxy).toMatch(/^\s*retries [1-9]\s*$/m)
    const server = /^\s*default-server (.*)$/m.exec(haproxy)?.[1] ?? ''
    expect(server).toMatch(/\bsend-proxy-v2\b/)
    expect(server).not.toMatch(/check-send-proxy/)
    expect(Number(/\bcheck port (\d+)/.exec(server)?.[1])).toBe(adminPort(flagValue(command, 'admin') as string))
    expect(command).toContain('--proxy-protocol')
    const inter = Number(/\binter (\d+)s\b/.exec(server)?.[1])
    const fall = Number(/\bfall (\d+)\b/.exec(server)?.[1])
    const checkTimeout = Number(/^\s*timeout check (\d+)s\s*$/m.exec(haproxy)?.[1])
    expect(inter * fall + checkTimeout).toBeLessThan(Number(flagValue(command, 'drain-delay')))
  })

  const haproxyInstalled = existsSync('/usr/sbin/haproxy')
  // .ci/run installs haproxy; a developer machine may not have it.
  it.skipIf(!haproxyInstalled)('haproxy -c accepts deploy/haproxy.cfg', () => {
    expect(execFileSync('/usr/sbin/haproxy', ['-c', '-f', 'deploy/haproxy.cfg'], { cwd: REPO, encoding: 'utf8' })).toMatch(/valid/)
  })

  const nginxInstalled = existsSync('/usr/sbin/nginx')
  const streamModule = existsSync('/usr/lib/nginx/modules/ngx_stream_module.so')
  // .ci/run installs nginx-light and libnginx-mod-stream; a developer machine may not have them.
  it.skipIf(!nginxInstalled || !streamModule)('nginx -t accepts deploy/nginx.conf (stream + proxy_protocol) and deploy/nginx-http.conf', () => {
    for (const file of ['deploy/nginx.conf', 'deploy/nginx-http.conf']) {
      const dir = mkdtempSync(join(scratch, 'nginx-'))
      mkdirSync(join(dir, 'logs'))
      const conf = join(dir, 'nginx.conf')
      writeFileSync(conf, repoFile(file).replace(/^pid .*$/m, `pid ${dir}/nginx.pid;`))
      const r = spawnSync('/usr/sbin/nginx', ['-t', '-p', dir, '-c', conf], { encoding: 'utf8' })
      expect(r.stderr, file).toMatch(/test is successful/)
      expect(r.status, file).toBe(0)
    }
    expect(repoFile('deploy/nginx.conf')).toMatch(/^\s*proxy_protocol on;/m)
  })
})
