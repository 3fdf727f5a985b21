// JSON by Accept or ?format=json with Vary: Accept; a strong ETag over the entry set that changes when an
// entry is added, removed, or changes size or time, and only then; If-None-Match → 304; HEAD.
import { rm, unlink, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeTree } from '../helpers/file-tree.js'
import { fieldLines, get, jsonNames, listingApp, type ListingApp } from './helpers.js'

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

let base: string
let site: ListingApp

beforeEach(async () => {
  base = await writeTree('tinyhttp-listing-etag-', { 'pub/a.txt': 'aaa', 'pub/b.txt': 'bb', 'pub/sub/c.txt': 'c' })
  site = await listingApp(join(base, 'pub'), ['**/*'])
})

afterEach(async () => {
  site.list.close()
  await site.app.close(200)
  await rm(base, { recursive: true, force: true })
})

const etagOf = async (target: string, headers: Record<string, string> = {}): Promise<string> => {
  const res = await get(site.app, target, headers)
  expect(res.status).toBe(200)
  return res.headers.get('etag')!
}

describe('formats', () => {
  it.each([
    [{}, '', 'text/html; charset=utf-8'],
    [{ Accept: BROWSER }, '', 'text/html; charset=utf-8'],
    [{ Accept: 'application/json' }, '', 'application/json; charset=utf-8'],
    [{ Accept: 'application/json, text/html;q=0.5' }, '', 'application/json; charset=utf-8'],
    [{ Accept: 'text/html, application/json;q=0.9' }, '', 'text/html; charset=utf-8'],
    [{ Accept: 'application/json;q=0' }, '', 'text/html; charset=utf-8'],
    [{ Accept: '*/*' }, '', 'text/html; charset=utf-8'],
    [{}, '?format=json', 'application/json; charset=utf-8'],
    [{ Accept: 'application/json' }, '?format=html', 'text/html; charset=utf-8'],
  ])('Accept %j, query %j → %s, Vary: Accept', async (headers, query, type) => {
    const res = await get(site.app, `/${query}`, headers)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe(type)
    expect(fieldLines(res, 'vary')).toEqual(['Accept'])
    if (type.startsWith('application/json')) expect(jsonNames(res)).toEqual(['sub', 'a.txt', 'b.txt'])
  })
})

describe('ETag and 304', () => {
  it('strong, one per representation (format, sort, order, page)', async () => {
    const tags = [await etagOf('/'), await etagOf('/?format=json'), await etagOf('/', { Accept: 'application/json' }), await etagOf('/?sort=size'), await etagOf('/?order=desc')]
    for (const t of tags) expect(t).toMatch(/^"[\x21\x23-\x7e]+"$/)
    expect(tags[1]).toBe(tags[2]) // the same JSON bytes, however asked for
    expect(new Set(tags).size).toBe(4)
    // The same request twice: the same tag and the same bytes.
    const [x, y] = [await get(site.app, '/'), await get(site.app, '/')]
    expect(x.headers.get('etag')).toBe(y.headers.get('etag'))
    expect(x.body.equals(y.body)).toBe(true)
  })

  it('If-None-Match → 304 with ETag, Vary and Cache-Control and no body; a weak or listed tag matches too', async () => {
    const tag = await etagOf('/')
    for (const inm of [tag, `W/${tag}`, `"nope", ${tag}`, '*']) {
      const res = await get(site.app, '/', { 'If-None-Match': inm })
      expect(res.status, inm).toBe(304)
      expect(res.body.length).toBe(0)
      expect(res.headers.get('etag')).toBe(tag)
      expect(res.headers.get('vary')).toBe('Accept')
      expect(res.headers.get('cache-control')).toBe('no-cache')
    }
    expect((await get(site.app, '/', { 'If-None-Match': '"other"' })).status).toBe(200)
    // The HTML tag does not validate the JSON document.
    expect((await get(site.app, '/?format=json', { 'If-None-Match': tag })).status).toBe(200)
  })

  it('changes when an entry is added, removed, or changes size or time — and not for another folder', async () => {
    const root = join(base, 'pub')
    const first = await etagOf('/')
    const sub = await etagOf('/sub/')
    const reload = async (): Promise<void> => void (await site.list.reload())

    await reload()
    expect(await etagOf('/')).toBe(first) // a rebuild alone changes nothing

    await writeFile(join(root, 'new.txt'), 'new')
    await reload()
    const added = await etagOf('/')
    expect(added).not.toBe(first)
    expect(jsonNames(await get(site.app, '/?format=json'))).toEqual(['sub', 'a.txt', 'b.txt', 'new.txt'])
    expect(await etagOf('/sub/')).toBe(sub)

    await writeFile(join(root, 'a.txt'), 'aaaa')
    await reload()
    const resized = await etagOf('/')
    expect(resized).not.toBe(added)

    await utimes(join(root, 'b.txt'), new Date('2001-01-01'), new Date('2001-01-01'))
    await reload()
    const touched = await etagOf('/')
    expect(touched).not.toBe(resized)
    expect((await get(site.app, '/', { 'If-None-Match': resized })).status).toBe(200)

    await unlink(join(root, 'new.txt'))
    await reload()
    expect(await etagOf('/')).not.toBe(touched)
    expect(jsonNames(await get(site.app, '/?format=json'))).toEqual(['sub', 'a.txt', 'b.txt'])
  })

  it('a file denied later by remove() leaves the listing and changes the tag', async () => {
    const before = await etagOf('/')
    await site.list.remove('b.txt')
    expect(jsonNames(await get(site.app, '/?format=json'))).toEqual(['sub', 'a.txt'])
    expect(await etagOf('/')).not.toBe(before)
  })
})

describe('HEAD', () => {
  it.each(['/', '/?format=json', '/?sort=date&order=desc'])('HEAD %s: the GET fields, no body', async target => {
    const full = await get(site.app, target)
    const head = await get(site.app, target, {}, 'HEAD')
    expect(head.status).toBe(200)
    expect(head.body.length).toBe(0)
    expect(head.headers.get('content-length')).toBe(String(full.body.length))
    for (const name of ['etag', 'content-type', 'vary', 'content-security-policy', 'cache-control']) {
      expect(head.headers.get(name), name).toBe(full.headers.get(name))
    }
  })

  it('HEAD with a matching If-None-Match → 304', async () => {
    const tag = await etagOf('/')
    expect((await get(site.app, '/', { 'If-None-Match': tag }, 'HEAD')).status).toBe(304)
  })
})
