// Every command shown in a `sh`/`bash`/`shell`/`console` code block of the READMEs (README.md,
// packages/*/README.md, bench/README.md, docs/*.md) is in the checked list below: run by this test with
// its expected outcome, or listed with the reason it is not run. A command that is in a README but not
// in the list fails, and so does an entry no README shows any more, so the docs cannot drift.
//
// Adding a command to a README = adding one line to COMMANDS:
//   'tinyhttp-cli site --foo': serve(['/index.html', 200]),   // started, GETs checked, stopped with SIGINT
//   'tinyhttp-cli site --check': exits(0, /index\.html/),      // run to completion
//   'npm install -g tinyhttp-cli': skip('not published yet'),  // not run, and why
//
// How commands run: with `sh -c` in a scratch folder inside the clone (test/artifacts/, git-ignored) that
// holds the folders the READMEs use (public/, site/, dist/, my-site/, api-docs/) and allow.txt, with a
// `tinyhttp-cli` on PATH that runs packages/cli/dist/bin.js (what the global install provides). Ports:
// `PORT=0`, and a literal `--port 8080` becomes `--port 0`, so nothing binds a fixed port. npm and npx run
// with `prefer-offline` (pnpm@10 comes from npx's cache).
import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const REPO = fileURLToPath(new URL('../../', import.meta.url))
const BIN = join(REPO, 'packages/cli/dist/bin.js')

type Check =
  | { kind: 'exits'; code: number; stdout?: RegExp; inRepo?: boolean }
  | { kind: 'serve'; gets: Array<[path: string, status: number]>; inRepo?: boolean }
  | { kind: 'skip'; reason: string }

const exits = (code: number, stdout?: RegExp): Check => ({ kind: 'exits', code, ...(stdout ? { stdout } : {}) })
/** Like `exits`, run from the clone's root (the README gives a path relative to it). */
const exitsInRepo = (code: number, stdout?: RegExp): Check => ({ kind: 'exits', code, inRepo: true, ...(stdout ? { stdout } : {}) })
const serve = (...gets: Array<[string, number]>): Check => ({ kind: 'serve', gets })
/** Like `serve`, run from the clone's root (the README gives a path relative to it). */
const serveInRepo = (...gets: Array<[string, number]>): Check => ({ kind: 'serve', gets, inRepo: true })
const skip = (reason: string): Check => ({ kind: 'skip', reason })

const NOT_PUBLISHED = skip('the packages are not on the npm registry yet (404 until published)')
const SYNOPSIS = skip('a synopsis with placeholders, not a command')
const CURL_SPA = skip('needs the server of the line above on port 7878; test/examples.test.ts sends the same requests to examples/spa and checks these fields')
const BENCH = skip('a benchmark run: minutes of load, needs wrk and the npm peers (bench/README.md)')

/** The checked list: every README command → what this test does with it. */
const COMMANDS: Record<string, Check> = {
  // README.md: Quick start
  'npx -y pnpm@10 install': skip('installs the dependencies (network); done before any test can run'),
  'npx -y pnpm@10 start': serve(['/', 200], ['/style.css', 200], ['/cors.html', 200], ['/data.json', 200], ['/secret.txt', 403], ['/nope.txt', 403]),
  'npx -y pnpm@10 test': skip('runs this test suite (recursion)'),
  'npx -y pnpm@10 start -- ./my-site --port 8080': serve(['/index.html', 200], ['/assets/app.css', 200]),
  'npx -y pnpm@10 start -- ./my-site -a index.html -a "assets/**/*.css" --check': exits(0, /^\s+\/assets\/app\.css\s+text\/css/m),
  'npx -y pnpm@10 --dir ~/tinyhttp start -- . --port 8080': skip('~/tinyhttp stands for the clone; the launcher is the one run above (test/cli/launcher.test.ts)'),
  'npx -y pnpm@10 build': skip('`npx -y pnpm@10 test` builds first; a second tsc -b here would race the other test files'),
  'npx -y pnpm@10 -r pack --pack-destination packs': skip('writes tarballs into the clone; test/packaging/install-paths.test.ts packs into a temp folder'),
  'npm install -g ./packs/*.tgz': skip('installs globally; test/packaging/install-paths.test.ts installs the same tarballs into a temp prefix'),
  'tinyhttp-cli ./my-site --port 8080': serve(['/index.html', 200], ['/nope', 403]),
  // README.md: The command line
  'tinyhttp-cli [root] [options]': SYNOPSIS,
  'npx -y pnpm@10 start -- [root] [options]': SYNOPSIS,
  'npx tinyhttp-cli [root] [options]': SYNOPSIS,
  'tinyhttp-cli site --port 8080 --allow index.html --allow "assets/**/*.css"': serve(['/index.html', 200], ['/assets/app.css', 200], ['/docs/Read%20me.pdf', 403]),
  // packages/cli/README.md
  'npx -y pnpm@10 run cli -- --help': exits(0, /^Usage: tinyhttp-cli /m),
  'npx -y pnpm@10 build && npx -y pnpm@10 -r pack --pack-destination packs': skip('writes tarballs into the clone; test/packaging/install-paths.test.ts packs into a temp folder'),
  'npm install -g tinyhttp-cli': NOT_PUBLISHED,
  'npx tinyhttp-cli': NOT_PUBLISHED,
  'tinyhttp-cli | cat': serve(['/index.html', 200], ['/style.css', 200], ['/.env', 403]),
  'tinyhttp-cli': serve(['/index.html', 200], ['/.env', 403]),
  'tinyhttp-cli site --port 0 -a index.html -a "assets/**/*.css" -a "docs/Read me.pdf"': serve(['/docs/Read%20me.pdf', 200], ['/assets/app.css', 200], ['/secret.txt', 403]),
  "printf '# public files\\nindex.html\\nassets/**/*.css\\n' > allow.txt": exits(0),
  'tinyhttp-cli site --allow-file allow.txt': serve(['/index.html', 200], ['/assets/app.css', 200], ['/docs/Read%20me.pdf', 403]),
  'tinyhttp-cli dist --allow-file allow.txt --check': exits(0, /^\s+\/index\.html\s+text\/html/m),
  'tinyhttp-cli dist --spa --max-age 31536000 --immutable --precompressed': serve(['/index.html', 200], ['/app.js', 200]),
  'tinyhttp-cli dist -H 0.0.0.0 --tls-cert ~/tls/cert.pem --tls-key ~/tls/key.pem -w 4': skip('needs a certificate of yours, and exposes the server on the network'),
  'tinyhttp-cli api-docs --cors https://a.example,https://b.example --log-format json': serve(['/index.html', 200]),
  'tinyhttp-cli site --dev': serve(['/index.html', 200], ['/__tinyhttp/dev.js', 200]),
  // README.md: Serving a single-page app (run from the clone: the example is examples/spa)
  'tinyhttp-cli examples/spa': serveInRepo(['/settings/profile', 200], ['/assets/app.3f9a1c2e.js', 200], ['/old-blog/2019/hello', 200], ['/docs', 200]),
  'curl -I http://127.0.0.1:7878/settings/profile': CURL_SPA,
  'curl -I http://127.0.0.1:7878/assets/app.3f9a1c2e.js': CURL_SPA,
  'curl -I http://127.0.0.1:7878/sw.js': CURL_SPA,
  'curl -I http://127.0.0.1:7878/old-blog/2019/hello': CURL_SPA,
  'curl -I http://127.0.0.1:7878/docs': CURL_SPA,
  // packages/*/README.md
  'npm install tinyhttp-core': NOT_PUBLISHED,
  'npm install tinyhttp-allowlist tinyhttp-core': NOT_PUBLISHED,
  'npm install tinyhttp-static tinyhttp-core': NOT_PUBLISHED,
  'npm install tinyhttp-cors tinyhttp-core': NOT_PUBLISHED,
  'npm install tinyhttp-fallback tinyhttp-core': NOT_PUBLISHED,
  'npm install tinyhttp-compress tinyhttp-core': NOT_PUBLISHED,
  'npm install tinyhttp-listing tinyhttp-core': NOT_PUBLISHED,
  'npm install tinyhttp-websocket tinyhttp-core': NOT_PUBLISHED,
  // bench/README.md
  'npx -y pnpm@10 bench': BENCH,
  'node bench/run.mjs --quick': BENCH,
  'node bench/run.mjs --targets ours-cli,nginx-1w,raw-net --scenarios ka,pipe --rounds 5': BENCH,
  'node bench/run.mjs --list': exitsInRepo(0, /^\s+ka\s/m),
  'node bench/parser-micro.mjs --quick --rounds 1': exitsInRepo(0, /^\| browser GET, whole \| \d/m),
  'node bench/parser-micro.mjs --dist /tmp/base/dist --dist packages/core/dist --rounds 3': skip('compares two builds (the first a copy of another commit\'s dist): minutes of CPU'),
  'node bench/run.mjs --targets ours-cli,raw-net,nginx-ofc --baseline bench/results/before.json': skip('needs a JSON record of an earlier run; a benchmark run (bench/README.md)'),
  'node bench/idle-memory.mjs': skip('opens 10 000 connections to each of four servers, needs nginx and ulimit -n > 10 100; the CLI part runs in test/bench/idle-memory.test.ts'),
  'node bench/idle-memory.mjs --targets ours-cli,node-http-mem,nginx-1w --connections 10000': skip('opens 10 000 connections to each of three servers, needs nginx and ulimit -n > 10 100; the CLI part runs in test/bench/idle-memory.test.ts'),
  'node bench/cpu-profile.mjs': BENCH,
  'node bench/cpu-profile.mjs --scenarios ka,cond --duration 5 --top 20': BENCH,
  'node bench/run.mjs --compression': BENCH,
  'node bench/run.mjs --rules': BENCH,
  'node bench/ws/run.mjs': BENCH,
  'node bench/kernel-socket-memory.mjs': skip('reads /proc/slabinfo (root) while 5 000 connections are open; numbers for docs/SCALING.md, nothing to assert'),
  'node bench/cache-memory.mjs': BENCH,
  'node bench/startup-memory.mjs': skip('RSS readings of six server starts, nothing to assert; the module list it prints is asserted by test/cli/startup-modules.test.ts'),
  "node bench/startup-memory.mjs --flags='--listing --isolate --admin 127.0.0.1:0 --dev'": skip('RSS readings of nine server starts, nothing to assert; test/cli/startup-modules.test.ts loads the same options'),
  // docs/SCALING.md: the measurements it quotes
  'node bench/run.mjs --targets ours-cli --scenarios ka,close,cond,mid --rounds 3 --duration 5 --warmup 2 --no-install': BENCH,
  'OURS_FLAGS="--log-format json --admin 127.0.0.1:0" node bench/run.mjs --targets ours-cli --scenarios ka,close --rounds 3 --duration 5 --warmup 2 --no-install': BENCH,
  'node bench/idle-memory.mjs --targets ours-cli,node-http-mem --rounds 3': BENCH,
  'node bench/kernel-socket-memory.mjs 10000': skip('reads /proc/slabinfo (root) while 10 000 connections are open; numbers for docs/SCALING.md, nothing to assert'),
  'node bench/cache-memory.mjs --rounds 3': BENCH,
  'node bench/run.mjs --compression --rounds 1 --duration 3 --warmup 1': BENCH,
  'node bench/verify-encodings.mjs': skip('starts the nine servers of the compression run (needs nginx and bench/node_modules); test/bench/compression-verify.test.ts runs it on a tiny fixture'),
  'node bench/verify-encodings.mjs --targets ours-cli,ours-lib-z,nginx-gzip': skip('needs nginx; test/bench/compression-verify.test.ts runs the script on a tiny fixture'),
  'node bench/fixtures/make.mjs --compression': exitsInRepo(0, /^app\.js\s+307200 B\s+sha256 /m),
  // docs/DEPLOY.md: they install system-wide, need root, systemd, other machines, a container runtime or
  // a cluster. The files they use are checked by test/deploy/manifests.test.ts, and what they run by
  // test/deploy/image-command.test.ts (the image's command), haproxy.test.ts and nginx.test.ts.
  'npx -y pnpm@10 install && npx -y pnpm@10 build && npx -y pnpm@10 -r pack --pack-destination packs': skip('writes tarballs into the clone; test/deploy/image-command.test.ts packs into a temp folder'),
  'sudo npm install -g ./packs/*.tgz': skip('installs globally as root; test/deploy/image-command.test.ts installs the same tarballs into a temp prefix'),
  'sudo mkdir -p /srv/www /etc/tinyhttp && sudo cp -r dist/. /srv/www/': skip('writes to /srv and /etc as root'),
  'sudo cp deploy/tinyhttp.service /etc/systemd/system/ && sudo systemctl daemon-reload': skip('installs a system service; test/deploy/manifests.test.ts runs systemd-analyze verify on the unit'),
  'sudo systemctl enable --now tinyhttp': skip('starts a system service (needs systemd as PID 1)'),
  'sudo systemctl reload tinyhttp': skip('needs the service running; SIGHUP under load is test/deploy/haproxy.test.ts'),
  'sudo systemctl restart tinyhttp': skip('needs the service running; restarts under load are test/deploy/haproxy.test.ts'),
  'journalctl -u tinyhttp -f': skip('follows the journal of a running service, never ends'),
  'tinyhttp-cli healthcheck http://127.0.0.1:9464/readyz': skip('asks a fixed port another process may hold; test/deploy/image-command.test.ts runs it against a server'),
  'tinyhttp-cli /srv/www --host 10.0.0.11 --port 8080 --admin 10.0.0.11:9464 --proxy-protocol --trusted-proxies 10.0.0.5 --drain-delay 5 --log-format json': skip('binds an address of another machine; test/deploy/haproxy.test.ts runs this command on loopback behind HAProxy'),
  'docker build -t registry.example.com/tinyhttp:0.1.0 .': skip('needs a container runtime and a registry to pull node:20-bookworm-slim from (docs/DEPLOY.md says what is tested instead)'),
  'docker run --rm --read-only -p 8080:8080 -p 127.0.0.1:9464:9464 registry.example.com/tinyhttp:0.1.0': skip('needs the image; test/deploy/image-command.test.ts runs its CMD read-only'),
  'kubectl apply -f deploy/kubernetes/': skip('needs a Kubernetes cluster; test/deploy/manifests.test.ts validates the objects'),
  'kubectl rollout restart deployment/tinyhttp': skip('needs a Kubernetes cluster'),
}

/** The README files whose commands are checked. */
function readmes(): string[] {
  const files = ['README.md', 'bench/README.md']
  for (const pkg of readdirSync(join(REPO, 'packages'))) if (existsSync(join(REPO, 'packages', pkg, 'README.md'))) files.push(`packages/${pkg}/README.md`)
  for (const doc of readdirSync(join(REPO, 'docs'))) if (doc.endsWith('.md')) files.push(`docs/${doc}`)
  return files
}

/** Drops a `# comment` that is outside quotes; keeps `#` inside quotes and words (`a#b`). */
function stripComment(line: string): string {
  let quote = ''
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string
    if (quote !== '') {
      if (c === quote) quote = ''
      else if (c === '\\' && quote === '"') i++
    } else if (c === "'" || c === '"') quote = c
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] as string))) return line.slice(0, i)
  }
  return line
}

/** The commands of a Markdown file's shell code blocks: `sh`/`bash`/`shell` lines, `console` `$ ` lines. */
function commandsIn(markdown: string): string[] {
  const out: string[] = []
  for (const block of markdown.matchAll(/^```(sh|bash|shell|console)[^\n]*\n([\s\S]*?)^```/gm)) {
    const console = block[1] === 'console'
    let pending = ''
    for (const raw of (block[2] as string).split('\n')) {
      let line = raw
      if (console) {
        if (pending === '' && !line.startsWith('$ ')) continue
        if (pending === '') line = line.slice(2)
      }
      line = pending + stripComment(line).trim()
      if (line.endsWith('\\')) {
        pending = line.slice(0, -1).trimEnd() + ' '
        continue
      }
      pending = ''
      if (line !== '') out.push(line)
    }
  }
  return out
}

const shown = new Map<string, string[]>() // command → files that show it
for (const file of readmes()) {
  for (const command of commandsIn(readFileSync(join(REPO, file), 'utf8'))) shown.set(command, [...(shown.get(command) ?? []), file])
}

describe('README commands: the checked list', () => {
  it('every command in a README code block is in the list (run or skipped with a reason)', () => {
    const unknown = [...shown].filter(([c]) => !(c in COMMANDS)).map(([c, files]) => `${files.join(', ')}: ${c}`)
    expect(unknown, 'add each to COMMANDS in test/docs/readme-commands.test.ts').toEqual([])
  })

  it('every entry of the list is still shown by some README', () => {
    expect(Object.keys(COMMANDS).filter(c => !shown.has(c))).toEqual([])
  })

  it('the extraction finds commands (not vacuous): sh and console blocks, comments stripped', () => {
    expect(commandsIn('```sh\nnpx a   # c\n# only a comment\nprintf \'# x\' > f  # y\n```\n```console\n$ b | cat\nout\n```\n')).toEqual(['npx a', "printf '# x' > f", 'b | cat'])
    expect(shown.size).toBeGreaterThan(20)
  })
})

// ── running them ──────────────────────────────────────────────────────────────────────────────────────

const scratch = join(REPO, 'test/artifacts', `readme-commands-${process.pid}`)
const children = new Set<ChildProcess>()

function write(path: string, content: string | Buffer): void {
  mkdirSync(join(scratch, path, '..'), { recursive: true })
  writeFileSync(join(scratch, path), content)
}

beforeAll(() => {
  rmSync(scratch, { recursive: true, force: true })
  for (const name of ['index.html', 'style.css']) write(`public/${name}`, readFileSync(join(REPO, 'public', name)))
  for (const site of ['site', 'my-site']) {
    write(`${site}/index.html`, `<!doctype html><title>${site}</title>\n`)
    write(`${site}/assets/app.css`, 'body { color: #222 }\n')
    write(`${site}/docs/Read me.pdf`, '%PDF-1.4\n')
    write(`${site}/secret.txt`, 'not listed\n')
  }
  write('dist/index.html', '<!doctype html><title>app</title><script src="/app.js"></script>\n')
  write('dist/app.js', 'console.log(1)\n')
  write('api-docs/index.html', '<!doctype html><title>API</title>\n')
  write('allow.txt', '# public files\nindex.html\nassets/**/*.css\n')
  write('bin/tinyhttp-cli', `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`)
  chmodSync(join(scratch, 'bin/tinyhttp-cli'), 0o755)
})

afterAll(() => {
  for (const child of children) if (child.pid !== undefined && child.exitCode === null) killGroup(child.pid, 'SIGKILL')
  rmSync(scratch, { recursive: true, force: true })
})

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // already gone
  }
}

/** Starts `sh -c command` in its own process group, in the scratch folder. */
function shell(command: string, cwd = scratch): { child: ChildProcess; out: () => string; err: () => string; exited: Promise<number | null> } {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${join(scratch, 'bin')}:${process.env.PATH ?? ''}`, PORT: '0', NO_COLOR: '1', npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' }
  for (const k of ['INIT_CWD', 'FORCE_COLOR']) delete env[k]
  const child = spawn('sh', ['-c', command.replace(/--port [1-9]\d*/g, '--port 0')], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  let out = ''
  let err = ''
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (out += s))
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (err += s))
  const exited = new Promise<number | null>(resolve => child.once('close', code => resolve(code)))
  return { child, out: () => out, err: () => err, exited }
}

async function within<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(what())), ms)))
  try {
    return await Promise.race([promise, limit])
  } finally {
    clearTimeout(timer)
  }
}

async function localUrl(run: ReturnType<typeof shell>, ms: number): Promise<string> {
  const deadline = Date.now() + ms
  for (;;) {
    const m = /^\s*Local:\s+(http:\/\/\S+)/m.exec(run.out())
    if (m) return m[1] as string
    if (run.child.exitCode !== null || Date.now() > deadline) throw new Error(`no Local: line\nstdout: ${run.out()}\nstderr: ${run.err()}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

const builtCli = existsSync(BIN)
describe.skipIf(!builtCli)('README commands: run', () => {
  for (const [command, check] of Object.entries(COMMANDS)) {
    if (check.kind === 'skip') continue
    it(command, async () => {
      const run = shell(command, check.inRepo === true ? REPO : scratch)
      const describeRun = (): string => `${command}\nstdout: ${run.out()}\nstderr: ${run.err()}`
      if (check.kind === 'exits') {
        const code = await within(run.exited, 90_000, () => `did not finish: ${describeRun()}`)
        expect(code, describeRun()).toBe(check.code)
        if (check.stdout) expect(run.out(), describeRun()).toMatch(check.stdout)
        return
      }
      const url = await localUrl(run, 60_000)
      for (const [path, status] of check.gets) {
        const res = await fetch(url + path, { headers: { Accept: '*/*' } })
        await res.arrayBuffer()
        expect(`${path} ${res.status}`, describeRun()).toBe(`${path} ${status}`)
      }
      killGroup(run.child.pid as number, 'SIGINT')
      await within(run.exited, 10_000, () => `did not stop on SIGINT: ${describeRun()}`)
      expect(run.err(), describeRun()).toContain('Shutting down (SIGINT)')
    }, 120_000)
  }
})
