// What the container image runs, run outside a container (no container runtime can pull or run the image
// on the machines these tests run on: docs/DEPLOY.md). Built the way the Dockerfile's build stage builds
// it: every workspace package packed (`pnpm -r pack`) and installed with the Dockerfile's own `npm install`
// line into an app folder; the site is the files the Dockerfile copies. Then, as the image's USER, with the
// app, the site and the working folder owned by root and read-only to that user:
// - the image's CMD (its ports replaced by free ones and 0.0.0.0 by 127.0.0.1, as every test binds
//   loopback; every other word as written) serves the site and the admin listener;
// - the HEALTHCHECK command exits 0 while ready, 1 once SIGTERM started the drain; the server exits 0;
// - under strace, the server's processes open nothing for writing, and create, rename or remove nothing,
//   outside /tmp and /dev: a read-only root file system is enough.
import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildOnce, cleanEnv, killLiveChildren, run, runOk, track, workspacePackages } from '../packaging/helpers.js'
import { send } from '../helpers/wire.js'
import { adminPort, dockerStages, flagValue, imageSpec, REPO, repoFile, shellWords } from './deploy-files.js'
import { freePorts } from './instances.js'

const image = imageSpec(repoFile('Dockerfile'))
const [uid, gid] = image.user.split(':').map(Number) as [number, number]
const NPM_FLAGS = ['--prefer-offline', '--no-update-notifier', '--fetch-timeout=30000', '--fetch-retries=1']

// /tmp is the one place the server may write; the app and the site live here instead, and a write under
// this folder counts as a write outside /tmp even when the repository itself sits in /tmp.
const root = join(REPO, 'test/artifacts')
let temp = ''
let app = ''
let site = ''
let workdir = ''
let setupError: unknown

/** The Dockerfile's `npm install … /packs/*.tgz` command of its build stage, as words. */
function dockerNpmInstall(): string[] {
  const build = dockerStages(repoFile('Dockerfile'))[0] ?? []
  for (const ins of build.filter(i => i.keyword === 'RUN')) {
    for (const part of ins.rest.split('&&').map(p => p.trim())) {
      if (part.startsWith('npm install --omit=dev')) return shellWords(part)
    }
  }
  throw new Error('no `npm install --omit=dev` in the build stage')
}

beforeAll(async () => {
  try {
    mkdirSync(root, { recursive: true })
    temp = mkdtempSync(join(root, 'image-'))
    await buildOnce()
    const packs = join(temp, 'packs')
    mkdirSync(packs)
    await runOk('npx', ['-y', 'pnpm@10', '-r', 'pack', '--pack-destination', packs], { cwd: REPO, timeoutMs: 120_000, env: cleanEnv() })
    const tarballs = workspacePackages().map(({ name, version }) => join(packs, `${name}-${version}.tgz`))
    app = join(temp, 'opt/tinyhttp')
    mkdirSync(app, { recursive: true })
    writeFileSync(join(app, 'package.json'), '{"name":"tinyhttp-image","private":true}\n')
    const npm = dockerNpmInstall()
    const args = [...npm.slice(1).filter(w => w !== '/packs/*.tgz'), ...NPM_FLAGS, ...tarballs]
    await runOk('npm', args, { cwd: app, timeoutMs: 120_000, env: cleanEnv() })
    site = join(temp, 'srv/www')
    mkdirSync(site, { recursive: true })
    for (const copy of image.contextCopies) for (const file of copy) cpSync(join(REPO, file), join(site, file.split('/').at(-1) as string))
    workdir = join(temp, 'etc/tinyhttp')
    mkdirSync(workdir, { recursive: true })
    // Root owns everything; the image's user may read and search, never write.
    await runOk('chown', ['-R', '0:0', temp], { cwd: REPO, timeoutMs: 20_000 })
    await runOk('chmod', ['-R', 'a-w,a+rX', temp], { cwd: REPO, timeoutMs: 20_000 })
    chmodSync(temp, 0o555)
  } catch (err) {
    setupError = err
  }
}, 300_000)

afterAll(() => {
  killLiveChildren()
  if (temp !== '') {
    chmodSync(temp, 0o755)
    rmSync(temp, { recursive: true, force: true })
  }
})

/** The image's CMD with its ports replaced by `port`/`admin` and 0.0.0.0 by 127.0.0.1. */
function localCommand(port: number, admin: number): string[] {
  const cmd = [...image.cmd]
  const at = (name: string): number => cmd.indexOf(`--${name}`) + 1
  expect(at('port')).toBeGreaterThan(0)
  expect(at('admin')).toBeGreaterThan(0)
  cmd[at('port')] = String(port)
  cmd[at('admin')] = `127.0.0.1:${admin}`
  cmd[at('host')] = '127.0.0.1'
  return cmd.map(w => (w === '/srv/www' ? site : w))
}

/** The image's environment: its ENV lines (NODE_ENV, PATH with the app's bin first), HOME unwritable. */
function imageEnv(): NodeJS.ProcessEnv {
  return cleanEnv({ NODE_ENV: 'production', PATH: `${join(app, 'node_modules/.bin')}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`, HOME: '/nonexistent' })
}

/** Runs `command` as the image's user through setpriv (optionally under strace, as root, writing `trace`). */
function asImageUser(command: string[], trace?: string): ChildProcess {
  const setpriv = ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', ...command]
  const argv = trace === undefined ? setpriv : ['strace', '-f', '-qq', '-s', '4096', '-o', trace, '-e', `trace=${WRITE_SYSCALLS.join(',')}`, ...setpriv]
  return track(spawn(argv[0] as string, argv.slice(1), { cwd: workdir, env: imageEnv(), stdio: ['ignore', 'pipe', 'pipe'] }))
}

const WRITE_SYSCALLS = ['open', 'openat', 'openat2', 'creat', 'mkdir', 'mkdirat', 'rename', 'renameat', 'renameat2', 'unlink', 'unlinkat', 'rmdir', 'link', 'linkat', 'symlink', 'symlinkat', 'truncate', 'chmod', 'fchmodat', 'chown', 'lchown', 'fchownat', 'utimensat', 'mknod', 'mknodat']

/** The traced calls that write somewhere outside /tmp and /dev (opens for reading are fine anywhere). */
function writesOutsideTmp(trace: string): string[] {
  const out: string[] = []
  for (const line of readFileSync(trace, 'utf8').split('\n')) {
    const m = /^\d+\s+(\w+)\((.*)$/.exec(line)
    if (m === null) continue
    const [, call, rest] = m as unknown as [string, string, string]
    if ((call === 'open' || call === 'openat' || call === 'openat2') && !/O_WRONLY|O_RDWR|O_CREAT|O_TRUNC/.test(rest)) continue
    const paths = [...rest.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map(p => p[1] as string)
    // The app and the site live under `root`, which is itself under /tmp when the repository is (a fresh
    // clone in /tmp): a write there is never the image's scratch space.
    const scratch = (p: string): boolean => (p.startsWith('/tmp/') || p.startsWith('/dev/')) && !p.startsWith(`${root}/`)
    if (paths.length > 0 && paths.every(scratch)) continue
    out.push(line)
  }
  return out
}

/** The PID of the one child of a process (strace's tracee). */
function tracedChild(pid: number): number {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)
  expect(children).toHaveLength(1)
  return Number(children[0])
}

const isRoot = process.getuid?.() === 0
const tools = existsSync('/usr/bin/strace') && existsSync('/usr/bin/setpriv')

// Running as another user needs root (CI runs as root); strace comes from .ci/run, setpriv with util-linux.
describe.skipIf(!isRoot || !tools)('the image’s command, outside a container', () => {
  it('serves the image’s site as its non-root user, writes nothing outside /tmp, and its HEALTHCHECK follows /readyz', async () => {
    if (setupError !== undefined) throw setupError
    const [port, admin] = (await freePorts(2)) as [number, number]
    expect(adminPort(flagValue(image.cmd, 'admin') as string)).toBe(9464)
    const trace = join(root, `image-trace-${process.pid}.txt`)
    const server = asImageUser(['tinyhttp-cli', ...localCommand(port, admin)], trace)
    let stdout = ''
    let stderr = ''
    server.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
    server.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<number | null>(resolve => server.once('exit', code => resolve(code)))
    try {
      for (let i = 0; i < 200 && !/Local:\s+http:\/\//.test(stdout); i++) await new Promise(r => setTimeout(r, 50))
      expect(stdout, stderr).toMatch(/Local:\s+http:\/\/127\.0\.0\.1:/)

      const index = await send(port, 'GET', '/index.html')
      expect(index.status).toBe(200)
      expect(Buffer.compare(index.body, readFileSync(join(REPO, 'public/index.html')))).toBe(0)
      expect((await send(port, 'GET', '/secret.txt')).status).toBe(403)
      expect((await send(admin, 'GET', '/livez')).status).toBe(200)
      expect((await send(admin, 'GET', '/readyz')).status).toBe(200)

      const healthcheck = async (): Promise<{ code: number | null; out: string }> => {
        const child = asImageUser([...image.healthcheck.command.slice(0, 2), `http://127.0.0.1:${admin}/readyz`])
        let out = ''
        child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
        child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
        const code = await new Promise<number | null>(resolve => child.once('exit', c => resolve(c)))
        return { code, out }
      }
      const healthy = await healthcheck()
      expect(healthy.code, healthy.out).toBe(0)

      // The server is strace's child (setpriv execs it): signal the server, not its tracer.
      process.kill(tracedChild(server.pid as number), 'SIGTERM')
      const draining = await healthcheck()
      expect(draining.code, draining.out).toBe(1)
      expect(draining.out).toMatch(/not ready|cannot connect/)
      expect(await exited).toBe(0)
      // The trace did follow the server: it shows the server reading the site.
      expect(readFileSync(trace, 'utf8')).toContain(`"${join(site, 'index.html')}"`)
      expect(writesOutsideTmp(trace)).toEqual([])
    } finally {
      if (server.exitCode === null && server.signalCode === null) process.kill(server.pid as number, 'SIGKILL')
      rmSync(trace, { force: true })
    }
  }, 60_000)

  it('the check of the trace does catch a write outside /tmp', async () => {
    if (setupError !== undefined) throw setupError
    const trace = join(root, `image-trace-probe-${process.pid}.txt`)
    const target = join(root, `written-${process.pid}.txt`)
    try {
      // The same tracing, as root, of a process that writes into the repository's test/artifacts.
      await run('strace', ['-f', '-qq', '-s', '4096', '-o', trace, '-e', `trace=${WRITE_SYSCALLS.join(',')}`, process.execPath, '-e', `require('node:fs').writeFileSync(${JSON.stringify(target)}, 'x')`], { cwd: root, timeoutMs: 20_000 })
      expect(writesOutsideTmp(trace).join('\n')).toContain(target)
    } finally {
      rmSync(trace, { force: true })
      rmSync(target, { force: true })
    }
  }, 30_000)
})
