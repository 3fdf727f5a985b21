import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnCli } from '../helpers/cli-process.js'
import { rawRequest } from '../helpers/raw-client.js'
import { ensureBuilt } from './helpers.js'

// scripts/start.mjs and scripts/cli.mjs are what `npx -y pnpm@10 start` and `npx -y pnpm@10 run cli`
// run, in the repository root, with INIT_CWD set to where the user stood and (pnpm 10) a `--` passed on.
const REPO = fileURLToPath(new URL('../../', import.meta.url))
const START = join(REPO, 'scripts/start.mjs')
const CLI = join(REPO, 'scripts/cli.mjs')
const temp = mkdtempSync(join(tmpdir(), 'tinyhttp-launcher-'))
beforeAll(ensureBuilt, 200_000)
afterAll(() => rmSync(temp, { recursive: true, force: true }))

async function get(port: number, path: string): Promise<{ status: number; body: string }> {
  const res = await rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`)
  return { status: res.status, body: res.body.toString() }
}

describe('the clone launchers (scripts/start.mjs, scripts/cli.mjs)', () => {
  it('start with no arguments is the demo: ./public with demo.allow, so public/secret.txt (which exists) is 403', async () => {
    const demo = await spawnCli([], { script: START, cwd: REPO, env: { PORT: '0', INIT_CWD: temp } })
    try {
      expect((await get(demo.port, '/')).status).toBe(200)
      expect((await get(demo.port, '/data.json')).status).toBe(200)
      expect((await get(demo.port, '/cors.html')).status).toBe(200)
      expect((await get(demo.port, '/secret.txt')).status).toBe(403)
    } finally {
      expect(await demo.stop()).toBe(0)
    }
  })

  for (const [name, script] of [['start', START], ['run cli', CLI]] as const) {
    it(`${name} -- ./my-site --port 0: the pnpm "--" is dropped and ./my-site is relative to INIT_CWD, not the repository`, async () => {
      const stood = join(temp, name.replace(' ', '-'))
      mkdirSync(join(stood, 'my-site'), { recursive: true })
      writeFileSync(join(stood, 'my-site', 'hello.txt'), `hello from ${name}\n`)
      const cli = await spawnCli(['--', './my-site', '--port', '0', '-q'], { script, cwd: REPO, env: { INIT_CWD: stood } })
      try {
        expect(await get(cli.port, '/hello.txt')).toEqual({ status: 200, body: `hello from ${name}\n` })
        expect((await get(cli.port, '/index.html')).status).toBe(403)
      } finally {
        expect(await cli.stop()).toBe(0)
      }
    })
  }
})
