// `tinyhttp-cli healthcheck`: exit codes and the one line, against a real CLI server, a server that
// is not ready, a closed port, a silent server, and with the address found in tinyhttp.json.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from 'tinyhttp-core'
import { adminApp } from '../../packages/cli/src/admin-server.js'
import { cleanupTemp, demoSite, ensureBuilt, has, killAll, spawnCli, startCli, tempDir } from './helpers.js'

beforeAll(ensureBuilt)
afterEach(killAll)
afterAll(cleanupTemp)

async function healthcheck(args: string[], cwd?: string, env?: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = spawnCli(['healthcheck', ...args], { ...(cwd !== undefined ? { cwd } : {}), ...(env !== undefined ? { env } : {}) })
  const { code } = await cli.exited(10_000)
  return { code, stdout: cli.stdout(), stderr: cli.stderr() }
}

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>(resolve => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as { port: number }).port
  await new Promise<void>(resolve => s.close(() => resolve()))
  return port
}

describe('tinyhttp-cli healthcheck', () => {
  it('exit 0 and "ready" against a running server, by URL and by --admin', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['public', '--port', '0', '--admin', '0', '--health-path', '/healthz'], { cwd })
    const admin = Number((await cli.waitForStdout(/^Admin: http:\/\/127\.0\.0\.1:(\d+)$/m))[1])
    expect(await healthcheck([`http://127.0.0.1:${admin}/readyz`])).toEqual({ code: 0, stdout: 'ready\n', stderr: '' })
    expect(await healthcheck(['--admin', String(admin)])).toEqual({ code: 0, stdout: 'ready\n', stderr: '' })
    expect(await healthcheck([`--admin=127.0.0.1:${admin}`])).toEqual({ code: 0, stdout: 'ready\n', stderr: '' })
    // The public port's health path works the same.
    expect((await healthcheck([`${cli.url}/healthz`])).code).toBe(0)
    // Anything but 200 is not ready.
    expect(await healthcheck([`http://127.0.0.1:${admin}/nope`])).toEqual({ code: 1, stdout: '', stderr: `unexpected status 404 from http://127.0.0.1:${admin}/nope\n` })
  })

  it('finds the admin address in ./tinyhttp.json, or in --config', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['public', '--port', '0', '--admin', '0', '--no-config'], { cwd })
    const admin = Number((await cli.waitForStdout(/^Admin: http:\/\/127\.0\.0\.1:(\d+)$/m))[1])
    writeFileSync(join(cwd, 'tinyhttp.json'), JSON.stringify({ admin: `127.0.0.1:${admin}` }))
    expect((await healthcheck([], cwd)).code).toBe(0)
    const other = tempDir()
    writeFileSync(join(other, 'site.json'), JSON.stringify({ admin: String(admin) }))
    expect((await healthcheck(['--config', join(other, 'site.json')], cwd)).code).toBe(0)
  })

  it('exit 1 with the server\'s reason on a 503', async () => {
    const app = adminApp({ readiness: () => ({ ready: false, reason: 'draining' }), scrape: () => '' })
    const { port } = await app.listen(0, '127.0.0.1')
    try {
      expect(await healthcheck([`http://127.0.0.1:${port}/readyz`])).toEqual({ code: 1, stdout: '', stderr: 'not ready: draining\n' })
    } finally {
      await app.close(0)
    }
  })

  it('exit 1 on a 503 without a reason line', async () => {
    const app = createApp()
    app.use(ctx => {
      ctx.res.status = 503
    })
    const { port } = await app.listen(0, '127.0.0.1')
    try {
      const r = await healthcheck([`http://127.0.0.1:${port}/readyz`])
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/^not ready: .+\n$/)
    } finally {
      await app.close(0)
    }
  })

  it('exit 1 and "cannot connect" for a closed port', async () => {
    const port = await freePort()
    expect(await healthcheck([`http://127.0.0.1:${port}/readyz`])).toEqual({ code: 1, stdout: '', stderr: `cannot connect to 127.0.0.1:${port}: ECONNREFUSED\n` })
    expect(await healthcheck(['--admin', String(port)])).toEqual({ code: 1, stdout: '', stderr: `cannot connect to 127.0.0.1:${port}: ECONNREFUSED\n` })
  })

  it('exit 1 for a server that accepts and never answers (its 2 s limit)', async () => {
    const sockets = new Set<Socket>()
    const silent: Server = createServer(socket => sockets.add(socket))
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve))
    const port = (silent.address() as { port: number }).port
    try {
      const r = await healthcheck([`http://127.0.0.1:${port}/readyz`])
      expect(r).toEqual({ code: 1, stdout: '', stderr: `no answer from 127.0.0.1:${port} within 2 s\n` })
    } finally {
      for (const s of sockets) s.destroy()
      silent.close()
    }
  })

  it('exit 1 (never 2: Docker reserves it) when nothing says where to ask, or the words are wrong', async () => {
    const cwd = tempDir()
    expect(await healthcheck(['--no-config'], cwd)).toEqual({
      code: 1,
      stdout: '',
      stderr: 'healthcheck: no admin listener configured: give a URL, --admin [HOST:]PORT, or a tinyhttp.json with "admin"\n',
    })
    expect((await healthcheck(['--admin', 'x'], cwd)).code).toBe(1)
    expect((await healthcheck(['--bogus'], cwd)).code).toBe(1)
    expect(await healthcheck(['localhost:9464'], cwd)).toMatchObject({ code: 1, stderr: expect.stringMatching(/^healthcheck: not a URL: "localhost:9464"/) })
    expect(await healthcheck(['ftp://127.0.0.1/readyz'], cwd)).toMatchObject({ code: 1 })
  })

  // openssl is a Debian package (.ci/run installs it); without it no certificate can be made here.
  it.skipIf(!has('openssl'))('https: exit 0 when the certificate is trusted, 1 with the TLS error when it is not', async () => {
    const { cwd } = demoSite()
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'],
      { cwd, stdio: 'ignore' },
    )
    const cli = await startCli(['public', '--port', '0', '--tls-cert', 'cert.pem', '--tls-key', 'key.pem', '--health-path', '/healthz', '-q'], { cwd })
    const url = `https://127.0.0.1:${cli.port}/healthz`
    expect(await healthcheck([url], cwd, { NODE_EXTRA_CA_CERTS: join(cwd, 'cert.pem') })).toEqual({ code: 0, stdout: 'ready\n', stderr: '' })
    const untrusted = await healthcheck([url], cwd)
    expect(untrusted.code).toBe(1)
    expect(untrusted.stderr).toMatch(new RegExp(`^cannot connect to 127\\.0\\.0\\.1:${cli.port}: [A-Z_]*SELF_SIGNED[A-Z_]*\n$`))
  })
})
