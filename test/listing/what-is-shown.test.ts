// A listing shows exactly what the allowlist serves: denied files, dotfiles not listed exactly, symlinks
// out of the root, names the canonical path refuses and empty folders are invisible; every link it shows
// answers 200 when requested directly. Through app.inject() on the CLI's chain order.
import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { get, HOSTILE_NAMES, jsonNames, listingApp, makeSite, SPECIAL_NAMES, type ListingApp } from './helpers.js'

let base: string
let site: ListingApp

beforeAll(async () => {
  const made = await makeSite()
  base = made.base
  site = await listingApp(made.root)
  await site.list.remove(['docs/private', 'docs/only-denied/**', 'docs/secret.txt'])
})

afterAll(async () => {
  site.list.close()
  await site.app.close(200)
  await rm(base, { recursive: true, force: true })
})

const SERVED_IN_DOCS = ['big.bin', 'link-in.txt', 'readme.txt', ...SPECIAL_NAMES].sort()

describe('a listing shows only what is served', () => {
  it('/docs/ lists its served files and the folder that holds one: nothing denied, dot, outside or empty', async () => {
    const res = await get(site.app, '/docs/?format=json')
    expect(res.status).toBe(200)
    expect(jsonNames(res)).toEqual(['sub', ...SERVED_IN_DOCS])
    const body = res.body.toString('utf8')
    for (const hidden of ['private', 'only-denied', 'secret.txt', '.env', '.hidden', 'empty', 'link-out.txt', 'link-dir', 'onerror', 'quoted', 'script']) {
      expect(body).not.toContain(hidden)
    }
  })

  it('the HTML page shows the same names and nothing more', async () => {
    const html = (await get(site.app, '/docs/')).body.toString('utf8')
    const hrefs = [...html.matchAll(/<td class="n"><a href="([^"]*)">/g)].map(m => m[1])
    expect(hrefs).toHaveLength(1 + 1 + SERVED_IN_DOCS.length) // parent, sub/, the files
    for (const hidden of ['private', 'only-denied', 'secret.txt', '.env', '.hidden', 'link-out', 'link-dir', 'onerror', 'quoted', 'script>']) {
      expect(html).not.toContain(hidden)
    }
  })

  it('names the canonical path refuses exist on disk but are never served, so never listed', async () => {
    for (const name of HOSTILE_NAMES) expect(site.list.report.rejected.map(r => r.entry)).toContain(`docs/${name}`)
  })

  it('every link of every listing answers 200 when requested directly (a listing never reveals more)', async () => {
    const queue = ['/docs/', '/.well-known/']
    const seen = new Set<string>()
    for (let steps = 0; queue.length > 0 && steps < 100; steps++) {
      const folder = queue.shift()!
      const doc = JSON.parse((await get(site.app, folder + '?format=json')).body.toString('utf8')) as { entries: Array<{ href: string; type: string }> }
      for (const e of doc.entries) {
        seen.add(e.href)
        const direct = await get(site.app, e.href)
        expect(direct.status, e.href).toBe(200)
        if (e.type === 'directory') queue.push(e.href)
      }
    }
    expect(seen.size).toBe(1 + SERVED_IN_DOCS.length + 1 + 1) // docs/*, docs/sub/deep.txt, security.txt
  })

  it('and every served file of a folder without an index appears in its listing', async () => {
    const docs = jsonNames(await get(site.app, '/docs/?format=json'))
    const served = site.list.report.allowed.map(f => f.urlPath).filter(p => /^\/docs\/[^/]+$/.test(p))
    for (const p of served) expect(docs).toContain(p.slice('/docs/'.length))
  })

  it.each(['/docs/private/', '/docs/only-denied/', '/docs/empty/', '/docs/.hidden/', '/docs/link-dir/', '/docs/private', '/docs/empty'])(
    '%s is no listing (the allowlist refuses it like any path it does not serve)',
    async target => {
      const res = await get(site.app, target)
      expect(res.status).toBe(403)
      expect(res.body.length).toBe(0)
      expect(res.headers.get('location')).toBeUndefined()
    },
  )

  it('a dot folder holding an exactly listed file is shown with that file only', async () => {
    const res = await get(site.app, '/.well-known/?format=json')
    expect(res.status).toBe(200)
    expect(jsonNames(res)).toEqual(['security.txt'])
  })

  it('a folder with a served index keeps serving the index (/guide/), and /guide gets static redirect', async () => {
    const index = await get(site.app, '/guide/')
    expect(index.status).toBe(200)
    expect(index.body.toString()).toBe('<h1>guide</h1>')
    expect(index.headers.get('content-security-policy')).toBeUndefined()
    const bare = await get(site.app, '/guide')
    expect(bare.status).toBe(301)
    expect(bare.headers.get('location')).toBe('/guide/')
    const root = await get(site.app, '/')
    expect(root.body.toString()).toBe('<h1>home</h1>')
    expect(site.mw.folders()).toEqual(['/.well-known/', '/docs/', '/docs/sub/'])
  })

  it('/docs (no slash) → 301 /docs/, keeping only the view parameters it knows', async () => {
    const res = await get(site.app, '/docs?sort=size&evil=%3Cx%3E&next=//evil.example&page=2')
    expect(res.status).toBe(301)
    expect(res.headers.get('location')).toBe('/docs/?sort=size&page=2')
    expect(res.body.length).toBe(0)
    expect((await get(site.app, '/docs')).headers.get('location')).toBe('/docs/')
  })

  it('other methods are not listings: POST /docs/ is refused as usual', async () => {
    const res = await get(site.app, '/docs/', {}, 'POST')
    expect(res.status).not.toBe(200)
    expect(res.body.toString()).not.toContain('readme.txt')
  })

  it('a path the canonical path refuses is still a 400 from the allowlist', async () => {
    for (const target of ['/docs/%2e%2e/', '/docs//', '/docs%2F']) expect((await get(site.app, target)).status).toBe(400)
  })
})

describe('the root', () => {
  it('is listed when it has no index, and not listed when nothing is served', async () => {
    const made = await makeSite()
    try {
      const noIndex = await listingApp(made.root, ['docs/readme.txt', 'guide/page.html'])
      const res = await get(noIndex.app, '/?format=json')
      expect(res.status).toBe(200)
      expect(jsonNames(res)).toEqual(['docs', 'guide'])
      expect(JSON.parse(res.body.toString()).parent).toBeNull()
      noIndex.list.close()
      await noIndex.app.close(100)
      const nothing = await listingApp(made.root, ['no-such-file.txt'])
      expect((await get(nothing.app, '/')).status).toBe(403)
      nothing.list.close()
      await nothing.app.close(100)
    } finally {
      await rm(made.base, { recursive: true, force: true })
    }
  })
})
