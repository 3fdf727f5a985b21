import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls'
import { promisify } from 'node:util'
import { createApp, FileBody } from 'tinyhttp-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { closeAll, serve } from '../helpers/serve.js'

const run = promisify(execFile)

function has(cmd: string, arg = '--version'): boolean {
  try {
    execFileSync(cmd, [arg], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

afterEach(closeAll)

// curl comes from Debian's package; .ci/run installs it. Without it these cases cannot run at all.
describe.skipIf(!has('curl'))('curl as a real client', () => {
  const hello = (ctx: { req: { path: string }; res: { body: unknown } }): void => {
    ctx.res.body = `hello ${ctx.req.path}`
  }

  it('GET', async () => {
    const { port } = await serve(hello)
    const { stdout } = await run('curl', ['-s', `http://127.0.0.1:${port}/a`])
    expect(stdout).toBe('hello /a')
  })

  it('HEAD', async () => {
    const { port } = await serve(hello)
    const { stdout } = await run('curl', ['-s', '-I', `http://127.0.0.1:${port}/abc`])
    expect(stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(stdout).toMatch(/\r\nContent-Length: 10\r\n/)
  })

  it('keep-alive: two URLs in one invocation reuse the connection', async () => {
    const { port } = await serve(hello)
    const { stdout, stderr } = await run('curl', ['-sv', `http://127.0.0.1:${port}/1`, `http://127.0.0.1:${port}/2`])
    expect(stdout).toBe('hello /1hello /2')
    expect(stderr).toMatch(/Re-using existing connection|Reusing existing connection/)
  })

  it('--http1.0', async () => {
    const { port } = await serve(hello)
    const { stdout } = await run('curl', ['-s', '-i', '--http1.0', `http://127.0.0.1:${port}/old`])
    expect(stdout).toMatch(/\r\nConnection: close\r\n/)
    expect(stdout.endsWith('hello /old')).toBe(true)
  })

  it('a file body streamed from a descriptor arrives byte-exact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tinyhttp-file-'))
    const file = join(dir, 'big.bin')
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17)
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff
    writeFileSync(file, bytes)
    try {
      const { port } = await serve(ctx => {
        ctx.res.body = new FileBody({ path: file, start: 5, length: bytes.length - 10 })
      })
      const out = join(dir, 'out.bin')
      await run('curl', ['-s', '-o', out, `http://127.0.0.1:${port}/`])
      expect(readFileSync(out).equals(bytes.subarray(5, bytes.length - 5))).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

// openssl comes with Debian; without it no certificate can be generated for the test.
describe.skipIf(!has('openssl', 'version'))('HTTPS through attach(tls.Server)', () => {
  let dir = ''
  let key = ''
  let cert = ''
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tinyhttp-tls-'))
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' })
    key = readFileSync(join(dir, 'key.pem'), 'utf8')
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8')
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('answers over TLS and reports the request as secure', async () => {
    const app = createApp()
    app.use(ctx => {
      ctx.res.body = `secure=${ctx.req.secure}`
    })
    const server = createTlsServer({ key, cert, allowHalfOpen: true })
    app.attach(server)
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as { port: number }).port
    try {
      const text = await new Promise<string>((resolve, reject) => {
        const socket = tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => {
          socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
        })
        let data = ''
        socket.on('data', d => (data += d.toString('latin1')))
        socket.on('end', () => resolve(data))
        socket.on('error', reject)
      })
      expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
      expect(text.endsWith('secure=true')).toBe(true)
    } finally {
      await app.close(200)
    }
  })
})
