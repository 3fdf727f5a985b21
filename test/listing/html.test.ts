// The HTML page: names escaped, links percent-encoded, a CSP whose style hash is the page's own style,
// sorting by name/size/date from the query, unknown values → defaults (never a 400, never echoed).
import { rm, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeTree } from '../helpers/file-tree.js'
import { fieldLines, get, jsonNames, listingApp, makeSite, styleHash, type ListingApp } from './helpers.js'

let bases: string[] = []
let site: ListingApp
let sorted: ListingApp

beforeAll(async () => {
  const made = await makeSite()
  site = await listingApp(made.root)
  // Sizes and times chosen so that each key gives another order: a(3 B, 2020) b(1 B, 2022) c(2 B, 2021).
  const base = await writeTree('tinyhttp-listing-sort-', { 's/a.txt': 'aaa', 's/b.txt': 'b', 's/c.txt': 'cc', 's/dir/x.txt': 'x' })
  await utimes(join(base, 's/a.txt'), new Date('2020-01-01'), new Date('2020-01-01'))
  await utimes(join(base, 's/b.txt'), new Date('2022-01-01'), new Date('2022-01-01'))
  await utimes(join(base, 's/c.txt'), new Date('2021-01-01'), new Date('2021-01-01'))
  await utimes(join(base, 's/dir/x.txt'), new Date('2019-01-01'), new Date('2019-01-01'))
  sorted = await listingApp(base, ['**/*'])
  bases = [made.base, base]
})

afterAll(async () => {
  for (const s of [site, sorted]) {
    s.list.close()
    await s.app.close(200)
  }
  for (const b of bases) await rm(b, { recursive: true, force: true })
})

describe('the HTML page', () => {
  it('escapes names and percent-encodes links', async () => {
    const res = await get(site.app, '/docs/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const html = res.body.toString('utf8')
    expect(html).toContain(`<a href="/docs/R&amp;D&#39;s%20notes.txt">R&amp;D&#39;s notes.txt</a>`)
    expect(html).toContain('<a href="/docs/100%25.txt">100%.txt</a>')
    expect(html).toContain('<a href="/docs/caf%C3%A9%20%E2%98%95.txt">café ☕.txt</a>')
    expect(html).toContain('<a href="/docs/x%23y.txt">x#y.txt</a>')
    expect(html).toContain('<a href="/docs/a+b=c;d.txt">a+b=c;d.txt</a>')
    expect(html).toContain('<a href="/docs/sub/">sub/</a>')
    expect(html).toContain('<a href="/">../</a>')
    expect(html).toContain('<title>Index of /docs/</title>')
    // Every link is visible ASCII (no raw space, quote, `<` or non-ASCII inside an href).
    for (const m of html.matchAll(/href="([^"]*)"/g)) expect(m[1]).toMatch(/^[\x21-\x7e]*$/)
  })

  it('an encoded link, requested, serves the file it names', async () => {
    const res = await get(site.app, '/docs/caf%C3%A9%20%E2%98%95.txt')
    expect(res.status).toBe(200)
    expect(res.body.toString()).toBe('content of café ☕.txt')
  })

  it("CSP: default-src 'none' and the sha256 of the page's one inline style; no script, no inline style attribute", async () => {
    const res = await get(site.app, '/docs/')
    const html = res.body.toString('utf8')
    const styles = [...html.matchAll(/<style>([^<]*)<\/style>/g)].map(m => m[1]!)
    expect(styles).toHaveLength(1)
    const csp = fieldLines(res, 'content-security-policy')
    expect(csp).toHaveLength(1)
    expect(csp[0]).toMatch(/^default-src 'none'; style-src '[^']+'/)
    expect(csp[0]!.split('; ')[1]).toBe(`style-src ${styleHash(styles[0]!)}`)
    expect(html).not.toMatch(/<script|\sstyle=|<img|<iframe|\son[a-z]+=/i)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('vary')).toBe('Accept')
    expect(res.headers.get('cache-control')).toBe('no-cache')
  })

  it('sort links toggle the order of the active column', async () => {
    const html = (await get(sorted.app, '/s/?sort=size&order=asc')).body.toString('utf8')
    expect(html).toContain('<a href="?sort=size&amp;order=desc&amp;page=1">Size</a> ↑')
    expect(html).toContain('<a href="?sort=name&amp;order=asc&amp;page=1">Name</a>')
  })
})

describe('sorting', () => {
  it.each([
    ['', ['dir', 'a.txt', 'b.txt', 'c.txt']],
    ['?sort=name&order=desc', ['dir', 'c.txt', 'b.txt', 'a.txt']],
    ['?sort=size', ['dir', 'b.txt', 'c.txt', 'a.txt']],
    ['?sort=size&order=desc', ['dir', 'a.txt', 'c.txt', 'b.txt']],
    ['?sort=date', ['dir', 'a.txt', 'c.txt', 'b.txt']],
    ['?sort=date&order=desc', ['dir', 'b.txt', 'c.txt', 'a.txt']],
  ])('%s → %j (folders first)', async (query, names) => {
    const json = await get(sorted.app, `/s/${query}${query === '' ? '?' : '&'}format=json`)
    expect(jsonNames(json)).toEqual(names)
    const html = (await get(sorted.app, `/s/${query}`)).body.toString('utf8')
    const shown = [...html.matchAll(/<td class="n"><a href="[^"]*">([^<]*)<\/a>/g)].map(m => m[1]!.replace(/\/$/, '')).filter(n => n !== '..')
    expect(shown).toEqual(names)
  })

  it.each(['?sort=%3Cscript%3E', '?order=sideways', '?page=abc', '?page=-1', '?page=1e3', '?format=xml', '?sort=size&sort=date', '?page=99999999999'])(
    'unknown value %s → the default view, 200, nothing echoed',
    async query => {
      const res = await get(sorted.app, `/s/${query}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
      const html = res.body.toString('utf8')
      expect(html).not.toMatch(/script|sideways|abc|xml|1e3/)
    },
  )

  it('sizes and dates are shown for people; JSON carries bytes and ISO times', async () => {
    const html = (await get(sorted.app, '/s/')).body.toString('utf8')
    expect(html).toContain('<td class="s">3 B</td><td class="d"><time datetime="2020-01-01T00:00:00.000Z">2020-01-01 00:00</time></td>')
    const doc = JSON.parse((await get(sorted.app, '/s/?format=json')).body.toString('utf8'))
    expect(doc.entries[1]).toEqual({ name: 'a.txt', type: 'file', href: '/s/a.txt', size: 3, mtime: '2020-01-01T00:00:00.000Z' })
    expect(doc.entries[0]).toEqual({ name: 'dir', type: 'directory', href: '/s/dir/', size: 1, mtime: '2019-01-01T00:00:00.000Z' })
  })
})
