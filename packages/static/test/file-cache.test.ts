import type { Stats } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { CacheEntry } from '../src/cache-entry.js'
import { FileCache } from '../src/file-cache.js'
import type { Representation } from '../src/representation.js'
import { newMadeVariants, settleMade } from '../src/runtime-variants.js'

function entry(key: string, cost: number, checkedAt = Date.now()): CacheEntry {
  return {
    key,
    segments: [key.slice(1)],
    trailingSlash: false,
    dot: false,
    file: `/srv${key}`,
    admitted: undefined,
    identity: { stats: {} as Stats } as CacheEntry['identity'],
    variants: [],
    codings: [],
    made: null,
    rewritten: false,
    onDisk: false,
    cost,
    racy: false,
    checkedAt,
    checking: false,
    referenced: true,
  }
}

const never = async (): Promise<'fresh'> => 'fresh'
const tick = (): Promise<void> => new Promise(resolve => setTimeout(resolve, 0))

/**
 * A cache whose revalidation of `/a` waits until the test releases it with the outcome, holding `old`
 * (a due entry), and counting the checks started.
 */
function gatedCache(options: { intervalMs?: number } = {}) {
  const gate = { calls: 0, release: (_value: CacheEntry | 'fresh' | null): void => {} }
  const cache = new FileCache({
    maxBytes: 1000,
    ...options,
    revalidate: () => {
      gate.calls++
      return new Promise(resolve => (gate.release = resolve))
    },
  })
  const old = entry('/a', 100, 0)
  cache.set(old)
  return { cache, gate, old, replacement: entry('/a', 50) }
}

/** An entry with run-time variants whose `br` variant of `bytes` bytes is made and charged. */
function withMadeBr(cache: FileCache, e: CacheEntry, bytes: number): boolean {
  const made = (e as { made: CacheEntry['made'] }).made ?? newMadeVariants(['br'], new Map())
  ;(e as { made: CacheEntry['made'] }).made = made
  settleMade(made, 'br', { made: true, size: bytes } as Representation)
  made.bytes += bytes
  return cache.charge(e, bytes)
}

describe('FileCache with run-time variants', () => {
  it('made variants count in the budget and are shed (oldest charge first) before any identity entry is evicted', () => {
    const cache = new FileCache({ maxBytes: 1000, revalidate: never })
    const a = entry('/a', 300)
    const b = entry('/b', 300)
    cache.set(a)
    cache.set(b)
    expect(withMadeBr(cache, a, 150)).toBe(true)
    expect(withMadeBr(cache, b, 150)).toBe(true)
    expect(cache.bytes).toBe(900)
    expect(a.made?.ready).toEqual(['br'])
    // 200 more bytes of identity: over budget by 100 → a's variants go (charged first), nothing is evicted.
    cache.set(entry('/c', 200))
    expect(cache.size).toBe(3)
    expect(cache.bytes).toBe(950)
    expect(a.cost).toBe(300)
    expect(a.made?.ready).toEqual([])
    expect(a.made?.offered).toEqual([])
    expect(a.made?.shed).toBe(true)
    expect(b.made?.ready).toEqual(['br'])
    // Over again: b's variants go before any identity entry.
    cache.set(entry('/d', 150))
    expect(cache.size).toBe(4)
    expect(b.made?.ready).toEqual([])
    expect(cache.bytes).toBe(950)
    // Only then identity entries are evicted.
    cache.set(entry('/e', 100))
    expect(cache.size).toBe(4)
    expect(cache.bytes).toBeLessThanOrEqual(1000)
  })

  it('a variant alone over the budget is shed at once; a replaced or deleted entry is not charged', () => {
    const cache = new FileCache({ maxBytes: 1000, revalidate: never })
    const a = entry('/a', 600)
    cache.set(a)
    withMadeBr(cache, a, 500)
    expect(cache.size).toBe(1)
    expect(cache.bytes).toBe(600)
    expect(a.made?.shed).toBe(true)
    const old = entry('/b', 100)
    cache.set(old)
    cache.set(entry('/b', 100))
    expect(cache.charge(old, 50)).toBe(false)
    expect(cache.bytes).toBe(700)
    cache.delete('/b')
    expect(cache.bytes).toBe(600)
  })
})

describe('FileCache', () => {
  it('stores, finds, counts bytes', () => {
    const cache = new FileCache({ maxBytes: 1000, revalidate: never })
    expect(cache.set(entry('/a', 100))).toBe(true)
    expect(cache.get('/a', Date.now())?.key).toBe('/a')
    expect(cache.get('/b', Date.now())).toBeUndefined()
    expect(cache.bytes).toBe(100)
    cache.set(entry('/a', 300))
    expect(cache.bytes).toBe(300)
    expect(cache.size).toBe(1)
  })

  it('refuses an entry larger than the budget', () => {
    const cache = new FileCache({ maxBytes: 100, revalidate: never })
    expect(cache.set(entry('/big', 101))).toBe(false)
    expect(cache.size).toBe(0)
  })

  it('evicts second-chance: recently used entries survive, the bytes stay within budget', () => {
    const cache = new FileCache({ maxBytes: 300, revalidate: never })
    cache.set(entry('/a', 100))
    cache.set(entry('/b', 100))
    cache.set(entry('/c', 100))
    // First pass clears the flags (all were just inserted); then /a, /b, /c in order lose their chance.
    cache.set(entry('/d', 100))
    expect(cache.bytes).toBeLessThanOrEqual(300)
    expect(cache.size).toBe(3)
    // Now use /b and /d; inserting /e must evict an unused one (/c), not /b.
    cache.get('/b', Date.now())
    cache.get('/d', Date.now())
    const before = ['/a', '/b', '/c', '/d'].filter(k => cache.peek(k) !== undefined)
    cache.set(entry('/e', 100))
    expect(cache.peek('/b')).toBeDefined()
    expect(cache.peek('/d')).toBeDefined()
    expect(cache.peek('/e')).toBeDefined()
    expect(cache.peek('/a')).toBeUndefined()
    expect(cache.peek('/c')).toBeUndefined()
    expect(cache.size).toBe(3)
    expect(before.length).toBe(3)
  })

  it('revalidates at most once per interval, in the background, and replaces atomically', async () => {
    const { cache, gate, old, replacement } = gatedCache({ intervalMs: 1000 })
    const now = Date.now()
    expect(cache.get('/a', now)).toBe(old) // due: check starts, the hit is still served from `old`
    expect(cache.get('/a', now)).toBe(old) // in flight: no second check
    expect(gate.calls).toBe(1)
    gate.release(replacement)
    await tick()
    expect(cache.get('/a', Date.now())).toBe(replacement)
    expect(cache.bytes).toBe(50)
    expect(gate.calls).toBe(1) // the replacement was checked just now
  })

  it('drops an entry whose revalidation says null or fails', async () => {
    const cache = new FileCache({ maxBytes: 1000, revalidate: async e => (e.key === '/gone' ? null : Promise.reject(new Error('x'))) })
    cache.set(entry('/gone', 10, 0))
    cache.set(entry('/err', 10, 0))
    cache.get('/gone', Date.now())
    cache.get('/err', Date.now())
    await tick()
    expect(cache.peek('/gone')).toBeUndefined()
    expect(cache.peek('/err')).toBeUndefined()
    expect(cache.bytes).toBe(0)
  })

  it('a fresh result only updates the check time', async () => {
    let calls = 0
    const cache = new FileCache({ maxBytes: 1000, revalidate: async () => (calls++, 'fresh') })
    const e = entry('/a', 10, 0)
    cache.set(e)
    cache.get('/a', Date.now())
    await tick()
    expect(cache.peek('/a')).toBe(e)
    expect(Date.now() - e.checkedAt).toBeLessThan(1000)
    cache.get('/a', Date.now())
    expect(calls).toBe(1)
  })

  it('50 callers of a due entry share one check and all get its outcome (checked)', async () => {
    const { cache, gate, old, replacement } = gatedCache()
    const now = Date.now()
    const waits: Array<Promise<CacheEntry | undefined>> = []
    for (let i = 0; i < 50; i++) {
      const e = cache.get('/a', now) as CacheEntry
      expect(e.checking).toBe(true)
      waits.push(cache.checked(e))
    }
    expect(gate.calls).toBe(1)
    gate.release(replacement)
    const outcomes = await Promise.all(waits)
    expect(outcomes.every(o => o === replacement)).toBe(true)
    expect(old.checking).toBe(false)
    expect(replacement.checking).toBe(false)
  })

  it('checked: fresh → the same entry; null or a failure → undefined; not checking → the entry', async () => {
    const cache = new FileCache({
      maxBytes: 1000,
      revalidate: async e => (e.key === '/ok' ? 'fresh' : e.key === '/gone' ? null : Promise.reject(new Error('x'))),
    })
    const ok = entry('/ok', 10, 0)
    const gone = entry('/gone', 10, 0)
    const err = entry('/err', 10, 0)
    for (const e of [ok, gone, err]) cache.set(e)
    const now = Date.now()
    expect(await cache.checked(cache.get('/ok', now) as CacheEntry)).toBe(ok)
    expect(await cache.checked(cache.get('/gone', now) as CacheEntry)).toBeUndefined()
    expect(await cache.checked(cache.get('/err', now) as CacheEntry)).toBeUndefined()
    const recent = cache.get('/ok', Date.now()) as CacheEntry
    expect(recent.checking).toBe(false) // checked just now: no new check
    expect(await cache.checked(recent)).toBe(ok)
  })

  it('close empties and refuses new entries', () => {
    const cache = new FileCache({ maxBytes: 1000, revalidate: never })
    cache.set(entry('/a', 10))
    cache.close()
    expect(cache.size).toBe(0)
    expect(cache.set(entry('/b', 10))).toBe(false)
  })
})
