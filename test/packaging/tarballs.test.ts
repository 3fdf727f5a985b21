// Every package, packed as it would be published, installs with plain npm into a project outside the
// workspace, type-checks as a user's TypeScript would see it, and works: the library chain serves a file
// over a real socket, the installed `tinyhttp-cli` binary serves a folder, and a plugin installed alone
// with the core imports, type-checks and runs.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  PACKAGES,
  PLUGINS,
  REPO_ROOT,
  buildOnce,
  cleanEnv,
  describeRun,
  killLiveChildren,
  readTarball,
  run,
  runOk,
  track,
  workspacePackages,
  type RunResult,
} from './helpers.js'

const INSTALL_TIMEOUT = 180_000
/** Versions a user would install next to our packages. */
const TOOLCHAIN = ['typescript@5.9.3', '@types/node@^20.19.9']
// Fail within the hook's time limit (not after npm's 5-minute default) when the registry does not answer.
const NPM_FLAGS = [
  '--no-audit',
  '--no-fund',
  '--prefer-offline',
  '--no-update-notifier',
  '--fetch-timeout=30000',
  '--fetch-retries=1',
  '--fetch-retry-mintimeout=2000',
  '--fetch-retry-maxtimeout=5000',
]

const INDEX_HTML = '<!doctype html><title>packaging</title><p>served from a tarball</p>\n'
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    forceConsistentCasingInFileNames: true,
  },
  include: ['*.ts'],
}

/** The user's program from the brief, plus a typed `Middleware` and the allowlist's typed report. */
const APP_TS = `import { createApp, type Middleware } from 'tinyhttp-core'
import { allowlist, type AllowlistReport } from 'tinyhttp-allowlist'
import { serveStatic } from 'tinyhttp-static'
import { cors } from 'tinyhttp-cors'
import { fallback } from 'tinyhttp-fallback'
import { compress, type CompressOptions } from 'tinyhttp-compress'

const compressOptions: CompressOptions = { codings: ['gzip'] }
const big: Middleware = async (ctx, next) => {
  if (ctx.req.path !== '/big.txt') return next()
  ctx.res.body = 'compressible text '.repeat(200)
}

const marker: Middleware = async (ctx, next) => {
  await next()
  ctx.res.headers.set('X-Packaging', 'yes')
}

const gate = allowlist(['index.html'], { root: './public' })
const files = serveStatic('./public')
const app = createApp()
app.use(marker)
app.use(compress(compressOptions))
app.use(cors())
app.use(big)
app.use(gate)
app.use(files)
app.use(fallback())
const report: AllowlistReport = await gate.ready
const { port } = await app.listen(0, '127.0.0.1')
for (const path of ['/index.html', '/secret.txt', '/big.txt']) {
  const res = await fetch(\`http://127.0.0.1:\${port}\${path}\`, { headers: { 'accept-encoding': 'gzip' } })
  const body = await res.text()
  console.log(JSON.stringify({
    path,
    status: res.status,
    type: res.headers.get('content-type'),
    acao: res.headers.get('access-control-allow-origin'),
    marker: res.headers.get('x-packaging'),
    encoding: res.headers.get('content-encoding'),
    body,
  }))
}
console.log(JSON.stringify({ allowed: report.allowed.map(f => f.urlPath) }))
files.close()
gate.close()
await app.close()
`

/** A plugin installed alone with the core. */
const SOLO_TS = `import { createApp, type Middleware } from 'tinyhttp-core'
import { cors, type CorsOptions } from 'tinyhttp-cors'

const options: CorsOptions = { origin: ['https://example.com'], maxAge: 60 }
const hello: Middleware = ctx => {
  ctx.res.body = 'hello'
}
const app = createApp()
app.use(cors(options), hello)
const { port } = await app.listen(0, '127.0.0.1')
const res = await fetch(\`http://127.0.0.1:\${port}/\`, { headers: { Origin: 'https://example.com' } })
console.log(JSON.stringify({ status: res.status, acao: res.headers.get('access-control-allow-origin'), body: await res.text() }))
await app.close()
`

const tempDirs: string[] = []
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  tempDirs.push(dir)
  return dir
}

/** Runs npm; when it fails, says whether the registry looks unreachable. */
async function npm(args: readonly string[], cwd: string, timeoutMs = INSTALL_TIMEOUT): Promise<RunResult> {
  const r = await run('npm', args, { cwd, timeoutMs })
  if (r.code === 0) return r
  const offline =
    r.timedOut || /E(NOTFOUND|AI_AGAIN|CONNREFUSED|CONNRESET|TIMEDOUT|NETUNREACH|HOSTUNREACH)|ETIMEDOUT|network|FETCH_ERROR/i.test(r.stderr)
  const hint = offline
    ? 'The npm registry looks unreachable. This test installs typescript, @types/node, debug and mime-types ' +
      'from it (our own packages come from local tarballs); make the registry reachable (or the npm cache warm) and rerun.'
    : 'npm failed for a reason other than the network; see its output.'
  throw new Error(`${describeRun(`npm ${args.join(' ')} (in ${cwd})`, r)}\n${hint}`)
}

/** `npx tsc ...` in a project: the TypeScript installed there (checked to exist first, so npx never downloads). */
function tsc(cwd: string, args: readonly string[]): Promise<RunResult> {
  expect(existsSync(join(cwd, 'node_modules/typescript/package.json')), `typescript is installed in ${cwd}`).toBe(true)
  return runOk('npx', ['tsc', ...args], { cwd, timeoutMs: 120_000 })
}

/** Creates a plain npm project outside the workspace and installs these tarballs plus the toolchain. */
async function createProject(prefix: string, tarballs: readonly string[]): Promise<string> {
  const dir = tempDir(prefix)
  await npm(['init', '-y'], dir, 30_000)
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>
  manifest.type = 'module'
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2))
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2))
  await npm(['install', ...NPM_FLAGS, ...tarballs, ...TOOLCHAIN], dir)
  return dir
}

function installedTinyhttp(project: string): string[] {
  return readdirSync(join(project, 'node_modules'))
    .filter(n => n.startsWith('tinyhttp-'))
    .sort()
}

/** GET over node:http (no keep-alive): status, headers, body. */
function get(port: number, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: 10_000 }, res => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)))
    req.on('error', reject)
    req.end()
  })
}

const packDir = tempDir('tinyhttp-pack-')
let tarballs = new Map<string, string>() // package name → .tgz path
let project = ''
let soloProject = ''

// What went wrong in `beforeAll`, rethrown by the tests that need that step (a failed hook alone would
// only mark them skipped): packing, then installing.
let packError: unknown
let installError: unknown

function packed(): void {
  if (packError !== undefined) throw packError
}

function installed(): void {
  packed()
  if (installError !== undefined) throw installError
}

beforeAll(async () => {
  try {
    await buildOnce()
    await runOk('pnpm', ['-r', 'pack', '--pack-destination', packDir], { cwd: REPO_ROOT, timeoutMs: 120_000 })
    tarballs = new Map(workspacePackages().map(({ name, version }) => [name, join(packDir, `${name}-${version}.tgz`)]))
    const missing = [...tarballs.values()].filter(f => !existsSync(f))
    if (missing.length > 0) throw new Error(`pnpm -r pack did not write ${missing.join(', ')}; it wrote ${readdirSync(packDir).join(', ')}`)
  } catch (err) {
    packError = err
    return
  }
  try {
    const all = [...tarballs.values()]
    const solo = [tarballs.get(PACKAGES.core), tarballs.get(PACKAGES.cors)] as string[]
    // The two installs share npm's cache; run them side by side.
    ;[project, soloProject] = await Promise.all([createProject('tinyhttp-pkg-all-', all), createProject('tinyhttp-pkg-solo-', solo)])
  } catch (err) {
    installError = err
  }
}, INSTALL_TIMEOUT + 150_000)

afterAll(() => {
  killLiveChildren()
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
})

describe('tarballs', () => {
  it('pnpm -r pack wrote one tarball per package, with workspace: protocols rewritten', () => {
    packed()
    expect([...tarballs.keys()].sort()).toEqual(Object.values(PACKAGES).sort())
    for (const [name, file] of tarballs) {
      const files = readTarball(file)
      const manifestText = files.get('package/package.json')?.toString('utf8')
      expect(manifestText, `${name}: package/package.json in ${file}`).toBeDefined()
      expect(manifestText, `${name}: the packed package.json still says workspace:`).not.toContain('workspace:')
      const manifest = JSON.parse(manifestText as string) as { name: string; exports: Record<string, unknown> }
      expect(manifest.name).toBe(name)
      // The published entry points exist in the tarball.
      const entry = (manifest.exports['.'] as { types: string; default: string })
      expect(files.has(`package/${entry.default.replace(/^\.\//, '')}`), `${name}: ${entry.default}`).toBe(true)
      expect(files.has(`package/${entry.types.replace(/^\.\//, '')}`), `${name}: ${entry.types}`).toBe(true)
    }
  })

  it('plugins peer-depend on the core only, and import no sibling package', () => {
    packed()
    const coreVersion = (JSON.parse(readFileSync(join(REPO_ROOT, 'packages/core/package.json'), 'utf8')) as { version: string }).version
    for (const name of PLUGINS) {
      const files = readTarball(tarballs.get(name) as string)
      const manifest = JSON.parse((files.get('package/package.json') as Buffer).toString('utf8')) as {
        dependencies?: Record<string, string>
        peerDependencies?: Record<string, string>
      }
      expect(manifest.peerDependencies, name).toEqual({ 'tinyhttp-core': `^${coreVersion}` })
      expect(Object.keys(manifest.dependencies ?? {}).filter(d => d.startsWith('tinyhttp-')), `${name} dependencies`).toEqual([])
      const seen = new Set<string>()
      for (const [path, contents] of files) {
        if (!/\.(js|d\.ts)$/.test(path)) continue
        // Code only: TSDoc examples in the output legitimately mention package names.
        const code = contents
          .toString('utf8')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/^\s*\/\/.*$/gm, '')
        const imports = [...code.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](tinyhttp-[^'"/]+)/g)].map(m => m[1])
        expect(imports.filter(i => i !== 'tinyhttp-core'), `${name} ${path}`).toEqual([])
        for (const i of imports) seen.add(i)
      }
      // Not vacuous: the plugin does use the core (its types at least).
      expect([...seen], name).toEqual(['tinyhttp-core'])
    }
  })

  it('installs with plain npm into a project outside the workspace', () => {
    installed()
    expect(installedTinyhttp(project)).toEqual(Object.values(PACKAGES).sort())
    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
    for (const name of Object.values(PACKAGES)) expect(manifest.dependencies[name], name).toMatch(/^file:.*\.tgz$/)
  })

  it('the public types check in a strict NodeNext project, and the compiled program serves over a socket', async () => {
    installed()
    mkdirSync(join(project, 'public'), { recursive: true })
    writeFileSync(join(project, 'public/index.html'), INDEX_HTML)
    writeFileSync(join(project, 'public/secret.txt'), 'not for you\n')
    writeFileSync(join(project, 'app.ts'), APP_TS)

    await tsc(project, ['--noEmit', '-p', '.'])
    // Types are checked above; emitting needs no second library check.
    await tsc(project, ['-p', '.', '--noEmit', 'false', '--outDir', 'out', '--skipLibCheck'])
    const r = await runOk(process.execPath, ['out/app.js'], { cwd: project, timeoutMs: 30_000, env: cleanEnv() })
    const lines = r.stdout.trim().split('\n').map(l => JSON.parse(l) as Record<string, unknown>)
    expect(lines, r.stdout).toHaveLength(4)
    const [index, secret, big, report] = lines
    // static's answer is static's own (compress leaves it alone); the 3.6 KB string is gzipped (fetch decodes it).
    expect(index).toMatchObject({ path: '/index.html', status: 200, acao: '*', marker: 'yes', encoding: null, body: INDEX_HTML })
    expect(big).toMatchObject({ path: '/big.txt', status: 200, acao: '*', encoding: 'gzip', body: 'compressible text '.repeat(200) })
    expect(String(index?.type)).toMatch(/^text\/html\b/)
    expect(secret).toMatchObject({ path: '/secret.txt', status: 403, acao: '*', marker: 'yes', body: '' })
    expect(report).toEqual({ allowed: ['/index.html'] })
  }, 180_000)

  it('the installed tinyhttp-cli binary serves a folder and exits 0 on SIGTERM', async () => {
    installed()
    const root = join(project, 'site')
    mkdirSync(root, { recursive: true })
    writeFileSync(join(root, 'index.html'), INDEX_HTML)
    writeFileSync(join(root, 'nope'), 'not allowed\n')
    const bin = join(project, 'node_modules/.bin/tinyhttp-cli')
    const child = track(
      spawn(bin, [root, '--port', '0', '--host', '127.0.0.1', '--allow', 'index.html'], {
        cwd: project,
        env: cleanEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    )
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(resolve =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    )
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no Local: line in 10 s\nstdout: ${stdout}\nstderr: ${stderr}`)), 10_000)
      const check = (): void => {
        const m = /Local:\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)
        if (m) {
          clearTimeout(timer)
          resolve(Number(m[1]))
        }
      }
      child.stdout?.on('data', check)
      child.once('exit', code => {
        clearTimeout(timer)
        reject(new Error(`tinyhttp-cli exited with ${code} before listening\nstdout: ${stdout}\nstderr: ${stderr}`))
      })
      child.once('error', err => {
        clearTimeout(timer)
        reject(err)
      })
    })
    const index = await get(port, '/index.html')
    expect(index.status).toBe(200)
    expect(index.headers['access-control-allow-origin']).toBe('*')
    expect(String(index.headers['content-type'])).toMatch(/^text\/html\b/)
    expect(index.body).toBe(INDEX_HTML)
    const nope = await get(port, '/nope')
    expect(nope.status).toBe(403)
    expect(nope.body).toBe('')

    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    const { code, signal } = await exited
    clearTimeout(timer)
    expect({ code, signal }, `stdout: ${stdout}\nstderr: ${stderr}`).toEqual({ code: 0, signal: null })
  }, 60_000)

  it('a plugin installed alone with the core (cors) imports, type-checks and runs', async () => {
    installed()
    expect(installedTinyhttp(soloProject)).toEqual(['tinyhttp-core', 'tinyhttp-cors'])
    writeFileSync(join(soloProject, 'solo.ts'), SOLO_TS)
    await tsc(soloProject, ['--noEmit', '-p', '.'])
    await tsc(soloProject, ['-p', '.', '--noEmit', 'false', '--outDir', 'out', '--skipLibCheck'])
    const r = await runOk(process.execPath, ['out/solo.js'], { cwd: soloProject, timeoutMs: 30_000, env: cleanEnv() })
    expect(JSON.parse(r.stdout.trim())).toEqual({ status: 200, acao: 'https://example.com', body: 'hello' })
  }, 180_000)
})
