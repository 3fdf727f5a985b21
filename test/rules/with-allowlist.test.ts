// The rules in the CLI's chain, over app.inject(): fallback → rules → allowlist → static, on real files.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { allowlist, type AllowlistMiddleware } from 'tinyhttp-allowlist'
import { createApp, type App } from 'tinyhttp-core'
import { fallback } from 'tinyhttp-fallback'
import { serveStatic } from 'tinyhttp-static'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mergeRules, parseHeaders, parseRedirects, rules } from 'tinyhttp-rules'

const FILES: Record<string, string> = {
  'index.html': '<!doctype html><title>shell</title>',
  'app.3f9a1c2e.js': 'console.log("app")',
  'sw.js': 'self.addEventListener("fetch", () => {})',
  'secret.txt': 'not for the public',
  'docs/index.html': '<!doctype html><title>docs</title>',
}
const HEADERS = `
/index.html
  Cache-Control: no-cache
/app.3f9a1c2e.js
  Cache-Control: public, max-age=31536000, immutable
/sw.js
  Cache-Control: no-cache
/docs/index.html
  X-Docs-Index: yes
/docs/
  X-Docs-Folder: yes
`
const REDIRECTS = `
/old    /index.html   301
/leak   /secret.txt   200!
/*      /index.html   200
`

let root: string
let app: App
let list: AllowlistMiddleware

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tinyhttp-rules-'))
  await mkdir(join(root, 'docs'))
  for (const [name, text] of Object.entries(FILES)) await writeFile(join(root, name), text)
  list = allowlist(['index.html', 'app.3f9a1c2e.js', 'sw.js', 'docs/index.html'], { root })
  const report = await list.ready
  // What is served: every listed file, and the folder path of every listed index file.
  const served = new Set(report.allowed.flatMap(f => (f.urlPath.endsWith('/index.html') ? [f.urlPath, f.urlPath.slice(0, -'index.html'.length)] : [f.urlPath])))
  app = createApp()
  app.use(
    fallback(),
    rules(mergeRules([parseHeaders(HEADERS, '_headers'), parseRedirects(REDIRECTS, '_redirects')]), { exists: p => served.has(p) }),
    list,
    serveStatic(root),
  )
})

afterAll(async () => {
  list.close()
  await rm(root, { recursive: true, force: true })
})

const get = (target: string, headers: Record<string, string> = {}, method = 'GET') => app.inject({ method, target, headers: { Host: 'x', ...headers } })

describe('rules in front of the allowlist and static', () => {
  it('a deep link is served the SPA shell, with the shell\'s header rule', async () => {
    const res = await get('/settings/profile')
    expect(res.status).toBe(200)
    expect(res.body.toString()).toBe(FILES['index.html'])
    expect(res.headers.get('cache-control')).toBe('no-cache')
  })

  it('an existing file shadows the catch-all rewrite and gets its own rule', async () => {
    const res = await get('/app.3f9a1c2e.js')
    expect(res.status).toBe(200)
    expect(res.body.toString()).toBe(FILES['app.3f9a1c2e.js'])
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
  })

  it('the same headers on 304 and on HEAD', async () => {
    const first = await get('/sw.js')
    const etag = first.headers.get('etag')
    expect(etag).toBeDefined()
    const notModified = await get('/sw.js', { 'If-None-Match': etag! })
    expect(notModified.status).toBe(304)
    expect(notModified.headers.get('cache-control')).toBe('no-cache')
    const head = await get('/sw.js', {}, 'HEAD')
    expect(head.status).toBe(200)
    expect(head.body.length).toBe(0)
    expect(head.headers.get('cache-control')).toBe('no-cache')
  })

  it('a folder answered from its index file gets the index file\'s rules and the folder\'s', async () => {
    const folder = await get('/docs/')
    expect(folder.status).toBe(200)
    expect(folder.body.toString()).toBe(FILES['docs/index.html'])
    expect(folder.headers.get('x-docs-index')).toBe('yes')
    expect(folder.headers.get('x-docs-folder')).toBe('yes')
    const notModified = await get('/docs/', { 'If-None-Match': folder.headers.get('etag')! })
    expect(notModified.status).toBe(304)
    expect(notModified.headers.get('x-docs-index')).toBe('yes')
    const file = await get('/docs/index.html')
    expect(file.headers.get('x-docs-index')).toBe('yes')
    expect(file.headers.get('x-docs-folder')).toBeUndefined()
  })

  it('a rewrite cannot publish what the allowlist denies', async () => {
    const leak = await get('/leak')
    expect(leak.status).toBe(403)
    expect(leak.body.toString()).not.toContain('not for the public')
    // Asked directly, the denied file is "no file here": the catch-all rewrite gives the shell.
    const direct = await get('/secret.txt')
    expect(direct.body.toString()).toBe(FILES['index.html'])
  })

  it('a redirect answers before the allowlist', async () => {
    const res = await get('/old?from=mail')
    expect(res.status).toBe(301)
    expect(res.headers.get('location')).toBe('/index.html?from=mail')
  })

  it('a path the canonical path refuses reaches no rule: 400', async () => {
    const res = await get('/a/%2e%2e/secret.txt')
    expect(res.status).toBe(400)
    expect(res.headers.get('location')).toBeUndefined()
  })
})
