import { rm, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { allowlist, type AllowlistHit, type AllowlistMiddleware } from '../src/index.js'
import { decide } from './decide.js'
import { useFixtures, waitFor } from './tree.js'

const { tree, list } = useFixtures(afterEach, allowlist)

const allowed = (mw: AllowlistMiddleware): string[] => mw.report.allowed.map(f => f.urlPath)

describe('middleware decisions', () => {
  it('is a named middleware with the table controls', () => {
    const mw = list([], { root: '.' })
    expect(mw.name).toBe('allowlist')
    expect(typeof mw.add).toBe('function')
    expect(typeof mw.remove).toBe('function')
    expect(typeof mw.reload).toBe('function')
    expect(typeof mw.close).toBe('function')
    expect(mw.ready).toBeInstanceOf(Promise)
  })

  it('hit → state.allowlist + next(); miss → 403 without body; bad path → 400 reject:<reason>', async () => {
    const t = await tree({ 'a.txt': 'a', 'secret.txt': 's' })
    const mw = list(['a.txt'], { root: t.root })
    await mw.ready
    const hit = await decide(mw, '/a.txt')
    expect(hit).toMatchObject({ nextCalled: true, statusSet: false, reason: undefined })
    expect(hit.hit).toEqual({ urlPath: '/a.txt', file: join(t.root, 'a.txt'), root: t.root, size: 1, mtimeMs: expect.any(Number), kind: 'file' })
    for (const p of ['/secret.txt', '/missing.txt', '/a.txt/', '/x/a.txt', '/a.tx', '/A.txt']) {
      expect(await decide(mw, p)).toMatchObject({ status: 403, statusSet: true, reason: 'deny:not-allowlisted', body: null, nextCalled: false, hit: undefined })
    }
    expect(await decide(mw, '/%2e%2e/a.txt')).toMatchObject({ status: 400, reason: 'reject:dot-segment', body: null, nextCalled: false })
    expect(await decide(mw, '//a.txt')).toMatchObject({ status: 400, reason: 'reject:empty-segment', nextCalled: false })
    expect(await decide(mw, '/a%2ftxt')).toMatchObject({ status: 400, reason: 'reject:encoded-separator' })
    // The only path that reaches a middleware without a leading / is the authority-form's empty one.
    expect(await decide(mw, 'example.test:443', undefined, 'CONNECT')).toMatchObject({ status: 400, reason: 'reject:not-absolute' })
  })

  it('the percent-encoded spelling of a listed name matches (one canonical form)', async () => {
    const t = await tree({ 'a b.txt': 'x', 'café.txt': 'y' })
    const mw = list(['a b.txt', 'café.txt'], { root: t.root })
    await mw.ready
    expect((await decide(mw, '/a%20b.txt')).nextCalled).toBe(true)
    expect((await decide(mw, '/caf%C3%A9.txt')).nextCalled).toBe(true)
    expect((await decide(mw, '/caf%c3%a9.txt')).nextCalled).toBe(true)
    // NFD spelling is a different string: not listed.
    expect(await decide(mw, '/cafe%CC%81.txt')).toMatchObject({ status: 403 })
  })

  it('a request that arrives before the table is built waits for it', async () => {
    const t = await tree({ 'a.txt': 'a' })
    const mw = list(['a.txt'], { root: t.root })
    const [hit, miss] = await Promise.all([decide(mw, '/a.txt'), decide(mw, '/b.txt')])
    expect(hit.nextCalled).toBe(true)
    expect(miss).toMatchObject({ status: 403, nextCalled: false })
  })

  it('a hit allocates nothing: the same frozen hit object every time', async () => {
    const t = await tree({ 'a.txt': 'a' })
    const mw = list(['a.txt'], { root: t.root })
    await mw.ready
    const a = (await decide(mw, '/a.txt')).hit
    const b = (await decide(mw, '/a.txt')).hit
    expect(a).toBe(b)
    expect(Object.isFrozen(a)).toBe(true)
    // Mutating the report (plain data) cannot change what is served.
    mw.report.allowed.length = 0
    ;(mw.report.allowed as unknown[]).push({ urlPath: '/b.txt' })
    expect(await decide(mw, '/b.txt')).toMatchObject({ status: 403 })
    expect(() => {
      ;(a as { urlPath: string }).urlPath = '/x'
    }).toThrow(TypeError)
  })
})

describe('run-time changes', () => {
  it('add() lists more entries and swaps the table', async () => {
    const t = await tree({ 'a.txt': 'a', 'b.txt': 'b', 'css/x.css': 'x' })
    const mw = list(['a.txt'], { root: t.root })
    await mw.ready
    expect(await decide(mw, '/b.txt')).toMatchObject({ status: 403 })
    const r = await mw.add(['b.txt', 'css/*.css'])
    expect(r.allowed.map(f => f.urlPath)).toEqual(['/a.txt', '/b.txt', '/css/x.css'])
    expect(mw.report).toBe(r)
    expect((await decide(mw, '/b.txt')).nextCalled).toBe(true)
    expect((await decide(mw, '/css/x.css')).nextCalled).toBe(true)
    const r2 = await mw.add('nope.txt')
    expect(r2.unmatched).toEqual(['nope.txt'])
  })

  it('remove() drops entries and excludes files a glob still matches, until a later add()', async () => {
    const t = await tree({ 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c' })
    const mw = list(['*.txt', 'a.txt'], { root: t.root })
    await mw.ready
    expect(allowed(mw)).toEqual(['/a.txt', '/b.txt', '/c.txt'])
    await mw.remove('a.txt')
    expect(allowed(mw)).toEqual(['/b.txt', '/c.txt'])
    expect(await decide(mw, '/a.txt')).toMatchObject({ status: 403 })
    await mw.remove(['/b.txt'])
    expect(allowed(mw)).toEqual(['/c.txt'])
    await mw.add('./a.txt')
    expect(allowed(mw)).toEqual(['/a.txt', '/c.txt'])
    await mw.remove('*.txt')
    expect(allowed(mw)).toEqual([])
    await mw.add('*.txt')
    expect(allowed(mw)).toEqual(['/a.txt', '/b.txt', '/c.txt'])
    await expect(mw.add(3 as unknown as string)).rejects.toThrow(TypeError)
    await expect(mw.remove([null as unknown as string])).rejects.toThrow(TypeError)
  })

  it('remove() of an index file also removes / and /dir/', async () => {
    const t = await tree({ 'index.html': 'i', 'docs/index.html': 'd' })
    const mw = list(['**/*.html'], { root: t.root })
    await mw.ready
    expect((await decide(mw, '/docs/')).nextCalled).toBe(true)
    await mw.remove('docs/index.html')
    expect(await decide(mw, '/docs/')).toMatchObject({ status: 403 })
    expect(await decide(mw, '/docs')).toMatchObject({ status: 403 })
    expect((await decide(mw, '/')).nextCalled).toBe(true)
  })

  it('reload() picks up new and deleted files', async () => {
    const t = await tree({ 'a.txt': 'a', 'b.txt': 'b' })
    const mw = list(['*.txt', 'later.txt'], { root: t.root })
    await mw.ready
    expect(mw.report.unmatched).toEqual(['later.txt'])
    await t.file('later.txt', 'new')
    await t.file('c.txt', 'c')
    await unlink(join(t.root, 'b.txt'))
    const r = await mw.reload()
    expect(r.allowed.map(f => f.urlPath)).toEqual(['/a.txt', '/c.txt', '/later.txt'])
    expect(r.unmatched).toEqual([])
  })

  it('swaps atomically: a request in flight keeps its answer, requests during a build see the old table', async () => {
    const t = await tree({ 'a.txt': 'a', 'b.txt': 'b' })
    const mw = list(['a.txt', 'b.txt'], { root: t.root })
    await mw.ready
    let release!: () => void
    const gate = new Promise<void>(resolve => (release = resolve))
    let seenInside: AllowlistHit | undefined
    // A request that passed the allowlist and is still being answered downstream.
    const inFlight = decide(mw, '/a.txt', async ctx => {
      await gate
      seenInside = ctx.state.allowlist as AllowlistHit
    })
    // Start a rebuild without awaiting it; the live table must not change before the swap.
    const removing = mw.remove('a.txt')
    const during = await decide(mw, '/a.txt')
    expect(during.nextCalled).toBe(true) // the old table is still live
    await removing
    expect(await decide(mw, '/a.txt')).toMatchObject({ status: 403 })
    expect(await decide(mw, '/b.txt')).toMatchObject({ nextCalled: true })
    release()
    const done = await inFlight
    expect(done.nextCalled).toBe(true)
    expect(done.statusSet).toBe(false)
    expect(seenInside).toMatchObject({ urlPath: '/a.txt', kind: 'file' })
  })

  it('serializes concurrent changes in call order', async () => {
    const t = await tree({ 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c' })
    const mw = list([], { root: t.root })
    const results = await Promise.all([mw.add('a.txt'), mw.add('b.txt'), mw.remove('a.txt'), mw.add('c.txt'), mw.reload()])
    expect(results.map(r => r.allowed.map(f => f.urlPath))).toEqual([
      ['/a.txt'],
      ['/a.txt', '/b.txt'],
      ['/b.txt'],
      ['/b.txt', '/c.txt'],
      ['/b.txt', '/c.txt'],
    ])
  })

  it('keeps the previous table when a reload fails', async () => {
    const t = await tree({ 'a.txt': 'a' })
    const mw = list(['a.txt'], { root: t.root })
    await mw.ready
    await rm(t.root, { recursive: true })
    await expect(mw.reload()).rejects.toThrow()
    expect((await decide(mw, '/a.txt')).nextCalled).toBe(true)
  })
})

describe('watch', () => {
  const fsEventHandles = (): number => process.getActiveResourcesInfo().filter(r => r === 'FSEventWrap').length

  it('picks up a new file matching a glob, a deleted file and a change, within 3 s', async () => {
    const t = await tree({ 'a.css': 'a', 'sub/b.css': 'b', 'keep.txt': 'k' })
    const mw = list(['**/*.css', 'keep.txt', 'sub/later.txt'], { root: t.root, watch: true })
    await mw.ready
    expect(allowed(mw)).toEqual(['/a.css', '/keep.txt', '/sub/b.css'])

    await t.file('sub/new.css', 'n')
    expect(await waitFor(() => allowed(mw).includes('/sub/new.css'))).toBe(true)
    expect((await decide(mw, '/sub/new.css')).nextCalled).toBe(true)

    await unlink(join(t.root, 'a.css'))
    expect(await waitFor(() => !allowed(mw).includes('/a.css'))).toBe(true)
    expect(await decide(mw, '/a.css')).toMatchObject({ status: 403 })

    // A directory created after start-up is watched too.
    await t.file('fresh/dir/x.css', 'x')
    expect(await waitFor(() => allowed(mw).includes('/fresh/dir/x.css'))).toBe(true)
    await t.file('fresh/dir/y.css', 'y')
    expect(await waitFor(() => allowed(mw).includes('/fresh/dir/y.css'))).toBe(true)

    // An exact entry that appears later.
    await t.file('sub/later.txt', 'l')
    expect(await waitFor(() => allowed(mw).includes('/sub/later.txt'))).toBe(true)

    // A size change is reflected in the report.
    await writeFile(join(t.root, 'keep.txt'), 'longer content')
    expect(await waitFor(() => mw.report.allowed.find(f => f.urlPath === '/keep.txt')?.size === 14)).toBe(true)
  })

  it('watchers do not keep the process alive, and close() stops watching', async () => {
    const before = fsEventHandles()
    const t = await tree({ 'a.css': 'a', 'sub/b.css': 'b' })
    const mw = list(['**/*.css'], { root: t.root, watch: true })
    await mw.ready
    expect(fsEventHandles()).toBe(before) // unref'd: not counted as keeping the loop alive
    mw.close()
    mw.close() // idempotent
    await t.file('c.css', 'c')
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(allowed(mw)).toEqual(['/a.css', '/sub/b.css'])
    // Explicit reloads still work after close().
    expect((await mw.reload()).allowed.map(f => f.urlPath)).toEqual(['/a.css', '/c.css', '/sub/b.css'])
  })

  it('ignores churn in dot directories', async () => {
    const t = await tree({ 'a.css': 'a' })
    const mw = list(['*.css'], { root: t.root, watch: true })
    const first = await mw.ready
    await t.file('.swap.css.swp', 'x')
    await new Promise(resolve => setTimeout(resolve, 250))
    expect(mw.report).toBe(first) // no rebuild happened
  })
})
