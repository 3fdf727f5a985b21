import { spawn, spawnSync } from 'node:child_process'
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

  it('start with options only (-- --port 0 -q) is still the demo: secret.txt stays refused', async () => {
    const demo = await spawnCli(['--', '--port', '0', '-q'], { script: START, cwd: REPO, env: { INIT_CWD: temp } })
    try {
      expect((await get(demo.port, '/index.html')).status).toBe(200)
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

// Ctrl-C in a terminal under `npx -y pnpm@10 start`: the whole foreground process group gets SIGINT. With
// a POSIX shell between pnpm and node, dash dies of it and pnpm prints "ELIFECYCLE Command failed" even
// though the server exits 0; pnpm-workspace.yaml's `shellEmulator: true` removes that shell. script(1)
// gives the command a real pty; writing ^C to it is what a user's Ctrl-C does.
const hasScript = spawnSync('script', ['--version']).status === 0
describe.skipIf(!hasScript)('Ctrl-C under npx -y pnpm@10 start, in a terminal', () => {
  it('stops the demo with "Shutting down" and without pnpm\'s ELIFECYCLE noise', async () => {
    const child = spawn('script', ['-qfec', 'npx -y pnpm@10 start', '/dev/null'], {
      cwd: REPO,
      env: { ...process.env, PORT: '0', NO_COLOR: '1', npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false', INIT_CWD: undefined },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s))
    const exited = new Promise<void>(resolve => child.once('close', () => resolve()))
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000)
    try {
      for (let i = 0; i < 1100 && !/Local:\s+http:\/\/127\.0\.0\.1:\d+/.test(out); i++) await new Promise(r => setTimeout(r, 50))
      expect(out).toMatch(/Local:\s+http:\/\/127\.0\.0\.1:\d+/)
      child.stdin.write('\x03')
      await exited
    } finally {
      clearTimeout(kill)
    }
    expect(out).toContain('Shutting down')
    expect(out).not.toMatch(/ELIFECYCLE|Command failed/)
  }, 90_000)
})
