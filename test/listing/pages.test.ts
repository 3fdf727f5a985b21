// Pages beyond 1000 entries: 2500 files generated in a temporary folder, three pages with prev/next links
// (HTML, JSON and the Link field), every file exactly once across the pages, a page past the end → the last.
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeTree } from '../helpers/file-tree.js'
import { get, listingApp, type ListingApp } from './helpers.js'

const FILES = 2500
let base: string
let site: ListingApp

beforeAll(async () => {
  base = await writeTree('tinyhttp-listing-pages-', {})
  await mkdir(join(base, 'many'))
  const names = Array.from({ length: FILES }, (_, i) => `f${String(i).padStart(4, '0')}.txt`)
  for (let i = 0; i < names.length; i += 100) await Promise.all(names.slice(i, i + 100).map(n => writeFile(join(base, 'many', n), n)))
  site = await listingApp(base, ['**/*'])
}, 60_000)

afterAll(async () => {
  site.list.close()
  await site.app.close(200)
  await rm(base, { recursive: true, force: true })
})

interface Doc {
  page: number
  pages: number
  total: number
  prev: string | null
  next: string | null
  entries: Array<{ name: string }>
}

const doc = async (query: string): Promise<Doc> => JSON.parse((await get(site.app, `/many/${query}`)).body.toString('utf8')) as Doc

describe('pagination', () => {
  it('JSON: three pages of at most 1000, linked, every file exactly once', async () => {
    const seen: string[] = []
    let query = '?format=json'
    const pages: Doc[] = []
    for (let i = 0; i < 10 && query !== ''; i++) {
      const d = await doc(query)
      pages.push(d)
      seen.push(...d.entries.map(e => e.name))
      query = d.next ?? ''
    }
    expect(pages.map(p => [p.page, p.pages, p.total, p.entries.length])).toEqual([
      [1, 3, FILES, 1000],
      [2, 3, FILES, 1000],
      [3, 3, FILES, 500],
    ])
    expect(pages.map(p => [p.prev, p.next])).toEqual([
      [null, '?sort=name&order=asc&page=2&format=json'],
      ['?sort=name&order=asc&page=1&format=json', '?sort=name&order=asc&page=3&format=json'],
      ['?sort=name&order=asc&page=2&format=json', null],
    ])
    expect(seen).toHaveLength(FILES)
    expect(new Set(seen).size).toBe(FILES)
    expect(seen).toEqual([...seen].sort())
  })

  it('a sorted view pages in its own order (name descending: page 1 starts at the last name)', async () => {
    const d = await doc('?format=json&order=desc')
    expect(d.entries[0]!.name).toBe('f2499.txt')
    expect(d.entries.at(-1)!.name).toBe('f1500.txt')
  })

  it('the Link field and the HTML page carry prev/next', async () => {
    const res = await get(site.app, '/many/?page=2')
    expect(res.headers.get('link')).toBe('</many/?sort=name&order=asc&page=1>; rel="prev", </many/?sort=name&order=asc&page=3>; rel="next"')
    const html = res.body.toString('utf8')
    expect(html).toContain('<a rel="prev" href="?sort=name&amp;order=asc&amp;page=1">')
    expect(html).toContain('<a rel="next" href="?sort=name&amp;order=asc&amp;page=3">')
    expect(html).toContain('page 2 of 3 (2500 entries)')
    expect([...html.matchAll(/<td class="n">/g)]).toHaveLength(1000 + 1) // the entries and the parent link
  })

  it('a page past the end shows the last page; each page has its own ETag', async () => {
    const last = await doc('?format=json&page=99')
    expect(last.page).toBe(3)
    const tags = await Promise.all(['?page=1', '?page=2', '?page=3'].map(async q => (await get(site.app, `/many/${q}`)).headers.get('etag')))
    expect(new Set(tags).size).toBe(3)
    expect((await get(site.app, '/many/?page=3')).headers.get('link')).toBe('</many/?sort=name&order=asc&page=2>; rel="prev"')
  })
})
