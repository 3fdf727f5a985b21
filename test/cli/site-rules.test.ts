/**
 * Issue 12 through the real CLI: `_headers`, `_redirects` and `serve.json` read from the served root
 * with no flag; header rules on 200, 304, HEAD and 206 and on answers static did not make; redirects
 * with a fixed body; rewrites only onto files the allowlist serves; the rule files never served.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawRequest, type RawResponse } from '../helpers/raw-client.js'
import { cleanupTemp, ensureBuilt, killAll, request, startCli, tempDir } from './helpers.js'

beforeAll(ensureBuilt, 200_000)
afterAll(async () => {
  await killAll()
  cleanupTemp()
})

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
const IMMUTABLE = 'public, max-age=31536000, immutable'
const header = (res: RawResponse, name: string): string | undefined => res.headers.get(name)?.[0]

const FILES: Record<string, string> = {
  'index.html': '<!doctype html><title>shell</title>\n',
  'app.3f9a1c2e.js': 'console.log("0123456789abcdef")\n',
  'docs/index.html': '<!doctype html><title>docs</title>\n',
  'secret.txt': 'not for the public\n',
  _headers: `# Netlify syntax
/*
  X-Site: all
/index.html
  Cache-Control: no-cache
  X-Page: shell
/app.3f9a1c2e.js
  Cache-Control: ${IMMUTABLE}
/docs/index.html
  X-Docs: index
/settings/*
  X-Settings: deep-link
`,
  _redirects: `# legacy URLs
/old            /docs/              301
/news/:year/*   /blog/:year/:splat  308
/leak           /secret.txt         200!
/sneaky         /_redirects         200!
/app/*          /index.html         200
`,
  'serve.json': JSON.stringify({ headers: [{ source: '**/*.js', headers: [{ key: 'X-Js', value: 'yes' }] }] }),
}

/** A working directory with `public/` holding {@link FILES}. */
function site(files: Record<string, string> = FILES): { cwd: string; root: string } {
  const cwd = tempDir('tinyhttp-site-rules-')
  const root = join(cwd, 'public')
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true })
    writeFileSync(join(root, name), text)
  }
  return { cwd, root }
}

describe('rule files in the root, default allow (**/*)', () => {
  let port: number
  beforeAll(async () => {
    const { cwd } = site()
    port = (await startCli(['public', '--port', '0', '-q'], { cwd })).port
  }, 20_000)

  it('header rules per path on 200, HEAD, 304 and 206, the body the file bytes', async () => {
    const path = '/app.3f9a1c2e.js'
    const ok = await rawRequest(port, request('GET', path))
    expect(ok.status).toBe(200)
    expect(ok.body.toString()).toBe(FILES['app.3f9a1c2e.js'])
    const head = await rawRequest(port, request('HEAD', path), { head: true })
    const etag = header(ok, 'etag') as string
    expect(etag).toBeTruthy()
    const notModified = await rawRequest(port, request('GET', path, { 'If-None-Match': etag }))
    const partial = await rawRequest(port, request('GET', path, { Range: 'bytes=0-6' }))
    expect([head.status, notModified.status, partial.status]).toEqual([200, 304, 206])
    expect(head.body.length).toBe(0)
    expect(notModified.body.length).toBe(0)
    expect(partial.body.toString()).toBe(FILES['app.3f9a1c2e.js']!.slice(0, 7))
    expect(header(partial, 'content-range')).toBe(`bytes 0-6/${FILES['app.3f9a1c2e.js']!.length}`)
    for (const res of [ok, head, notModified, partial]) {
      expect(header(res, 'cache-control')).toBe(IMMUTABLE) // _headers
      expect(header(res, 'x-site')).toBe('all') // _headers, /*
      expect(header(res, 'x-js')).toBe('yes') // serve.json
      expect(header(res, 'x-page')).toBeUndefined()
    }
  })

  it('a folder answered by its index file gets the index file\'s rules', async () => {
    const folder = await rawRequest(port, request('GET', '/docs/'))
    expect(folder.status).toBe(200)
    expect(folder.body.toString()).toBe(FILES['docs/index.html'])
    expect(header(folder, 'x-docs')).toBe('index')
    const notModified = await rawRequest(port, request('GET', '/docs/', { 'If-None-Match': header(folder, 'etag') as string }))
    expect(notModified.status).toBe(304)
    expect(header(notModified, 'x-docs')).toBe('index')
  })

  it('a redirect: status, Location with the query kept, the fixed body, header rules', async () => {
    const res = await rawRequest(port, request('GET', '/old?from=mail'))
    expect(res.status).toBe(301)
    expect(header(res, 'location')).toBe('/docs/?from=mail')
    expect(res.body.toString()).toBe('301 Moved Permanently\n')
    expect(header(res, 'content-type')).toBe('text/plain; charset=utf-8')
    expect(header(res, 'x-site')).toBe('all')
    const placeholders = await rawRequest(port, request('GET', '/news/2024/a/b'))
    expect(placeholders.status).toBe(308)
    expect(header(placeholders, 'location')).toBe('/blog/2024/a/b')
    expect(placeholders.body.toString()).toBe('308 Permanent Redirect\n')
  })

  it('a redirect reflects nothing: hostile captures are percent-encoded, the body stays fixed', async () => {
    const res = await rawRequest(port, request('GET', '/news/2024/a%20b/caf%C3%A9'))
    expect(res.status).toBe(308)
    expect(header(res, 'location')).toBe('/blog/2024/a%20b/caf%C3%A9')
    expect(res.body.toString()).toBe('308 Permanent Redirect\n')
    // What the canonical path refuses reaches no rule: 400, no Location.
    for (const target of ['//evil.example/%2e%2e', '/news/2024/..%2F..%2Fx', '/news/%5Cevil.example', '/news/%3Cscript%3E/x', '/news//evil.example']) {
      const refused = await rawRequest(port, request('GET', target))
      expect(refused.status, target).toBe(400)
      expect(header(refused, 'location'), target).toBeUndefined()
    }
  })

  it('a rewrite: a deep link under /app/ is served the shell, with the shell\'s header rules', async () => {
    const res = await rawRequest(port, request('GET', '/app/settings/profile'))
    expect(res.status).toBe(200)
    expect(res.body.toString()).toBe(FILES['index.html'])
    expect(header(res, 'x-page')).toBe('shell')
    expect(header(res, 'cache-control')).toBe('no-cache')
  })

  it('the rule files are never served: the same answer as a path that is not served', async () => {
    const unserved = await rawRequest(port, request('GET', '/nothing-here', { Accept: BROWSER }))
    expect(unserved.status).toBe(403)
    for (const path of ['/_headers', '/_redirects', '/serve.json', '/sneaky']) {
      for (const accept of [BROWSER, '*/*']) {
        const res = await rawRequest(port, request('GET', path, { Accept: accept }))
        const same = accept === BROWSER ? unserved : await rawRequest(port, request('GET', '/nothing-here', { Accept: accept }))
        expect(res.status, path).toBe(same.status)
        expect(res.body.toString(), path).toBe(same.body.toString())
        expect(header(res, 'content-type'), path).toBe(header(same, 'content-type'))
        for (const secret of ['X-Site', '/old', 'news', 'X-Js']) expect(res.body.toString()).not.toContain(secret)
      }
    }
  })

  it('refusals get the header rules of their path (403, 405, the refusal page a browser gets)', async () => {
    const res = await rawRequest(port, request('GET', '/.env'))
    expect(res.status).toBe(403)
    expect(header(res, 'x-site')).toBe('all')
    const page = await rawRequest(port, request('GET', '/.env', { Accept: BROWSER }))
    expect(page.status).toBe(403)
    expect(header(page, 'content-type')).toMatch(/^text\/html/)
    expect(header(page, 'x-site')).toBe('all')
    const method = await rawRequest(port, request('POST', '/app.3f9a1c2e.js'))
    expect(method.status).toBe(405)
    expect(header(method, 'x-site')).toBe('all')
    expect(header(method, 'x-js')).toBe('yes')
  })
})

describe('rule files with an explicit allow list', () => {
  it('a rewrite lands only on an allowlisted file; a listed rule file is still not served', async () => {
    const { cwd } = site()
    const cli = await startCli(['public', '--port', '0', '-q', '--allow', 'index.html', '--allow', 'app.3f9a1c2e.js', '--allow', 'docs/index.html', '--allow', '_redirects'], { cwd })
    const leak = await rawRequest(cli.port, request('GET', '/leak'))
    expect(leak.status).toBe(403)
    expect(leak.body.toString()).not.toContain('not for the public')
    const shell = await rawRequest(cli.port, request('GET', '/app/x'))
    expect(shell.status).toBe(200)
    expect(shell.body.toString()).toBe(FILES['index.html'])
    const listed = await rawRequest(cli.port, request('GET', '/_redirects'))
    expect(listed.status).toBe(403)
    expect(listed.body.toString()).not.toContain('/old')
    expect(cli.stderr()).toContain('tinyhttp-cli: warning: allow entry "_redirects" names a rule file: _headers, _redirects and serve.json are read as configuration and never served\n')
  })

  it('with --not-found 404 the rule files answer 404, like any path not served', async () => {
    const { cwd } = site()
    const cli = await startCli(['public', '--port', '0', '-q', '--not-found', '404'], { cwd })
    for (const path of ['/_headers', '/_redirects', '/serve.json', '/nothing-here']) {
      const res = await rawRequest(cli.port, request('GET', path))
      expect(res.status, path).toBe(404)
    }
  })

  it('--spa: the shell answering a deep link gets the --spa file\'s header rules', async () => {
    const { cwd } = site()
    const cli = await startCli(['public', '--port', '0', '-q', '--spa'], { cwd })
    const res = await rawRequest(cli.port, request('GET', '/settings/profile', { Accept: BROWSER }))
    expect(res.status).toBe(200)
    expect(res.body.toString()).toBe(FILES['index.html'])
    expect(header(res, 'x-page')).toBe('shell')
    expect(header(res, 'x-site')).toBe('all')
    // The deep link's own rule does not apply: the rules match the file that answered.
    expect(header(res, 'x-settings')).toBeUndefined()
    const notModified = await rawRequest(cli.port, request('GET', '/settings/profile', { Accept: BROWSER, 'If-None-Match': header(res, 'etag') as string }))
    expect(notModified.status).toBe(304)
    expect(header(notModified, 'x-page')).toBe('shell')
  })
})

describe('serve.json cleanUrls and trailingSlash, answered from the allowlist table', () => {
  it('/about serves about.html, /about.html redirects to /about, a folder keeps its index', async () => {
    const { cwd } = site({
      'index.html': FILES['index.html']!,
      'about.html': '<!doctype html><title>about</title>\n',
      'docs/index.html': FILES['docs/index.html']!,
      'serve.json': JSON.stringify({ cleanUrls: true, trailingSlash: false, headers: [{ source: '/about.html', headers: [{ key: 'X-About', value: 'yes' }] }] }),
    })
    const cli = await startCli(['public', '--port', '0', '-q'], { cwd })
    const clean = await rawRequest(cli.port, request('GET', '/about'))
    expect(clean.status).toBe(200)
    expect(clean.body.toString()).toBe('<!doctype html><title>about</title>\n')
    expect(header(clean, 'x-about')).toBe('yes')
    const named = await rawRequest(cli.port, request('GET', '/about.html?x=1'))
    expect(named.status).toBe(301)
    expect(header(named, 'location')).toBe('/about?x=1')
    const folder = await rawRequest(cli.port, request('GET', '/docs'))
    expect(folder.status).toBe(200)
    expect(folder.body.toString()).toBe(FILES['docs/index.html'])
    const slash = await rawRequest(cli.port, request('GET', '/docs/'))
    expect(slash.status).toBe(301)
    expect(header(slash, 'location')).toBe('/docs')
  })
})

describe('no rule files: nothing changes', () => {
  it('serves as before, no rule header', async () => {
    const { cwd } = site({ 'index.html': FILES['index.html']!, '_headers.txt': 'not a rule file' })
    const cli = await startCli(['public', '--port', '0', '-q'], { cwd })
    const res = await rawRequest(cli.port, request('GET', '/'))
    expect(res.status).toBe(200)
    expect(header(res, 'x-site')).toBeUndefined()
    // Only the three names at the root are configuration: other files are served as any file.
    expect((await rawRequest(cli.port, request('GET', '/_headers.txt'))).body.toString()).toBe('not a rule file')
  })
})
