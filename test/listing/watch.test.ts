// Live with the allowlist's `watch: true`: a file added or removed on disk appears in or leaves the
// listing once the allowlist has rebuilt its table (the listing never reads the disk itself).
import { rm, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeTree } from '../helpers/file-tree.js'
import { get, jsonNames, listingApp, type ListingApp } from './helpers.js'

let base: string
let site: ListingApp

beforeEach(async () => {
  base = await writeTree('tinyhttp-listing-watch-', { 'pub/docs/a.txt': 'a' })
  site = await listingApp(join(base, 'pub'), ['**/*'], { allow: { watch: true } })
})

afterEach(async () => {
  site.list.close()
  await site.app.close(200)
  await rm(base, { recursive: true, force: true })
})

/** Polls the listing (every 50 ms, at most 5 s) until its names equal `want`. */
async function until(target: string, want: string[]): Promise<string[]> {
  let names: string[] = []
  for (let i = 0; i < 100; i++) {
    const res = await get(site.app, target)
    names = res.status === 200 ? jsonNames(res) : []
    if (JSON.stringify(names) === JSON.stringify(want)) return names
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  return names
}

describe('--watch', () => {
  it('a new file appears, a deleted one leaves, a new index.html turns the listing into the page', async () => {
    const docs = join(base, 'pub', 'docs')
    expect(await until('/docs/?format=json', ['a.txt'])).toEqual(['a.txt'])
    await writeFile(join(docs, 'b.txt'), 'b')
    expect(await until('/docs/?format=json', ['a.txt', 'b.txt'])).toEqual(['a.txt', 'b.txt'])
    await unlink(join(docs, 'a.txt'))
    expect(await until('/docs/?format=json', ['b.txt'])).toEqual(['b.txt'])
    await writeFile(join(docs, 'index.html'), '<h1>now an index</h1>')
    let body = ''
    for (let i = 0; i < 100 && body !== '<h1>now an index</h1>'; i++) {
      body = (await get(site.app, '/docs/')).body.toString()
      if (body !== '<h1>now an index</h1>') await new Promise(resolve => setTimeout(resolve, 50))
    }
    expect(body).toBe('<h1>now an index</h1>')
  })
})
