import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { parseAllowedHosts } from '../../packages/cli/src/config.js'
import { CliError } from '../../packages/cli/src/errors.js'
import { hostCheck, hostPolicy, isAcceptedHost } from '../../packages/cli/src/host-check.js'
import { createApp } from 'tinyhttp-core'
import { rawRequest, type RawResponse } from '../helpers/raw-client.js'
import { cleanupTemp, demoSite, ensureBuilt, killAll, spawnCli, startCli } from './helpers.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

const BODY = '421 Misdirected Request\nThis server does not answer to this host name (see --allowed-hosts).\n'
/** The exact 421 a rebinding page gets, but the Date line. */
const REFUSED =
  'HTTP/1.1 421 Misdirected Request\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n' +
  `Content-Length: ${BODY.length}\r\nConnection: close\r\n\r\n${BODY}`
const withoutDate = (res: RawResponse): string => res.rawHead.replace(/\r\nDate: [^\r]*/i, '') + '\r\n\r\n' + res.body.toString('latin1')
const get = (host: string | null, target = '/index.html', version = '1.1'): string =>
  `GET ${target} HTTP/${version}\r\n${host === null ? '' : `Host: ${host}\r\n`}Accept: text/html\r\nConnection: close\r\n\r\n`

describe('DNS rebinding: a loopback server answers only loopback names', () => {
  it('Host: rebind.example:7878 → 421 with a fixed body naming neither host nor path; loopback names → 200', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['--port', '0', '--log-format', 'json'], { cwd })
    const refused = await rawRequest(cli.port, get('rebind.example:7878'))
    expect(withoutDate(refused)).toBe(REFUSED)
    expect(refused.body.toString()).not.toMatch(/rebind|index/)
    for (const host of ['rebind.example', 'REBIND.example.', 'localhost.rebind.example', 'evil-localhost', '127.0.0.1.nip.io:80', `evil.test:${cli.port}`]) {
      expect((await rawRequest(cli.port, get(host))).status, host).toBe(421)
    }
    // The authority of an absolute-form target is the host that counts.
    expect((await rawRequest(cli.port, 'GET http://rebind.example/index.html HTTP/1.1\r\nHost: localhost\r\n\r\n')).status).toBe(421)
    for (const host of [`localhost:${cli.port}`, 'localhost', 'LocalHost.', `127.0.0.1:${cli.port}`, '127.0.0.2', `[::1]:${cli.port}`, 'app.localhost', `a.b.localhost:${cli.port}`, '192.168.1.20:80']) {
      const ok = await rawRequest(cli.port, get(host))
      expect(ok.status, host).toBe(200)
    }
    // HTTP/1.0 without Host: never a browser, so never a rebinding.
    expect((await rawRequest(cli.port, get(null, '/index.html', '1.0'))).status).toBe(200)
    // The refusal is logged with its reason.
    const [line] = await cli.waitForStdout(/^\{.*"status":421.*\}$/m)
    expect(JSON.parse(line)).toMatchObject({ path: '/index.html', status: 421, reason: 'deny:host', bytes: BODY.length })
  })

  it('--allowed-hosts adds names (and .domain for its subdomains); others still get 421', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['--port', '0', '--allowed-hosts', 'rebind.example,.dev.test', '-q'], { cwd })
    for (const host of [`rebind.example:${cli.port}`, 'REBIND.EXAMPLE.', 'dev.test', 'a.dev.test', 'localhost']) {
      expect((await rawRequest(cli.port, get(host))).status, host).toBe(200)
    }
    for (const host of ['other.example', 'sub.rebind.example', 'xdev.test']) {
      expect((await rawRequest(cli.port, get(host))).status, host).toBe(421)
    }
  })

  it('-H 0.0.0.0 leaves the check off; --allowed-hosts turns it on; --allowed-hosts all turns it off on loopback', async () => {
    const { cwd } = demoSite()
    const wide = await startCli(['--port', '0', '-H', '0.0.0.0', '-q'], { cwd })
    expect((await rawRequest(wide.port, get('rebind.example:7878'))).status).toBe(200)
    await killAll()
    const listed = await startCli(['--port', '0', '-H', '0.0.0.0', '--allowed-hosts', 'app.test', '-q'], { cwd })
    expect((await rawRequest(listed.port, get('rebind.example'))).status).toBe(421)
    expect((await rawRequest(listed.port, get('app.test'))).status).toBe(200)
    expect((await rawRequest(listed.port, get('10.0.0.5:8080'))).status).toBe(200)
    await killAll()
    const all = await startCli(['--port', '0', '--allowed-hosts', 'all', '-q'], { cwd })
    expect((await rawRequest(all.port, get('rebind.example'))).status).toBe(200)
  })

  it('--check says which hosts are answered', async () => {
    const { cwd } = demoSite()
    const loop = spawnCli(['--check', '--allowed-hosts', 'app.test'], { cwd })
    expect((await loop.exited()).code).toBe(0)
    expect(loop.stdout()).toMatch(/^Hosts: localhost, \*\.localhost, IP literals, app\.test \(others get 421\)$/m)
    const wide = spawnCli(['--check', '-H', '0.0.0.0'], { cwd })
    expect((await wide.exited()).code).toBe(0)
    expect(wide.stdout()).toMatch(/^Hosts: any \(0\.0\.0\.0 is not loopback-only: no DNS-rebinding check unless --allowed-hosts is given\)$/m)
    const json = spawnCli(['--check', '--log-format', 'json'], { cwd })
    expect((await json.exited()).code).toBe(0)
    expect(JSON.parse(json.stdout()).hosts).toEqual({ check: true, names: [] })
  })

  it('bad --allowed-hosts values are usage errors (exit 2)', async () => {
    const { cwd } = demoSite()
    for (const value of ['all,app.test', 'http://app.test', '127.0.0.1', ' , ']) {
      const cli = spawnCli(['--allowed-hosts', value, '--port', '0'], { cwd })
      expect((await cli.exited()).code, value).toBe(2)
      expect(cli.stderr()).toMatch(/^tinyhttp-cli: --allowed-hosts/m)
    }
  })
})

describe('host check units', () => {
  it('isAcceptedHost: ports ignored, case-insensitive, one trailing dot, IP literals always, malformed never', () => {
    const yes = ['localhost', 'localhost:1', 'LOCALHOST.', 'x.localhost', '127.0.0.1', '10.1.2.3:80', '[::1]', '[::1]:7878', '[2001:db8::1]:1', '']
    const no = ['rebind.example', 'localhost..', 'localhost:x', '[::1', '[::1]x', '[nope]:1', 'localhostx', 'x.localhost.evil']
    for (const h of yes) expect(isAcceptedHost(h, []), h).toBe(true)
    for (const h of no) expect(isAcceptedHost(h, []), h).toBe(false)
    expect(isAcceptedHost('App.Test.:8080', ['app.test'])).toBe(true)
    expect(isAcceptedHost('a.app.test', ['.app.test'])).toBe(true)
    expect(isAcceptedHost('app.test', ['.app.test'])).toBe(true)
    expect(isAcceptedHost('xapp.test', ['.app.test'])).toBe(false)
  })

  it('hostPolicy and parseAllowedHosts', () => {
    expect(hostPolicy(true, undefined)).toEqual({ check: true, names: [] })
    expect(hostPolicy(false, undefined)).toEqual({ check: false, names: [] })
    expect(hostPolicy(false, ['a.test'])).toEqual({ check: true, names: ['a.test'] })
    expect(hostPolicy(true, 'all')).toEqual({ check: false, names: [] })
    expect(parseAllowedHosts(['App.test, .Dev.test.', 'app.test'])).toEqual(['app.test', '.dev.test'])
    expect(parseAllowedHosts(['all'])).toBe('all')
    expect(parseAllowedHosts(undefined)).toBeUndefined()
    expect(() => parseAllowedHosts(['a_b'])).toThrow(CliError)
  })

  it('hostCheck remembers verdicts without mixing them up: alternating hosts on one server keep their own answer', async () => {
    const app = createApp()
    app.use(hostCheck(['.app.test']), ctx => {
      ctx.res.body = 'ok'
    })
    const { port } = await app.listen(0, '127.0.0.1')
    try {
      const seq: Array<[string | null, number]> = [
        ['localhost', 200], ['rebind.example', 421], ['rebind.example', 421], ['localhost', 200], [null, 200],
        ['rebind.example', 421], ['a.app.test', 200], ['evil.test', 421], ['localhost', 200], ['evil.test', 421],
      ]
      for (const [host, status] of seq) {
        expect((await rawRequest(port, get(host, '/', host === null ? '1.0' : '1.1'))).status, String(host)).toBe(status)
      }
    } finally {
      await app.close(100)
    }
  })
})
