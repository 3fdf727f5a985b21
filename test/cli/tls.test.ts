import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect } from 'node:tls'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { readToClose } from '../helpers/read-to-close.js'
import { cleanupTemp, demoSite, ensureBuilt, has, killAll, request, startCli } from './helpers.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

/** Sends one request over TLS (self-signed: not verified) and returns the raw response. */
function tlsRequest(port: number, raw: string): Promise<Buffer> {
  const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'localhost' }, () => socket.write(raw))
  return readToClose(socket)
}

// openssl is a Debian package; .ci/run installs it. Without it no certificate can be made here.
describe.skipIf(!has('openssl'))('HTTPS with --tls-cert/--tls-key (openssl self-signed certificate)', () => {
  it('serves the demo over TLS and prints an https Local URL', async () => {
    const { cwd, root } = demoSite()
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '1', '-subj', '/CN=localhost'],
      { cwd, stdio: 'ignore', timeout: 20_000 },
    )
    const cli = await startCli(['public', '--port', '0', '--tls-cert', join(cwd, 'cert.pem'), '--tls-key', 'key.pem', '-q'], { cwd })
    expect(cli.url).toBe(`https://127.0.0.1:${cli.port}`)
    const raw = await tlsRequest(cli.port, request('GET', '/index.html', { Connection: 'close' }))
    const text = raw.toString('latin1')
    const headEnd = text.indexOf('\r\n\r\n')
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(text.slice(0, headEnd)).toMatch(/\r\nContent-Type: text\/html; charset=utf-8\r\n/i)
    expect(text.slice(0, headEnd)).toMatch(/\r\nAccess-Control-Allow-Origin: \*\r\n/i)
    expect(raw.subarray(headEnd + 4).equals(readFileSync(join(root, 'index.html')))).toBe(true)
    const denied = (await tlsRequest(cli.port, request('GET', '/key.pem', { Connection: 'close' }))).toString('latin1')
    expect(denied).toMatch(/^HTTP\/1\.1 403 /)
  })
})
