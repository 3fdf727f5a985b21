import { mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { loadEntry, type CacheEntry, type CacheEntryConfig } from '../src/cache-entry.js'
import { createContentTypeLookup } from '../src/content-type.js'
import { VariantJobs } from '../src/variant-jobs.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const TEXT = Array.from({ length: 300 }, (_, i) => `line ${i}: ${(i * 7919) % 997}`).join('\n')

const config: CacheEntryConfig = {
  cacheControl: 'no-cache',
  etag: true,
  lastModified: true,
  acceptRanges: true,
  codings: [],
  compress: { codings: ['br', 'gzip'], minSize: 1024 },
  followSymlinks: false,
  contentTypeOf: createContentTypeLookup({}),
  inMemoryLimit: 1 << 20,
}

async function entryFor(name: string, content: string): Promise<CacheEntry> {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'tinyhttp-jobs-')))
  dirs.push(root)
  const file = path.join(root, name)
  writeFileSync(file, content)
  return loadEntry(`/${name}`, [name], false, file, file, statSync(file), root, config)
}

function jobsFor(current: Set<CacheEntry>, charged: number[] = []): VariantJobs {
  return new VariantJobs({ headers: config, charge: (e, n) => (current.has(e) ? (charged.push(n), true) : false), isCurrent: e => current.has(e) })
}

describe('VariantJobs', () => {
  it('starts the jobs of an entry once, however often asked; the variants decode to the file and are charged', async () => {
    const entry = await entryFor('a.txt', TEXT)
    const charged: number[] = []
    const jobs = jobsFor(new Set([entry]), charged)
    for (let i = 0; i < 10; i++) jobs.start(entry)
    expect([...(entry.made?.jobs.keys() ?? [])].sort()).toEqual(['br', 'gzip'])
    await jobs.idle()
    const made = entry.made!
    expect(made.ready).toEqual(['br', 'gzip'])
    expect(zlib.brotliDecompressSync(made.reps.get('br')!.body!).toString()).toBe(TEXT)
    expect(zlib.gunzipSync(made.reps.get('gzip')!.body!).toString()).toBe(TEXT)
    expect(charged).toHaveLength(2)
    expect(made.bytes).toBe(charged[0]! + charged[1]!)
  })

  it('an entry that is no longer current gets nothing (its jobs settle, the offer shrinks)', async () => {
    const entry = await entryFor('b.txt', TEXT)
    const jobs = jobsFor(new Set())
    jobs.start(entry)
    await jobs.idle()
    await Promise.all(entry.made!.jobs.values())
    expect(entry.made!.ready).toEqual([])
    expect(entry.made!.offered).toEqual([])
  })

  it('close() settles the queued jobs and releases idle()', async () => {
    const entries = await Promise.all(['c.txt', 'd.txt', 'e.txt'].map(n => entryFor(n, TEXT)))
    const jobs = new VariantJobs({ headers: config, charge: () => true, isCurrent: () => true, concurrency: 1 })
    for (const e of entries) jobs.start(e)
    const idle = jobs.idle()
    jobs.close()
    await idle
    await Promise.all(entries.flatMap(e => [...e.made!.jobs.values()]))
    // The last entry's jobs were still queued at close(): nothing was made for it.
    expect(entries[2]!.made!.ready).toEqual([])
  })
})
