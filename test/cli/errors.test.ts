import { symlinkSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { rawRequest } from '../helpers/raw-client.js'
import { cleanupTemp, demoSite, ensureBuilt, killAll, request, spawnCli, startCli } from './helpers.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

/** Runs the CLI to completion and checks: one line on stderr, no stack trace, the exit code. */
async function fails(args: string[], cwd: string, code: number, message: RegExp): Promise<void> {
  const cli = spawnCli(args, { cwd })
  const result = await cli.exited()
  expect(result.code, args.join(' ')).toBe(code)
  const err = cli.stderr()
  expect(err.split('\n').filter(Boolean), err).toHaveLength(1)
  expect(err).toMatch(/^tinyhttp-cli: /)
  expect(err).toMatch(message)
  expect(err).not.toMatch(/\n\s+at /)
  expect(cli.stdout()).not.toMatch(/Local:/)
}

describe('bad configuration: one line on stderr, non-zero exit', () => {
  it('unknown flag → 2', async () => {
    const { cwd } = demoSite()
    await fails(['--prot', '8080'], cwd, 2, /unknown option "--prot" \(did you mean --port\?\)/)
  })

  it('missing value → 2', async () => {
    const { cwd } = demoSite()
    await fails(['public', '--port'], cwd, 2, /option --port needs a value/)
  })

  it('missing root → 2', async () => {
    const { cwd } = demoSite()
    await fails(['no-such-folder', '--port', '0'], cwd, 2, /root folder no-such-folder does not exist/)
  })

  it('allow entry outside the root → 2', async () => {
    const { cwd } = demoSite()
    writeFileSync(join(cwd, 'secret.txt'), 'x')
    await fails(['public', '--port', '0', '--allow', '../secret.txt'], cwd, 2, /allow entry "\.\.\/secret\.txt" is outside the root/)
  })

  it('a symlink that leaves the root is refused with a warning, listed or found by a glob: 403, never its bytes', async () => {
    const { cwd, root } = demoSite()
    writeFileSync(join(cwd, 'secret.txt'), 'outside secret')
    symlinkSync(join(cwd, 'secret.txt'), join(root, 'link.txt'))
    for (const args of [['--allow', 'index.html', '--allow', 'link.txt'], []]) {
      const cli = await startCli(['public', '--port', '0', '-q', ...args], { cwd })
      await cli.waitForStderr(/^tinyhttp-cli: warning: allow entry "link\.txt" rejected: symlink-outside-root$/m)
      const r = await rawRequest(cli.port, request('GET', '/link.txt'))
      expect(r.status).toBe(403)
      expect(r.body.toString()).not.toContain('outside secret')
      cli.child.kill('SIGTERM')
      await cli.exited()
    }
  })

  it('allow file inside the root → 2', async () => {
    const { cwd, root } = demoSite()
    writeFileSync(join(root, 'allow.txt'), 'index.html\n')
    await fails(['public', '--port', '0', '--allow-file', 'public/allow.txt'], cwd, 2, /allow file public\/allow\.txt is inside the root/)
  })

  it('port in use → 1', async () => {
    const { cwd } = demoSite()
    const blocker: Server = createServer()
    await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as { port: number }).port
    try {
      await fails(['public', '--port', String(port)], cwd, 1, new RegExp(`port ${port} is already in use on 127\\.0\\.0\\.1`))
    } finally {
      await new Promise(resolve => blocker.close(resolve))
    }
  })

  it('unreadable TLS key → 1', async () => {
    const { cwd } = demoSite()
    writeFileSync(join(cwd, 'cert.pem'), '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n')
    await fails(['public', '--port', '0', '--tls-cert', 'cert.pem', '--tls-key', 'missing-key.pem'], cwd, 1, /cannot read TLS key .*missing-key\.pem: ENOENT/)
  })

  it('bad value → 2', async () => {
    const { cwd } = demoSite()
    await fails(['public', '--not-found', '500'], cwd, 2, /--not-found must be 403 or 404/)
    await fails(['public', '--cors', 'https://a.example/'], cwd, 2, /is not an origin/)
  })
})
