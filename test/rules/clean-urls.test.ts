// cleanUrls × trailingSlash over app.inject(), in the CLI's chain fallback → rules → allowlist → static on
// real files: the outcome table of packages/rules/README.md, cell by cell, and a property that following
// redirects never loops and never leaves the site.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import fc from 'fast-check'
import { allowlist, type AllowlistMiddleware } from 'tinyhttp-allowlist'
import { createApp, type App } from 'tinyhttp-core'
import { fallback } from 'tinyhttp-fallback'
import { serveStatic } from 'tinyhttp-static'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseHeaders, parseRedirects, rules, type SiteRules, type TrailingSlash } from 'tinyhttp-rules'

/** Every file on disk; each app's allowlist decides which of them are served. */
const FILES: Record<string, string> = {
  'index.html': 'ROOT',
  'about.html': 'ABOUT-FILE',
  'about/index.html': 'ABOUT-DIR',
  'dir/index.html': 'DIR',
  'dir/page.html': 'DIR-PAGE',
  'app.js': 'APP',
  'secret.html': 'SECRET',
}

/** What exists under the name `about`. */
const SCENARIOS = {
  file: ['about.html'],
  dir: ['about/index.html'],
  both: ['about.html', 'about/index.html'],
} as const
type Scenario = keyof typeof SCENARIOS
const SETTINGS: ReadonlyArray<readonly [boolean, TrailingSlash]> = [
  [false, 'add'],
  [false, 'remove'],
  [false, 'ignore'],
  [true, 'add'],
  [true, 'remove'],
  [true, 'ignore'],
]

let root: string
const lists: AllowlistMiddleware[] = []
const apps = new Map<string, App>()

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tinyhttp-clean-'))
  for (const [name, text] of Object.entries(FILES)) {
    await mkdir(join(root, dirname(name)), { recursive: true })
    await writeFile(join(root, name), text)
  }
})

afterAll(async () => {
  for (const list of lists) list.close()
  await rm(root, { recursive: true, force: true })
})

/** One app per (served files, settings), built once: fallback → rules → allowlist → static. */
async function appFor(served: readonly string[], cleanUrls: boolean, trailingSlash: TrailingSlash, routes = ''): Promise<App> {
  const key = JSON.stringify([served, cleanUrls, trailingSlash, routes])
  const known = apps.get(key)
  if (known !== undefined) return known
  const list = allowlist([...served], { root })
  lists.push(list)
  const report = await list.ready
  // What is served, as loosely as a table might say it: a listed `x/index.html` also makes `/x/` and `/x`
  // "exist" (the allowlist lets `/x` through for static's folder redirect).
  const folder = (p: string) => p.slice(0, -'/index.html'.length)
  const paths = new Set(report.allowed.flatMap(f => (f.urlPath.endsWith('/index.html') && f.urlPath !== '/index.html' ? [f.urlPath, folder(f.urlPath) + '/', folder(f.urlPath)] : [f.urlPath])))
  const config: SiteRules = { ...parseRedirects(routes, '_redirects'), cleanUrls, trailingSlash }
  const app = createApp()
  app.use(fallback(), rules(config, { exists: p => paths.has(p) }), list, serveStatic(root))
  apps.set(key, app)
  return app
}

const BODY_NAMES = new Map(Object.entries(FILES).map(([name, text]) => [text, name]))

/** One cell: `200 about.html`, `301 /about/`, or the bare status. */
async function outcome(app: App, target: string, method = 'GET'): Promise<string> {
  const res = await app.inject({ method, target, headers: { Host: 'x' } })
  const location = res.headers.get('location')
  if (location !== undefined) return `${res.status} ${location}`
  if (res.status === 200) return `200 ${BODY_NAMES.get(res.body.toString()) ?? '?'}`
  return String(res.status)
}

// Columns: cleanUrls off × add, remove, ignore; cleanUrls on × add, remove, ignore. `/dir` and `/dir/` are
// a folder with only an index file, whatever the scenario.
const TABLE: Record<Scenario, Record<string, readonly string[]>> = {
  file: {
    '/about': ['403', '403', '403', '301 /about/', '200 about.html', '200 about.html'],
    '/about/': ['403', '403', '403', '200 about.html', '301 /about', '200 about.html'],
    '/about.html': ['200 about.html', '200 about.html', '200 about.html', '301 /about/', '301 /about', '301 /about'],
    '/about/index.html': ['403', '403', '403', '403', '403', '403'],
    '/dir': ['301 /dir/', '200 dir/index.html', '301 /dir/', '301 /dir/', '200 dir/index.html', '301 /dir/'],
    '/dir/': ['200 dir/index.html', '301 /dir', '200 dir/index.html', '200 dir/index.html', '301 /dir', '200 dir/index.html'],
  },
  dir: {
    '/about': ['301 /about/', '200 about/index.html', '301 /about/', '301 /about/', '200 about/index.html', '301 /about/'],
    '/about/': ['200 about/index.html', '301 /about', '200 about/index.html', '200 about/index.html', '301 /about', '200 about/index.html'],
    '/about.html': ['403', '403', '403', '403', '403', '403'],
    '/about/index.html': ['200 about/index.html', '200 about/index.html', '200 about/index.html', '301 /about/', '301 /about', '301 /about/'],
    '/dir': ['301 /dir/', '200 dir/index.html', '301 /dir/', '301 /dir/', '200 dir/index.html', '301 /dir/'],
    '/dir/': ['200 dir/index.html', '301 /dir', '200 dir/index.html', '200 dir/index.html', '301 /dir', '200 dir/index.html'],
  },
  both: {
    '/about': ['301 /about/', '200 about/index.html', '301 /about/', '301 /about/', '200 about.html', '200 about.html'],
    '/about/': ['200 about/index.html', '301 /about', '200 about/index.html', '200 about/index.html', '301 /about', '200 about/index.html'],
    '/about.html': ['200 about.html', '200 about.html', '200 about.html', '200 about.html', '301 /about', '301 /about'],
    '/about/index.html': ['200 about/index.html', '200 about/index.html', '200 about/index.html', '301 /about/', '200 about/index.html', '301 /about/'],
    '/dir': ['301 /dir/', '200 dir/index.html', '301 /dir/', '301 /dir/', '200 dir/index.html', '301 /dir/'],
    '/dir/': ['200 dir/index.html', '301 /dir', '200 dir/index.html', '200 dir/index.html', '301 /dir', '200 dir/index.html'],
  },
}

describe('the cleanUrls × trailingSlash table over the wire', () => {
  for (const scenario of Object.keys(TABLE) as Scenario[]) {
    for (const [target, row] of Object.entries(TABLE[scenario])) {
      it(`${scenario}: ${target}`, async () => {
        const got: string[] = []
        for (const [cleanUrls, trailingSlash] of SETTINGS) {
          got.push(await outcome(await appFor([...SCENARIOS[scenario], 'dir/index.html', 'index.html'], cleanUrls, trailingSlash), target))
        }
        expect(got).toEqual(row)
      })
    }
  }
})

describe('redirect details', () => {
  it('keeps the query, has a fixed text body, and HEAD gets the same status and Location', async () => {
    const app = await appFor(['about.html'], true, 'remove')
    const res = await app.inject({ target: '/about.html?x=%3Cscript%3E&y=1', headers: { Host: 'x' } })
    expect(res.status).toBe(301)
    expect(res.headers.get('location')).toBe('/about?x=%3Cscript%3E&y=1')
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(res.body.toString()).toBe('301 Moved Permanently\n')
    const head = await app.inject({ method: 'HEAD', target: '/about.html?x=1', headers: { Host: 'x' } })
    expect(head.status).toBe(301)
    expect(head.headers.get('location')).toBe('/about?x=1')
    expect(head.body.length).toBe(0)
  })

  it('a non-ASCII name is percent-encoded in Location', async () => {
    await writeFile(join(root, 'café.html'), 'CAFE')
    const app = await appFor(['café.html'], true, 'ignore')
    const res = await app.inject({ target: '/caf%C3%A9.html', headers: { Host: 'x' } })
    expect(res.status).toBe(301)
    expect(res.headers.get('location')).toBe('/caf%C3%A9')
    const page = await app.inject({ target: '/caf%C3%A9', headers: { Host: 'x' } })
    expect(page.status).toBe(200)
    expect(page.body.toString()).toBe('CAFE')
  })

  it('a file under its own name keeps it; a slash after it goes, in one hop, with "remove"', async () => {
    const plain = await appFor(['app.js', 'about.html'], false, 'add')
    expect(await outcome(plain, '/app.js')).toBe('200 app.js')
    expect(await outcome(plain, '/app.js/')).toBe('403')
    const removing = await appFor(['app.js', 'about.html'], true, 'remove')
    expect(await outcome(removing, '/app.js/')).toBe('301 /app.js')
    expect(await outcome(removing, '/about.html/')).toBe('301 /about')
    expect(await outcome(removing, '/')).toBe('403')
    const root = await appFor(['index.html'], true, 'remove')
    expect(await outcome(root, '/index.html')).toBe('301 /')
    expect(await outcome(root, '/')).toBe('200 index.html')
  })

  it('a POST is not redirected: it goes on as it came (static answers 405)', async () => {
    const app = await appFor(['about.html'], true, 'remove')
    const res = await app.inject({ method: 'POST', target: '/about.html', headers: { Host: 'x', 'Content-Length': '0' } })
    expect(res.status).toBe(405)
    expect(res.headers.get('location')).toBeUndefined()
  })

  it('a rewrite cannot publish a file the allowlist denies: secret.html exists on disk but is not served', async () => {
    const app = await appFor(['about.html'], true, 'ignore')
    expect(await outcome(app, '/secret')).toBe('403')
    expect(await outcome(app, '/secret.html')).toBe('403')
  })

  it('paths with // or a backslash never reach the rules: 400, no Location', async () => {
    const app = await appFor(['about.html', 'dir/index.html'], true, 'add')
    for (const target of ['//evil.example/about.html', '//evil.example/%2e%2e', '/%5Cevil.example/about.html', '/dir//', '/%2F/evil.example']) {
      const res = await app.inject({ target, headers: { Host: 'x' } })
      expect(res.status, target).toBe(400)
      expect(res.headers.get('location'), target).toBeUndefined()
    }
  })

  it('a forced redirect rule wins over cleanUrls; a non-forced one is shadowed by the clean page', async () => {
    const app = await appFor(['about.html', 'index.html'], true, 'remove', '/about /index.html 302!\n/about.html /index.html 302\n')
    expect(await outcome(app, '/about')).toBe('302 /index.html')
    expect(await outcome(app, '/about.html')).toBe('301 /about')
    const unforced = await appFor(['about.html', 'index.html'], true, 'remove', '/about /index.html 302\n')
    expect(await outcome(unforced, '/about')).toBe('200 about.html')
    expect(await outcome(unforced, '/nowhere')).toBe('403')
  })
})

describe('with an SPA catch-all rewrite without "!"', () => {
  it('clean pages and folders shadow it; the rest gets the shell', async () => {
    const app = await appFor(['about.html', 'dir/index.html', 'index.html'], true, 'remove', '/* /index.html 200\n')
    expect(await outcome(app, '/about')).toBe('200 about.html')
    expect(await outcome(app, '/about/')).toBe('301 /about')
    expect(await outcome(app, '/about.html')).toBe('301 /about')
    expect(await outcome(app, '/dir')).toBe('200 dir/index.html')
    expect(await outcome(app, '/dir/')).toBe('301 /dir')
    expect(await outcome(app, '/deep/link')).toBe('200 index.html')
    expect(await outcome(app, '/secret')).toBe('200 index.html')
  })
})

describe('header rules follow the file served', () => {
  it('a clean URL and a folder rewritten without its slash get the rules of the file they serve, on 200 and 304', async () => {
    const list = allowlist(['about.html', 'dir/index.html'], { root })
    lists.push(list)
    const report = await list.ready
    const paths = new Set(report.allowed.map(f => f.urlPath))
    const config: SiteRules = {
      ...parseHeaders('/about.html\n  X-Page: about\n/dir/index.html\n  X-Page: dir\n', '_headers'),
      cleanUrls: true,
      trailingSlash: 'remove',
    }
    const app = createApp()
    app.use(fallback(), rules(config, { exists: p => paths.has(p) }), list, serveStatic(root))
    for (const [target, page] of [['/about', 'about'], ['/dir', 'dir']] as const) {
      const res = await app.inject({ target, headers: { Host: 'x' } })
      expect(res.status, target).toBe(200)
      expect(res.headers.get('x-page'), target).toBe(page)
      const again = await app.inject({ target, headers: { Host: 'x', 'If-None-Match': res.headers.get('etag')! } })
      expect(again.status, target).toBe(304)
      expect(again.headers.get('x-page'), target).toBe(page)
    }
  })
})

describe('property: following redirects ends within 5 hops, on this site', () => {
  const OPTIONAL = ['about.html', 'about/index.html', 'dir/index.html', 'dir/page.html', 'app.js', 'index.html'] as const
  const SEGMENTS = ['about', 'about.html', 'index.html', 'dir', 'page', 'page.html', 'app.js', 'x']

  it('for every setting, served files and path', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.subarray([...OPTIONAL]),
        fc.boolean(),
        fc.constantFrom<TrailingSlash>('add', 'remove', 'ignore'),
        fc.array(fc.constantFrom(...SEGMENTS), { maxLength: 3 }),
        fc.boolean(),
        fc.constantFrom('', '?q=1', '?next=//evil.example'),
        async (served, cleanUrls, trailingSlash, segments, slash, query) => {
          const app = await appFor(served, cleanUrls, trailingSlash)
          let target = '/' + segments.join('/') + (slash && segments.length > 0 ? '/' : '') + query
          const seen = new Set<string>()
          for (let hop = 0; hop <= 5; hop++) {
            const res = await app.inject({ target, headers: { Host: 'x' } })
            if (res.status < 300 || res.status >= 400) return
            const location = res.headers.get('location')!
            expect(location).toMatch(/^\/(?!\/)/)
            expect(location).not.toContain('\\')
            expect(seen.has(location), `${target} loops`).toBe(false)
            seen.add(location)
            if (query !== '') expect(decodeURIComponent(location.slice(location.indexOf('?')))).toBe(query)
            target = location
            expect(hop, `${target}: a second redirect`).toBe(0)
          }
          throw new Error(`more than 5 redirects from /${segments.join('/')}`)
        },
      ),
      { numRuns: 300 },
    )
  }, 120_000)
})
