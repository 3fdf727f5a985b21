import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { rawRequest } from '../helpers/raw-client.js'

const REPO = fileURLToPath(new URL('../../', import.meta.url))
const PACKAGES = ['core', 'allowlist', 'static', 'cors', 'fallback']

/**
 * The example of the root README's "The library" section, exactly. The test below fails when the two
 * differ, and then runs the README's own block, so neither can drift.
 */
const EXAMPLE = `import { createApp } from 'tinyhttp-core'
import { allowlist } from 'tinyhttp-allowlist'
import { serveStatic } from 'tinyhttp-static'
import { cors } from 'tinyhttp-cors'
import { fallback } from 'tinyhttp-fallback'

const app = createApp()
app.use(cors())                                                        // Access-Control-Allow-Origin: *
app.use(async (ctx, next) => {
  if (ctx.req.path === '/api/time') {                                  // the canonical path: /%61pi/time is /api/time
    ctx.res.body = { time: new Date().toISOString() }                  // sent as JSON
    return
  }
  await next()
})
app.use(allowlist(['index.html', 'style.css'], { root: './public' }))  // anything else: 403
app.use(serveStatic('./public'))
app.use(fallback())                                                    // 405/403/404 when nothing answered
const { port } = await app.listen(Number(process.env.PORT ?? 7878), '127.0.0.1')
console.log(\`http://127.0.0.1:\${port}/\`)
`

/** The first code block of the README's "## The library" section. */
function readmeExample(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('\n## The library\n'))
  const block = /\n```(?:js|ts)\n([\s\S]*?)\n```\n/.exec(section)
  if (block === null) throw new Error('README.md: no code block in "The library"')
  return `${block[1]}\n`
}

const site = mkdtempSync(join(tmpdir(), 'tinyhttp-library-example-'))
let child: ChildProcess | null = null
afterAll(() => {
  child?.kill('SIGKILL')
  rmSync(site, { recursive: true, force: true })
})

/** Runs the README's example as `node server.mjs` in a folder with ./public and the packages linked, PORT=0. */
function startExample(): Promise<number> {
  mkdirSync(join(site, 'public'))
  writeFileSync(join(site, 'public/index.html'), '<!doctype html><title>demo</title>')
  writeFileSync(join(site, 'public/style.css'), 'body{}')
  writeFileSync(join(site, 'public/secret.txt'), 'top secret')
  mkdirSync(join(site, 'node_modules'))
  for (const pkg of PACKAGES) symlinkSync(join(REPO, 'packages', pkg), join(site, 'node_modules', `tinyhttp-${pkg}`), 'dir')
  writeFileSync(join(site, 'server.mjs'), readmeExample())
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['server.mjs'], { cwd: site, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] })
    child = proc
    let out = ''
    const timer = setTimeout(() => reject(new Error(`the example did not print its address in 10 s: ${out}`)), 10_000)
    const collect = (d: Buffer): void => {
      out += d.toString()
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)
      if (m !== null) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    }
    proc.stdout.on('data', collect)
    proc.stderr.on('data', collect)
    proc.once('exit', code => {
      clearTimeout(timer)
      reject(new Error(`the example exited with ${code}: ${out}`))
    })
  })
}

const get = (port: number, target: string, method = 'GET') =>
  rawRequest(port, `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://a.test\r\n\r\n`, { head: method === 'HEAD' })

describe('the README library example', () => {
  it('is the code this test holds', () => {
    expect(readmeExample()).toBe(EXAMPLE)
  })

  // It imports the built packages (`pnpm test` builds first).
  it.skipIf(!PACKAGES.every(p => existsSync(join(REPO, 'packages', p, 'dist/index.js'))))(
    'runs: the API route answers JSON before the allowlist, files are served, the rest is refused',
    async () => {
      const port = await startExample()
      const before = Date.now()
      const api = await get(port, '/api/time')
      expect(api.status).toBe(200)
      expect(api.headers.get('content-type')).toEqual(['application/json; charset=utf-8'])
      expect(api.headers.get('content-length')).toEqual([String(api.body.length)])
      expect(api.headers.get('access-control-allow-origin')).toEqual(['*'])
      const { time } = JSON.parse(api.body.toString()) as { time: string }
      expect(api.body.toString()).toBe(JSON.stringify({ time }))
      expect(Math.abs(Date.parse(time) - before)).toBeLessThan(60_000)

      // The route matches the canonical path: an encoded spelling is the same route, not a 403.
      const encoded = await get(port, '/%61pi/time')
      expect(encoded.status).toBe(200)
      expect(encoded.headers.get('content-type')).toEqual(['application/json; charset=utf-8'])
      // A path with no single meaning is refused before any route sees it.
      const dots = await get(port, '/api/../secret.txt')
      expect(dots.status).toBe(400)

      const html = await get(port, '/index.html')
      expect(html.status).toBe(200)
      expect(html.headers.get('content-type')).toEqual(['text/html; charset=utf-8'])
      expect(html.body.toString()).toBe('<!doctype html><title>demo</title>')

      // secret.txt exists but is not on the allowlist; /api/other is not a route.
      for (const target of ['/secret.txt', '/api/other']) {
        const refused = await get(port, target)
        expect(refused.status, target).toBe(403)
        expect(refused.body.length, target).toBe(0)
      }
    },
  )
})
