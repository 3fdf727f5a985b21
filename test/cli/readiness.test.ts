import { describe, expect, it } from 'vitest'
import { parseArgs } from '../../packages/cli/src/args.js'
import { resolveDrainDelay } from '../../packages/cli/src/config-lifecycle.js'
import type { CliConfig } from '../../packages/cli/src/config.js'
import { Readiness } from '../../packages/cli/src/readiness.js'
import { liveConfig, restartKeysOf } from '../../packages/cli/src/reload.js'

describe('Readiness', () => {
  it('starting → ready → draining, and never back from draining', () => {
    const r = new Readiness()
    const check = r.check // a detached callback, as the admin listener holds it
    expect(check()).toEqual({ ready: false, reason: 'starting' })
    expect(r.markReady()).toBe(true)
    expect(check()).toEqual({ ready: true, reason: 'ready' })
    expect(r.markReady()).toBe(false)
    r.markStarting('no worker listening')
    expect(check()).toEqual({ ready: false, reason: 'no worker listening' })
    expect(r.markReady()).toBe(true)
    expect(r.markDraining()).toBe(true)
    expect(r.markDraining()).toBe(false)
    r.markStarting('no worker listening')
    expect(r.markReady()).toBe(false)
    expect(check()).toEqual({ ready: false, reason: 'draining' })
    expect(r.state).toBe('draining')
  })
})

describe('--drain-delay', () => {
  it.each([
    [['--drain-delay', '0'], 0],
    [['--drain-delay', '12'], 12],
    [[], 0],
  ] as const)('%j → %i', (argv, seconds) => {
    expect(resolveDrainDelay(parseArgs(argv).options)).toBe(seconds)
  })

  it('defaults to 5 with --admin or --health-path (read by name), else 0', () => {
    expect(resolveDrainDelay({ admin: '127.0.0.1:9464' } as never)).toBe(5)
    expect(resolveDrainDelay({ 'health-path': '/healthz' } as never)).toBe(5)
    expect(resolveDrainDelay({})).toBe(0)
    expect(resolveDrainDelay({ 'drain-delay': '0', admin: '9464' } as never)).toBe(0) // given wins
  })
})

describe('restart keys of a reload', () => {
  const base = { root: '/srv/www', port: 7878, host: '127.0.0.1', allow: ['index.html'], allowSource: 'options', allowFile: undefined, maxAge: undefined, cors: '*', tls: undefined, drainDelay: 0, siteRules: undefined, configFile: undefined, workers: 1 } as unknown as CliConfig
  const tls = { certFile: '/c', keyFile: '/k', cert: Buffer.from('c'), key: Buffer.from('k') }

  it.each([
    [{ allow: ['a.html', 'b.css'] }, []],
    [{ drainDelay: 5 }, []],
    [{ port: 8080, maxAge: 60 }, ['port', 'maxAge']],
    [{ cors: ['https://a.example'] }, ['cors']],
    [{ tls }, ['tlsCert']],
  ] as const)('%j → %j', (change, keys) => {
    expect(restartKeysOf(base, { ...base, ...change } as CliConfig)).toEqual(keys)
  })

  it('a new certificate for a server already on TLS applies; TLS switched off does not', () => {
    const running = { ...base, tls } as CliConfig
    const rotated = { ...base, tls: { ...tls, cert: Buffer.from('new') } } as CliConfig
    expect(restartKeysOf(running, rotated)).toEqual([])
    expect(liveConfig(running, rotated).tls?.cert.toString()).toBe('new')
    expect(restartKeysOf(running, base)).toEqual(['tlsCert'])
    expect(liveConfig(running, base).tls).toBe(tls)
    expect(liveConfig(base, { ...base, port: 9, allow: ['x'] } as CliConfig)).toMatchObject({ port: 7878, allow: ['x'] })
  })
})
