import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect } from 'node:tls'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { rawRequest, type RawResponse } from '../helpers/raw-client.js'
import { readToClose } from '../helpers/read-to-close.js'
import { cleanupTemp, ensureBuilt, has, killAll, request, spawnCli, startCli, tempDir } from './helpers.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
const IMMUTABLE = 'public, max-age=31536000, immutable'
const header = (res: RawResponse, name: string): string | undefined => res.headers.get(name)?.[0]

function spaSite(): { cwd: string } {
  const cwd = tempDir()
  mkdirSync(join(cwd, 'dist', 'assets'), { recursive: true })
  writeFileSync(join(cwd, 'dist', 'index.html'), '<!doctype html><title>app</title><script src="/assets/app.3f9a1c2e.js"></script>\n')
  writeFileSync(join(cwd, 'dist', 'assets', 'app.3f9a1c2e.js'), 'console.log(1)\n')
  writeFileSync(join(cwd, 'dist', 'assets', 'index-BxY3kq9a.css'), 'body{}\n')
  writeFileSync(join(cwd, 'dist', 'jquery-3.7.1.js'), 'var jq\n')
  writeFileSync(join(cwd, 'dist', 'sw.js'), 'self.x=1\n')
  writeFileSync(join(cwd, 'dist', 'site.webmanifest'), '{}\n')
  return { cwd }
}

describe('--cache spa over the wire', () => {
  it.each([
    ['/index.html', 'no-cache'],
    ['/', 'no-cache'],
    ['/settings/profile', 'no-cache'],
    ['/assets/app.3f9a1c2e.js', IMMUTABLE],
    ['/assets/index-BxY3kq9a.css', IMMUTABLE],
    ['/sw.js', 'no-cache'],
    ['/site.webmanifest', 'no-cache'],
    ['/jquery-3.7.1.js', 'public, max-age=60'],
  ])('%s → Cache-Control %s on 200, HEAD and 304', async (path, value) => {
    const { cwd } = spaSite()
    const cli = await startCli(['dist', '--port', '0', '--spa', '--cache', 'spa', '--max-age', '60', '-q'], { cwd })
    const get = await rawRequest(cli.port, request('GET', path, { Accept: BROWSER }))
    expect(get.status, path).toBe(200)
    expect(header(get, 'cache-control'), path).toBe(value)
    const head = await rawRequest(cli.port, request('HEAD', path, { Accept: BROWSER }), { head: true })
    expect(head.status, path).toBe(200)
    expect(header(head, 'cache-control'), path).toBe(value)
    const etag = header(get, 'etag') as string
    expect(etag).toBeTruthy()
    const revalidated = await rawRequest(cli.port, request('GET', path, { Accept: BROWSER, 'If-None-Match': etag }))
    expect(revalidated.status, path).toBe(304)
    expect(header(revalidated, 'cache-control'), path).toBe(value)
  })

  it('refuses --cache spa with --immutable, naming both flags', async () => {
    const { cwd } = spaSite()
    const cli = spawnCli(['dist', '--port', '0', '--cache', 'spa', '--max-age', '60', '--immutable'], { cwd })
    const exit = await cli.exited(10_000)
    expect(exit.code).toBe(2)
    expect(cli.stderr()).toMatch(/--cache spa and --immutable cannot be combined/)
  })
})

describe('--isolate and --security-headers', () => {
  it('--isolate sets COOP, COEP and CORP on 200, 304, HEAD and a refusal', async () => {
    const { cwd } = spaSite()
    const cli = await startCli(['dist', '--port', '0', '--isolate', '-q'], { cwd })
    const ok = await rawRequest(cli.port, request('GET', '/index.html'))
    const answers = [
      ok,
      await rawRequest(cli.port, request('HEAD', '/sw.js'), { head: true }),
      await rawRequest(cli.port, request('GET', '/index.html', { 'If-None-Match': header(ok, 'etag') as string })),
      await rawRequest(cli.port, request('GET', '/.env')),
    ]
    expect(answers.map(a => a.status)).toEqual([200, 200, 304, 403])
    for (const res of answers) {
      expect(header(res, 'cross-origin-opener-policy')).toBe('same-origin')
      expect(header(res, 'cross-origin-embedder-policy')).toBe('require-corp')
      expect(header(res, 'cross-origin-resource-policy')).toBe('same-origin')
    }
  })

  it('--security-headers over plain HTTP: no HSTS', async () => {
    const { cwd } = spaSite()
    const cli = await startCli(['dist', '--port', '0', '--security-headers', '-q'], { cwd })
    const res = await rawRequest(cli.port, request('GET', '/index.html'))
    expect(header(res, 'x-content-type-options')).toBe('nosniff')
    expect(header(res, 'referrer-policy')).toBe('strict-origin-when-cross-origin')
    expect(header(res, 'x-frame-options')).toBe('DENY')
    expect(header(res, 'content-security-policy')).toBe("frame-ancestors 'none'")
    expect(res.headers.has('strict-transport-security')).toBe(false)
  })

  it.skipIf(!has('openssl'))('--security-headers over TLS: HSTS', async () => {
    const { cwd } = spaSite()
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '1', '-subj', '/CN=localhost'],
      { cwd, stdio: 'ignore', timeout: 20_000 },
    )
    const cli = await startCli(['dist', '--port', '0', '--security-headers', '--tls-cert', 'cert.pem', '--tls-key', 'key.pem', '-q'], { cwd })
    const socket = connect({ host: '127.0.0.1', port: cli.port, rejectUnauthorized: false, servername: 'localhost' }, () =>
      socket.write(request('GET', '/index.html', { Connection: 'close' })),
    )
    const raw = (await readToClose(socket)).toString('latin1')
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'))
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(head).toMatch(/\r\nStrict-Transport-Security: max-age=31536000\r\n/i)
    expect(head).toMatch(/\r\nX-Frame-Options: DENY\r\n/i)
  })
})
