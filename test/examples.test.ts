import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { killAll, spawnCli, startCli } from './cli/helpers.js'
import { RawClient, type RawResponse } from './helpers/raw-client.js'

const REPO = fileURLToPath(new URL('..', import.meta.url))
const children: ChildProcess[] = []
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL')
})

/** Starts `node examples/<file>` on a free port and resolves with the port from its `Local:` line. */
function start(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`examples/${file}`, '0'], { cwd: REPO, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    let out = ''
    const timer = setTimeout(() => reject(new Error(`${file} did not listen: ${out}`)), 10_000)
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /Local: http:\/\/127\.0\.0\.1:(\d+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    })
    child.once('exit', code => reject(new Error(`${file} exited with ${code}`)))
  })
}

// The examples import the built packages (`pnpm test` builds first).
describe.skipIf(!existsSync(`${REPO}packages/core/dist/index.js`))('examples/', () => {
  it.each(['core-only.js', 'plugins.js'])('%s serves the two demo files, keeps the connection alive and pipelines', async file => {
    const port = await start(file)
    const c = await RawClient.connect(port)
    c.write('GET /index.html HTTP/1.1\r\nHost: x\r\n\r\nGET /style.css HTTP/1.1\r\nHost: x\r\n\r\nGET /x.html HTTP/1.1\r\nHost: x\r\n\r\n')
    const html = await c.readResponse()
    const css = await c.readResponse()
    const denied = await c.readResponse()
    expect([html.status, css.status, denied.status]).toEqual([200, 200, 403])
    expect(html.headers.get('content-type')?.[0]).toBe('text/html; charset=utf-8')
    expect(css.headers.get('content-type')?.[0]).toBe('text/css; charset=utf-8')
    for (const r of [html, css, denied]) expect(r.headers.get('access-control-allow-origin')).toEqual(['*'])
    c.write('POST /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n')
    const post = await c.readResponse()
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toEqual(['GET, HEAD'])
    expect(c.ended).toBe(false)
    c.close()
  })
})

const SPA = `${REPO}examples/spa/`
const IMMUTABLE = 'public, max-age=31536000, immutable'

/** One field of a raw response (its lines joined), or undefined. */
function field(res: RawResponse, name: string): string | undefined {
  return res.headers.get(name)?.join(', ')
}

// `tinyhttp-cli examples/spa`, no flag but the root: the headers, redirects and the SPA rewrite all come
// from the folder's own _headers and _redirects.
describe.skipIf(!existsSync(`${REPO}packages/cli/dist/bin.js`))('examples/spa served with no flag but the root', () => {
  afterEach(killAll)

  async function get(port: number, target: string, method = 'GET'): Promise<RawResponse> {
    const c = await RawClient.connect(port)
    try {
      c.write(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
      return await c.readResponse({ head: method === 'HEAD' })
    } finally {
      c.close()
    }
  }

  it('answers deep links with the shell, hashed assets immutable, sw.js no-cache, legacy URLs redirected, its rule files never', async () => {
    const cli = await startCli(['examples/spa', '--port', '0', '-q'], { cwd: REPO })
    const shell = readFileSync(`${SPA}index.html`)
    const security = (r: RawResponse): void => {
      expect(field(r, 'x-content-type-options')).toBe('nosniff')
      expect(field(r, 'referrer-policy')).toBe('strict-origin-when-cross-origin')
      expect(field(r, 'content-security-policy')).toBe("default-src 'self'; frame-ancestors 'none'")
    }

    for (const deep of ['/settings/profile', '/blog/hello-world', '/guide/', '/']) {
      const r = await get(cli.port, deep)
      expect([deep, r.status]).toEqual([deep, 200])
      expect(field(r, 'content-type')).toBe('text/html; charset=utf-8')
      expect(field(r, 'cache-control')).toBe('no-cache')
      expect(r.body.equals(shell)).toBe(true)
      security(r)
    }

    for (const asset of ['assets/app.3f9a1c2e.js', 'assets/app.9b1d7e44.css']) {
      const r = await get(cli.port, `/${asset}`)
      expect(r.status).toBe(200)
      expect(field(r, 'cache-control')).toBe(IMMUTABLE)
      expect(field(r, 'cross-origin-resource-policy')).toBe('same-origin')
      expect(r.body.equals(readFileSync(SPA + asset))).toBe(true)
      security(r)
      const head = await get(cli.port, `/${asset}`, 'HEAD')
      expect([head.status, field(head, 'cache-control'), head.body.length]).toEqual([200, IMMUTABLE, 0])
    }

    const sw = await get(cli.port, '/sw.js')
    expect([sw.status, field(sw, 'content-type'), field(sw, 'cache-control'), field(sw, 'service-worker-allowed')]).toEqual([200, 'text/javascript; charset=utf-8', 'no-cache', '/'])
    expect(sw.body.equals(readFileSync(`${SPA}sw.js`))).toBe(true)
    const manifest = await get(cli.port, '/manifest.webmanifest')
    expect([manifest.status, field(manifest, 'content-type'), field(manifest, 'cache-control')]).toEqual([200, 'application/manifest+json; charset=utf-8', 'no-cache'])
    expect(manifest.body.equals(readFileSync(`${SPA}manifest.webmanifest`))).toBe(true)
    const icon = await get(cli.port, '/favicon.svg')
    expect([icon.status, field(icon, 'content-type')]).toEqual([200, 'image/svg+xml'])

    const legacy = await get(cli.port, '/old-blog/2019/hello?ref=feed')
    expect([legacy.status, field(legacy, 'location'), field(legacy, 'content-type')]).toEqual([301, '/blog/2019/hello?ref=feed', 'text/plain; charset=utf-8'])
    expect(legacy.body.toString()).toBe('301 Moved Permanently\n')
    security(legacy)
    const docs = await get(cli.port, '/docs')
    expect([docs.status, field(docs, 'location')]).toEqual([302, '/guide/'])

    // Configuration, not content: a request for a rule file gets what any path not served gets here,
    // the shell (the catch-all), never the file's bytes.
    for (const file of ['_headers', '_redirects']) {
      const r = await get(cli.port, `/${file}`)
      expect([file, r.status, field(r, 'content-type')]).toEqual([file, 200, 'text/html; charset=utf-8'])
      expect(r.body.equals(shell)).toBe(true)
    }
  })

  it('--check lists every rule of the example with the URLs it changes', async () => {
    const check = spawnCli(['examples/spa', '--check'], { cwd: REPO })
    expect((await check.exited()).code).toBe(0)
    const out = check.stdout()
    expect(out).toMatch(/^ {2}\/old-blog\/example \* +301 +\/blog\/example +- +text\/plain; charset=utf-8 +-$/m)
    expect(out).toMatch(/^ {2}\/docs \* +302 +\/guide\/ +- +text\/plain/m)
    expect(out).toMatch(/^ {2}\/guide\/ → +200 +- +\/index\.html +text\/html; charset=utf-8 +no-cache$/m)
    expect(out).toMatch(/^ {2}examples\/spa\/_headers:10 {2}\/assets\/\* {2}sets Cache-Control, Cross-Origin-Resource-Policy\n {4}\/assets\/app\.3f9a1c2e\.js, \/assets\/app\.9b1d7e44\.css$/m)
    expect(out).toMatch(/^ {2}examples\/spa\/_redirects:5 {2}\/old-blog\/\* {2}301 \/blog\/:splat\n {4}\/old-blog\/example \*$/m)
    expect(out).toMatch(/^ {2}examples\/spa\/_redirects:9 {2}\/\* {2}200 \/index\.html\n {4}\/example \*, \/blog\/example →, \/guide\/ →$/m)
    expect(out).not.toMatch(/Rules that touch no URL/)
    expect(out).not.toMatch(/_redirects +application/)

    // The preset is a rule too: listed with the URLs whose Cache-Control it sets.
    const spa = spawnCli(['examples/spa', '--check', '--cache', 'spa'], { cwd: REPO })
    expect((await spa.exited()).code).toBe(0)
    expect(spa.stdout()).toMatch(
      /^ {2}--cache spa {2}Cache-Control \(.*\)\n {4}\/assets\/app\.3f9a1c2e\.js, \/assets\/app\.9b1d7e44\.css, \/index\.html, \/manifest\.webmanifest, \/sw\.js,\n {4}\/example \*, \/blog\/example →, \/guide\/ →$/m,
    )
  })

  // The README shows this example's answers and --check output: they must stay what the CLI prints.
  it('the README section shows what the CLI answers (curl -I) and prints (--check)', async () => {
    const readme = readFileSync(`${REPO}README.md`, 'utf8')
    const section = readme.slice(readme.indexOf('## Serving a single-page app'), readme.indexOf('\n## ', readme.indexOf('## Serving a single-page app') + 5))
    const curls = [...section.matchAll(/^\$ curl -I http:\/\/127\.0\.0\.1:7878(\S+)\n([\s\S]*?)(?=\n\n|\n```)/gm)]
    expect(curls.map(m => m[1])).toEqual(['/settings/profile', '/assets/app.3f9a1c2e.js', '/sw.js', '/old-blog/2019/hello', '/docs'])
    const cli = await startCli(['examples/spa', '--port', '0', '-q'], { cwd: REPO })
    for (const [, path, shown] of curls) {
      const res = await get(cli.port, path as string, 'HEAD')
      // Date and Last-Modified depend on when and where the files were written.
      const live = res.rawHead.split('\r\n').filter(l => !/^(Date|Last-Modified|Connection):/i.test(l))
      const doc = (shown as string).split('\n').filter(l => !/^(Date|Last-Modified):/i.test(l))
      expect(live).toEqual(doc)
    }

    const excerpt = /^\$ tinyhttp-cli examples\/spa --check\n([\s\S]*?)^```/m.exec(section)?.[1] ?? ''
    const check = spawnCli(['examples/spa', '--check'], { cwd: REPO })
    expect((await check.exited()).code).toBe(0)
    const out = check.stdout().split('\n')
    let at = 0
    const shownLines = excerpt.split('\n').filter(l => l !== '' && l !== '…')
    expect(shownLines.length).toBeGreaterThan(10)
    for (const line of shownLines) {
      const found = out.indexOf(line, at)
      expect(found, `README line not printed (in this order): ${line}`).toBeGreaterThanOrEqual(0)
      at = found + 1
    }
  })
})
