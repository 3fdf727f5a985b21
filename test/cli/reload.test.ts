import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect } from 'node:tls'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { rawRequest } from '../helpers/raw-client.js'
import { cleanupTemp, demoSite, ensureBuilt, has, killAll, request, startCli } from './helpers.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

const get = async (port: number, path: string): Promise<{ status: number; body: Buffer; headers: Map<string, string[]> }> =>
  rawRequest(port, request('GET', path, { Connection: 'close' }))

/** The SHA-256 fingerprint of the certificate the server presents to a new TLS connection. */
function presented(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'localhost' }, () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256
      socket.destroy()
      resolve(fingerprint)
    })
    socket.setTimeout(5000, () => socket.destroy(new Error('TLS handshake timed out')))
    socket.on('error', reject)
  })
}

describe('SIGHUP: reload without restart', () => {
  it('the config file: a new allow list is served at once; keys a restart needs are named; a broken file keeps what is in force', async () => {
    const { cwd, root } = demoSite()
    const config = join(cwd, 'tinyhttp.json')
    writeFileSync(config, JSON.stringify({ allow: ['index.html'] }))
    const cli = await startCli(['public', '--port', '0'], { cwd })
    expect((await get(cli.port, '/style.css')).status).toBe(403)

    writeFileSync(config, JSON.stringify({ allow: ['index.html', 'style.css', 'missing.html'], maxAge: 60, headers: [{ source: '/style.css', headers: [{ key: 'X-Rule', value: '1' }] }] }))
    process.kill(cli.pid, 'SIGHUP')
    await cli.waitForStderr(/tinyhttp-cli: warning: allow entry "missing.html" matches no file\ntinyhttp-cli: reloaded: 2 files allowed\n/, 5000)
    // maxAge is baked into static's options; a server started without site rules has no rules middleware.
    await cli.waitForStderr(/tinyhttp-cli: warning: restart to apply: maxAge, siteRules\n/, 5000)
    const css = await get(cli.port, '/style.css')
    expect(css.status).toBe(200)
    expect(css.body.equals(readFileSync(join(root, 'style.css')))).toBe(true)
    expect(css.headers.get('cache-control')).toEqual(['no-cache']) // not applied: restart
    expect(css.headers.get('x-rule')).toBeUndefined()

    const before = cli.stderr()
    writeFileSync(config, '{"allow": [')
    process.kill(cli.pid, 'SIGHUP')
    const m = await cli.waitForStderr(/tinyhttp-cli: warning: reload failed, the running configuration stays in force: (.*)\n/, 5000)
    expect(m[1]).toMatch(/^tinyhttp\.json(:1)?: invalid JSON/)
    expect(cli.stderr().slice(before.length).split('\n').filter(Boolean)).toHaveLength(1)
    expect((await get(cli.port, '/style.css')).status).toBe(200)
    expect(cli.child.exitCode).toBeNull()
  })

  it('--allow-file and the site rules of the root: re-read; a server started with rules swaps them', async () => {
    const { cwd, root } = demoSite()
    writeFileSync(join(cwd, 'allow.txt'), 'index.html\n')
    writeFileSync(join(root, '_headers'), '/index.html\n  X-Version: 1\n')
    const cli = await startCli(['public', '--port', '0', '-q', '--no-config', '--allow-file', 'allow.txt'], { cwd })
    expect((await get(cli.port, '/index.html')).headers.get('x-version')).toEqual(['1'])
    expect((await get(cli.port, '/style.css')).status).toBe(403)
    writeFileSync(join(cwd, 'allow.txt'), 'style.css\n')
    writeFileSync(join(root, '_headers'), '/style.css\n  X-Version: 2\n')
    process.kill(cli.pid, 'SIGHUP')
    // -q: no "reloaded" line; wait for the effect instead (bounded).
    let status = 0
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await get(cli.port, '/style.css')).status
      if (status !== 200) await new Promise(r => setTimeout(r, 100))
    }
    const css = await get(cli.port, '/style.css')
    expect(css.status).toBe(200)
    expect(css.headers.get('x-version')).toEqual(['2'])
    expect((await get(cli.port, '/index.html')).status).toBe(403)
    expect(cli.stderr()).toBe('')
  })
})

describe('SIGHUP: what a reload refuses', () => {
  it('a new allow list without the --spa file: refused, the old list stays', async () => {
    const { cwd } = demoSite()
    writeFileSync(join(cwd, 'allow.txt'), 'index.html\n')
    const cli = await startCli(['public', '--port', '0', '--no-config', '--spa', '--allow-file', 'allow.txt'], { cwd })
    writeFileSync(join(cwd, 'allow.txt'), 'style.css\n')
    process.kill(cli.pid, 'SIGHUP')
    const m = await cli.waitForStderr(/tinyhttp-cli: warning: reload failed, the running configuration stays in force: (.*)\n/, 5000)
    expect(m[1]).toBe('--spa file index.html is not allowed by the new allow list')
    expect((await get(cli.port, '/index.html')).status).toBe(200)
    expect((await get(cli.port, '/style.css')).status).toBe(403)
  })
})

// openssl is a Debian package; .ci/run installs it. Without it no certificate can be made here.
describe.skipIf(!has('openssl'))('SIGHUP: certificate rotation', () => {
  it('a new certificate and key are presented to new connections; a key that does not match keeps the old pair, with one line why', async () => {
    const { cwd } = demoSite()
    const make = (name: string): string => {
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '1', '-subj', `/CN=${name}`],
        { cwd, stdio: 'ignore', timeout: 20_000 },
      )
      return new X509Certificate(readFileSync(join(cwd, `${name}.crt`))).fingerprint256
    }
    const first = make('first')
    const second = make('second')
    expect(first).not.toBe(second)
    const use = (cert: string, key: string): void => {
      copyFileSync(join(cwd, cert), join(cwd, 'cert.pem'))
      copyFileSync(join(cwd, key), join(cwd, 'key.pem'))
    }
    use('first.crt', 'first.key')
    const cli = await startCli(['public', '--port', '0', '-q', '--no-config', '--tls-cert', 'cert.pem', '--tls-key', 'key.pem'], { cwd })
    expect(await presented(cli.port)).toBe(first)

    use('second.crt', 'second.key')
    process.kill(cli.pid, 'SIGHUP')
    let now = first
    for (let i = 0; i < 50 && now !== second; i++) {
      now = await presented(cli.port)
      if (now !== second) await new Promise(r => setTimeout(r, 100))
    }
    expect(now).toBe(second)

    // Half a rotation (the new certificate, the old key): refused as a whole.
    copyFileSync(join(cwd, 'first.crt'), join(cwd, 'cert.pem'))
    process.kill(cli.pid, 'SIGHUP')
    const m = await cli.waitForStderr(/tinyhttp-cli: warning: reload failed, the running configuration stays in force: (.*)\n/, 5000)
    expect(m[1]).toMatch(/^invalid TLS certificate or key \(.*cert\.pem, .*key\.pem\)/)
    expect(cli.stderr().split('\n').filter(Boolean)).toHaveLength(1)
    expect(await presented(cli.port)).toBe(second)
    // Still serving over TLS.
    const socket = connect({ host: '127.0.0.1', port: cli.port, rejectUnauthorized: false })
    const answer = await new Promise<string>((resolve, reject) => {
      let text = ''
      socket.on('secureConnect', () => socket.write(request('GET', '/index.html', { Connection: 'close' })))
      socket.on('data', d => (text += d.toString('latin1')))
      socket.on('end', () => resolve(text))
      socket.on('error', reject)
    })
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
  })
})
