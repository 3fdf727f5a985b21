// --dev through the whole chain in memory (app.inject): every HTML answer of an allowlisted file carries
// the script, with an ETag and Content-Length that describe the injected bytes; HEAD and 304 agree; the
// CSP is kept strict; Cache-Control is no-cache; the SPA shell and the error pages count as pages.
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliDecompressSync } from 'node:zlib'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { parseArgs } from '../../../packages/cli/src/args.js'
import { awaitTable, buildApp, type BuiltApp } from '../../../packages/cli/src/build-app.js'
import { resolveConfig } from '../../../packages/cli/src/config.js'
import { DEV_CLIENT_SOURCE } from '../../../packages/cli/src/dev/client.js'
import { DEV_SCRIPT_TAG, injectDevScript } from '../../../packages/cli/src/dev/inject.js'
import { cleanupTemp, tempDir } from '../helpers.js'

afterAll(cleanupTemp)
const apps: BuiltApp[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map(a => a.close(0)))
})

const PAGE = '<!doctype html><html><head><title>home</title><link rel="stylesheet" href="/style.css"></head><body><h1>café</h1></body></html>\n'
// Compressible and above static's 1 KiB threshold: static makes br/gzip variants of the injected bytes.
const BIG = `<!doctype html><html><head><title>big</title></head><body>${'<p>Lorem ipsum dolor sit amet.</p>\n'.repeat(60)}</body></html>`

function site(files: Record<string, string> = {}): { cwd: string; root: string } {
  const cwd = tempDir('tinyhttp-dev-')
  const root = join(cwd, 'site')
  mkdirSync(root, { recursive: true })
  const all = { 'index.html': PAGE, 'big.html': BIG, 'style.css': 'body { color: red }\n', ...files }
  for (const [name, text] of Object.entries(all)) {
    mkdirSync(join(root, name, '..'), { recursive: true })
    writeFileSync(join(root, name), text)
  }
  return { cwd, root }
}

async function built(argv: string[], cwd: string): Promise<BuiltApp> {
  const config = await resolveConfig(parseArgs(argv), { env: {}, cwd })
  const b = await buildApp(config)
  apps.push(b)
  await awaitTable(b, config)
  return b
}

const sha = (bytes: Buffer): string => `"${createHash('sha256').update(bytes).digest('base64url')}"`
const injected = (html: string): Buffer => Buffer.concat([Buffer.from(html).subarray(0, html.indexOf('</head>')), Buffer.from(DEV_SCRIPT_TAG), Buffer.from(html).subarray(html.indexOf('</head>'))])

describe('--dev: an HTML file of the root', () => {
  it('GET: the injected bytes, Content-Length and ETag (SHA-256) of exactly those bytes, no-cache', async () => {
    const { cwd } = site()
    const { app } = await built(['site', '--dev', '-q'], cwd)
    for (const target of ['/', '/index.html']) {
      const res = await app.inject({ target })
      expect(res.status, target).toBe(200)
      const expected = injected(PAGE)
      expect(res.body.equals(expected), target).toBe(true)
      expect(res.headers.get('content-length')).toBe(String(expected.length))
      expect(res.headers.get('etag')).toBe(sha(expected))
      expect(res.headers.get('cache-control')).toBe('no-cache')
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    }
  })

  it('HEAD: the same fields, no body', async () => {
    const { cwd } = site()
    const { app } = await built(['site', '--dev', '-q'], cwd)
    const get = await app.inject({ target: '/index.html' })
    const head = await app.inject({ method: 'HEAD', target: '/index.html' })
    expect(head.status).toBe(200)
    expect(head.body.length).toBe(0)
    for (const name of ['content-length', 'etag', 'content-type', 'cache-control', 'last-modified']) expect(head.headers.get(name), name).toBe(get.headers.get(name))
  })

  it('a second request with the new ETag gets 304 with that ETag; the file\'s own (un-injected) ETag gets 200', async () => {
    const { cwd } = site()
    const { app } = await built(['site', '--dev', '-q'], cwd)
    const first = await app.inject({ target: '/index.html' })
    const etag = first.headers.get('etag') as string
    const again = await app.inject({ target: '/index.html', headers: { 'If-None-Match': etag } })
    expect(again.status).toBe(304)
    expect(again.body.length).toBe(0)
    expect(again.headers.get('etag')).toBe(etag)
    expect(again.headers.get('cache-control')).toBe('no-cache')
    const plain = await app.inject({ target: '/index.html', headers: { 'If-None-Match': sha(Buffer.from(PAGE)) } })
    expect(plain.status).toBe(200)
    expect(plain.body.includes(DEV_SCRIPT_TAG)).toBe(true)
  })

  it('compressed variants are made from the injected bytes (their own ETags), a Range applies to them', async () => {
    const { cwd } = site()
    const { app, compressionIdle } = await built(['site', '--dev', '-q'], cwd)
    await app.inject({ target: '/big.html', headers: { 'Accept-Encoding': 'br' } })
    await compressionIdle()
    const br = await app.inject({ target: '/big.html', headers: { 'Accept-Encoding': 'br' } })
    expect(br.headers.get('content-encoding')).toBe('br')
    const expected = injected(BIG)
    expect(brotliDecompressSync(br.body).equals(expected)).toBe(true)
    expect(br.headers.get('etag')).toBe(sha(expected).replace(/"$/, '-br"'))
    const range = await app.inject({ target: '/big.html', headers: { Range: 'bytes=-30' } })
    expect(range.status).toBe(206)
    expect(range.body.equals(expected.subarray(expected.length - 30))).toBe(true)
    expect(range.headers.get('content-range')).toBe(`bytes ${expected.length - 30}-${expected.length - 1}/${expected.length}`)
  })

  it('an edit is served injected, with a new ETag, once static sees it', async () => {
    const { cwd, root } = site()
    const { app } = await built(['site', '--dev', '-q'], cwd)
    const before = await app.inject({ target: '/index.html' })
    const edited = PAGE.replace('café', 'thé')
    writeFileSync(join(root, 'index.html'), edited)
    let after = before
    for (let i = 0; i < 40 && after.headers.get('etag') === before.headers.get('etag'); i++) {
      await new Promise(resolve => setTimeout(resolve, 100))
      after = await app.inject({ target: '/index.html' })
    }
    expect(after.body.equals(injected(edited))).toBe(true)
    expect(after.headers.get('etag')).toBe(sha(injected(edited)))
  })

  it('other files are untouched: CSS bytes and ETag as without --dev', async () => {
    const { cwd } = site()
    const { app } = await built(['site', '--dev', '-q'], cwd)
    const css = await app.inject({ target: '/style.css' })
    expect(css.body.toString()).toBe('body { color: red }\n')
    expect(css.headers.get('etag')).toBe(sha(Buffer.from('body { color: red }\n')))
  })

  it('without --dev nothing is injected', async () => {
    const { cwd } = site()
    const { app } = await built(['site', '-q'], cwd)
    const res = await app.inject({ target: '/index.html' })
    expect(res.body.toString()).toBe(PAGE)
  })
})

describe('--dev: the script', () => {
  it('GET /__tinyhttp/dev.js: the client, text/javascript, ETag, no-cache; 304 on a match; HEAD; POST 405', async () => {
    const { cwd } = site()
    const { app } = await built(['site', '--dev', '-q'], cwd)
    const res = await app.inject({ target: '/__tinyhttp/dev.js' })
    expect(res.status).toBe(200)
    expect(res.body.toString()).toBe(DEV_CLIENT_SOURCE)
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('no-cache')
    const etag = res.headers.get('etag') as string
    expect(etag).toBe(sha(Buffer.from(DEV_CLIENT_SOURCE)))
    expect((await app.inject({ target: '/__tinyhttp/dev.js', headers: { 'If-None-Match': etag } })).status).toBe(304)
    const head = await app.inject({ method: 'HEAD', target: '/__tinyhttp/dev.js' })
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(DEV_CLIENT_SOURCE)))
    const post = await app.inject({ method: 'POST', target: '/__tinyhttp/dev.js' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
  })

  it('is not served without --dev', async () => {
    const { cwd } = site()
    const { app } = await built(['site', '-q'], cwd)
    expect((await app.inject({ target: '/__tinyhttp/dev.js' })).status).toBe(403)
  })
})

describe('--dev: the page keeps a strict CSP', () => {
  const csp = "default-src 'none'; style-src 'self'; img-src 'self'"
  it('a CSP from _headers gets the script and socket URLs only, on GET, HEAD and 304; CSS keeps its own', async () => {
    const { cwd } = site({ _headers: `/*\n  Content-Security-Policy: ${csp}\n  Cache-Control: public, max-age=600\n` })
    const { app } = await built(['site', '--dev', '-q'], cwd)
    const host = '127.0.0.1:7878'
    const expected = `${csp}; script-src http://${host}/__tinyhttp/dev.js; connect-src ws://${host}/__tinyhttp/dev`
    const get = await app.inject({ target: '/index.html', headers: { Host: host } })
    expect(get.headers.get('content-security-policy')).toBe(expected)
    expect(get.headers.get('cache-control')).toBe('no-cache')
    const head = await app.inject({ method: 'HEAD', target: '/index.html', headers: { Host: host } })
    expect(head.headers.get('content-security-policy')).toBe(expected)
    const nm = await app.inject({ target: '/index.html', headers: { Host: host, 'If-None-Match': get.headers.get('etag') as string } })
    expect(nm.status).toBe(304)
    expect(nm.headers.get('content-security-policy')).toBe(expected)
    const css = await app.inject({ target: '/style.css', headers: { Host: host } })
    expect(css.headers.get('content-security-policy')).toBe(csp)
    expect(css.headers.get('cache-control')).toBe('no-cache')
    for (const res of [get, head, nm]) expect(res.headers.get('content-security-policy')).not.toMatch(/unsafe/)
  })

  it('a Report-Only policy is rewritten the same way (no report for the dev script)', async () => {
    const { cwd } = site({ _headers: "/*\n  Content-Security-Policy-Report-Only: default-src 'self'; script-src 'sha256-r'\n" })
    const { app } = await built(['site', '--dev', '-q'], cwd)
    const res = await app.inject({ target: '/', headers: { Host: '127.0.0.1:1' } })
    expect(res.headers.get('content-security-policy-report-only')).toBe("default-src 'self'; script-src 'sha256-r' http://127.0.0.1:1/__tinyhttp/dev.js; connect-src 'self' ws://127.0.0.1:1/__tinyhttp/dev")
    expect(res.headers.get('content-security-policy')).toBeUndefined()
  })

  it("the URLs follow the Host the page was asked with (localhost:port)", async () => {
    const { cwd } = site({ _headers: "/*\n  Content-Security-Policy: script-src 'sha256-x'\n" })
    const { app } = await built(['site', '--dev', '-q'], cwd)
    const res = await app.inject({ target: '/', headers: { Host: 'localhost:5000' } })
    expect(res.headers.get('content-security-policy')).toBe("script-src 'sha256-x' http://localhost:5000/__tinyhttp/dev.js")
  })
})

describe('--dev: other pages', () => {
  it('the SPA shell carries the script, its ETag is the injected bytes\' and a 304 follows it', async () => {
    const { cwd } = site()
    const { app } = await built(['site', '--dev', '--spa', '-q'], cwd)
    const res = await app.inject({ target: '/app/deep/link', headers: { Accept: 'text/html' } })
    expect(res.status).toBe(200)
    const expected = injectDevScript(Buffer.from(PAGE))
    expect(res.body.equals(expected)).toBe(true)
    expect(res.headers.get('etag')).toBe(sha(expected))
    expect(res.headers.get('content-length')).toBe(String(expected.length))
    const again = await app.inject({ target: '/app/deep/link', headers: { Accept: 'text/html', 'If-None-Match': sha(expected) } })
    expect(again.status).toBe(304)
    expect(again.headers.get('etag')).toBe(sha(expected))
    // A browser holding the shell from before --dev (its plain ETag) gets the injected one, not a 304.
    const old = await app.inject({ target: '/app/deep/link', headers: { Accept: 'text/html', 'If-None-Match': sha(Buffer.from(PAGE)) } })
    expect(old.status).toBe(200)
    expect(old.body.equals(expected)).toBe(true)
  })

  it('an edit of the shell reaches deep links at once (tinyhttp-fallback alone keeps the start-up bytes)', async () => {
    const { cwd, root } = site()
    const { app } = await built(['site', '--dev', '--spa', '-q'], cwd)
    await app.inject({ target: '/app/x', headers: { Accept: 'text/html' } })
    const edited = PAGE.replace('café', 'v2 of the shell')
    writeFileSync(join(root, 'index.html'), edited)
    const res = await app.inject({ target: '/app/x', headers: { Accept: 'text/html' } })
    expect(res.body.equals(injectDevScript(Buffer.from(edited)))).toBe(true)
    expect(res.headers.get('etag')).toBe(sha(injectDevScript(Buffer.from(edited))))
  })

  it('a custom 404 page (a file of the root) carries the script; the refusal page fallback renders does not', async () => {
    const { cwd } = site({ '404.html': '<!doctype html><head><title>nope</title></head><p>not here</p>' })
    const { app } = await built(['site', '--dev', '--not-found', '404', '-a', 'index.html', '-q'], cwd)
    const res = await app.inject({ target: '/missing', headers: { Accept: 'text/html' } })
    expect(res.status).toBe(404)
    expect(res.body.includes(DEV_SCRIPT_TAG)).toBe(true)
    expect(res.headers.get('content-length')).toBe(String(res.body.length))
    const { app: plain } = await built(['site', '--dev', '-a', 'index.html', '-q'], cwd)
    const refusal = await plain.inject({ target: '/secret.txt', headers: { Accept: 'text/html' } })
    expect(refusal.status).toBe(403)
    expect(refusal.body.includes(DEV_SCRIPT_TAG)).toBe(false)
  })
})
