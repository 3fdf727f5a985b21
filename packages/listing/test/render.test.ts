import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { canonicalizePath } from 'tinyhttp-core'
import { describe, expect, it } from 'vitest'
import {
  LISTING_CSP,
  LISTING_STYLE,
  buildFolderIndex,
  entryHref,
  escapeHtml,
  formatSize,
  pageOf,
  parentOf,
  renderHtml,
  renderJson,
  type FolderEntry,
  type ListingView,
} from '../src/index.js'

const VIEW: ListingView = { format: 'html', sort: 'name', order: 'asc', page: 1 }
const file = (name: string, size = 1, mtimeMs = 0): FolderEntry => ({ name, kind: 'file', size, mtimeMs })

describe('escapeHtml', () => {
  it.each([
    ['plain', 'plain'],
    [`<script>alert("x")</script>`, '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'],
    [`R&D's`, 'R&amp;D&#39;s'],
    ['&amp;', '&amp;amp;'],
    ['café ☕', 'café ☕'],
  ])('%j → %j', (text, escaped) => expect(escapeHtml(text)).toBe(escaped))
})

describe('renderHtml', () => {
  it('the CSP hash is the hash of the style the page carries', () => {
    const html = renderHtml('/', pageOf([file('a')], VIEW, 10), VIEW)
    expect(html).toContain(`<style>${LISTING_STYLE}</style>`)
    const hash = createHash('sha256').update(LISTING_STYLE).digest('base64')
    expect(LISTING_CSP).toBe(`default-src 'none'; style-src 'sha256-${hash}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`)
  })

  it('property: names never change the markup (the number of <, > and " is that of a page of plain names)', () => {
    const name = fc.string({ minLength: 1, maxLength: 30, unit: 'grapheme' }).filter(s => !s.includes('/'))
    fc.assert(
      fc.property(fc.uniqueArray(name, { minLength: 1, maxLength: 8 }), names => {
        const page = pageOf(names.map(n => file(n)).sort((a, b) => (a.name < b.name ? -1 : 1)), VIEW, 100)
        const plain = pageOf(names.map((_, i) => file(`n${String(i).padStart(2, '0')}`)), VIEW, 100)
        const html = renderHtml('/d/', page, VIEW)
        const reference = renderHtml('/d/', plain, VIEW)
        for (const ch of ['<', '>', '"', "'"]) expect(html.split(ch).length, ch).toBe(reference.split(ch).length)
        for (const m of html.matchAll(/href="([^"]*)"/g)) expect(m[1]).toMatch(/^[\x21-\x7e]*$/)
      }),
      { numRuns: 300 },
    )
  })

  it('property: every href of an entry decodes back to the folder path plus the name', () => {
    const segment = fc.string({ minLength: 1, maxLength: 20 }).filter(s => canonicalizePath('/' + encodeURIComponent(s)).ok)
    fc.assert(
      fc.property(segment, name => {
        const href = entryHref('/d/', file(name))
        const back = canonicalizePath(href)
        expect(back.ok && back.path).toBe('/d/' + name)
      }),
      { numRuns: 300 },
    )
  })

  it('page navigation: prev/next only where there is a page', () => {
    const entries = Array.from({ length: 25 }, (_, i) => file(`f${String(i).padStart(2, '0')}`))
    const first = renderHtml('/x/', pageOf(entries, VIEW, 10), VIEW)
    expect(first).toContain('rel="next"')
    expect(first).not.toContain('rel="prev"')
    const last = renderHtml('/x/', pageOf(entries, { ...VIEW, page: 3 }, 10), { ...VIEW, page: 3 })
    expect(last).toContain('rel="prev"')
    expect(last).not.toContain('rel="next"')
    expect(renderHtml('/x/', pageOf(entries.slice(0, 3), VIEW, 10), VIEW)).not.toContain('<nav>')
  })
})

describe('renderJson', () => {
  it('writes < as \\u003c and parses back to the names', () => {
    const text = renderJson('/', pageOf([file('<b>')], VIEW, 10), { ...VIEW, format: 'json' })
    expect(text).not.toContain('<')
    expect(JSON.parse(text).entries[0].name).toBe('<b>')
  })
})

describe('helpers', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [5 * 1024 ** 3, '5.0 GiB'],
  ])('formatSize(%d) = %s', (n, text) => expect(formatSize(n)).toBe(text))

  it.each([
    ['/', undefined],
    ['/a/', '/'],
    ['/a/b/', '/a/'],
  ])('parentOf(%s) = %s', (path, parent) => expect(parentOf(path)).toBe(parent))
})

describe('buildFolderIndex', () => {
  it('cuts paths into folders; a folder exists only above a served file; sizes and times add up', () => {
    const folders = buildFolderIndex(
      [
        { urlPath: '/a.txt', size: 1, mtimeMs: 10 },
        { urlPath: '/docs/b.txt', size: 2, mtimeMs: 30 },
        { urlPath: '/docs/img/c.png', size: 4, mtimeMs: 20 },
        { urlPath: '/site/index.html', size: 8, mtimeMs: 5 },
      ],
      'index.html',
    )
    expect([...folders.keys()].sort()).toEqual(['/', '/docs/', '/docs/img/', '/site/'])
    expect(folders.get('/')!.entries).toEqual([
      { name: 'a.txt', kind: 'file', size: 1, mtimeMs: 10 },
      { name: 'docs', kind: 'folder', size: 6, mtimeMs: 30 },
      { name: 'site', kind: 'folder', size: 8, mtimeMs: 5 },
    ])
    expect(folders.get('/site/')!.hasIndex).toBe(true)
    expect(folders.get('/docs/')!.hasIndex).toBe(false)
    expect(buildFolderIndex([{ urlPath: '/site/index.html', size: 8, mtimeMs: 5 }], false).get('/site/')!.hasIndex).toBe(false)
  })

  it('the digest changes with any entry and only with the entries', () => {
    const base = [{ urlPath: '/d/a', size: 1, mtimeMs: 1 }]
    const digest = (files: typeof base): string => buildFolderIndex(files, false).get('/d/')!.digest
    const d0 = digest(base)
    expect(digest([{ ...base[0]! }])).toBe(d0)
    expect(digest([{ ...base[0]!, size: 2 }])).not.toBe(d0)
    expect(digest([{ ...base[0]!, mtimeMs: 2 }])).not.toBe(d0)
    expect(digest([...base, { urlPath: '/d/b', size: 1, mtimeMs: 1 }])).not.toBe(d0)
    expect(digest([{ urlPath: '/d/b', size: 1, mtimeMs: 1 }])).not.toBe(d0)
  })
})
