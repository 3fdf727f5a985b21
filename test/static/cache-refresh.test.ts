/**
 * The in-memory cache follows the file system: changed, rewritten-in-place, grown, deleted files and
 * appearing variants are picked up within a few seconds; big files never go out with stale headers.
 */
import { renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, makeRoot, poll, sleep, start } from './fixture.js'
import { header, send } from './raw-http.js'

/** serveStatic's default `memoryCacheMaxFileSize`: bigger files stream from disk. */
const MEMORY_LIMIT = 1024 * 1024

afterEach(cleanup)

describe('cache refresh', () => {
  it('serves the new bytes and ETag after the file changes (poll ≤ 3 s)', async () => {
    const root = makeRoot({ 'a.txt': 'version one' })
    const { port } = await start(root)
    const first = await send(port, 'GET', '/a.txt')
    expect(first.body.toString()).toBe('version one')
    writeFileSync(path.join(root, 'a.txt'), 'version two, longer')
    const changed = await poll(async () => (await send(port, 'GET', '/a.txt')).body.toString() === 'version two, longer')
    expect(changed).toBe(true)
    const after = await send(port, 'GET', '/a.txt')
    expect(header(after, 'etag')).not.toBe(header(first, 'etag'))
    expect(header(after, 'content-length')).toBe('19')
    // The old ETag no longer revalidates.
    expect((await send(port, 'GET', '/a.txt', { 'If-None-Match': header(first, 'etag') as string })).status).toBe(200)
  })

  it('C15: same size, same mtime rewrite is still detected (content hash, racy re-read)', async () => {
    const root = makeRoot({ 'a.txt': 'AAAAAAAAAA' })
    const file = path.join(root, 'a.txt')
    const { port } = await start(root)
    const first = await send(port, 'GET', '/a.txt')
    const { atime, mtime } = statSync(file)
    writeFileSync(file, 'BBBBBBBBBB')
    utimesSync(file, atime, mtime) // same size, same mtime
    const changed = await poll(async () => (await send(port, 'GET', '/a.txt')).body.toString() === 'BBBBBBBBBB')
    expect(changed).toBe(true)
    const after = await send(port, 'GET', '/a.txt')
    expect(header(after, 'etag')).not.toBe(header(first, 'etag'))
    expect((await send(port, 'GET', '/a.txt', { 'If-None-Match': header(first, 'etag') as string })).status).toBe(200)
  })

  it('a deleted file falls through again', async () => {
    const root = makeRoot({ 'a.txt': 'here' })
    const { port } = await start(root)
    expect((await send(port, 'GET', '/a.txt')).status).toBe(200)
    rmSync(path.join(root, 'a.txt'))
    expect(await poll(async () => (await send(port, 'GET', '/a.txt')).status === 404)).toBe(true)
  })

  it('a small file that grows past the limit is then streamed, byte-exact', async () => {
    const root = makeRoot({ 'a.bin': Buffer.alloc(10, 1) })
    const { port } = await start(root)
    await send(port, 'GET', '/a.bin')
    const big = Buffer.alloc(MEMORY_LIMIT + 200 * 1024, 2)
    writeFileSync(path.join(root, 'a.bin'), big)
    expect(await poll(async () => (await send(port, 'GET', '/a.bin')).body.equals(big))).toBe(true)
    expect(header(await send(port, 'GET', '/a.bin'), 'etag')?.startsWith(`"${big.length.toString(16)}-`)).toBe(true)
  })

  it('a variant that appears later is offered (and Vary appears)', async () => {
    const root = makeRoot({ 'app.js': 'let x = 1\n' })
    const { port } = await start(root, { precompressed: true })
    const before = await send(port, 'GET', '/app.js', { 'Accept-Encoding': 'gzip' })
    expect(header(before, 'vary')).toBeUndefined()
    writeFileSync(path.join(root, 'app.js.gz'), gzipSync('let x = 1\n'))
    expect(await poll(async () => header(await send(port, 'GET', '/app.js', { 'Accept-Encoding': 'gzip' }), 'content-encoding') === 'gzip')).toBe(true)
    expect(header(await send(port, 'GET', '/app.js'), 'vary')).toBe('Accept-Encoding')
  })

  it('a big file replaced on disk is never sent with the old headers (fstat check → fresh answer)', async () => {
    const one = Buffer.alloc(MEMORY_LIMIT + 100 * 1024, 0x61)
    const two = Buffer.alloc(MEMORY_LIMIT + 120 * 1024, 0x62)
    const root = makeRoot({ 'big.bin': one })
    const { port } = await start(root)
    const first = await send(port, 'GET', '/big.bin')
    expect(first.body.equals(one)).toBe(true)
    await sleep(20)
    writeFileSync(path.join(root, 'big.bin'), two)
    // Immediately, well inside the one-second revalidation window: the cached metadata is stale, the
    // descriptor check notices and the request is answered from a fresh look-up.
    const second = await send(port, 'GET', '/big.bin')
    expect(second.status).toBe(200)
    expect(second.body.equals(two)).toBe(true)
    expect(header(second, 'content-length')).toBe(String(two.length))
    expect(header(second, 'etag')).not.toBe(header(first, 'etag'))
  })
})

/** A moment well in the past: the file's metadata is trusted (not "racy"), so only the stat can see a change. */
const AN_HOUR_AGO = new Date(Date.now() - 3600_000)

/** Writes `content` with an mtime an hour ago (a file edited long before the server read it). */
function writeOld(file: string, content: string): void {
  writeFileSync(file, content)
  utimesSync(file, AN_HOUR_AGO, AN_HOUR_AGO)
}

describe('the first request more than 1 s after a change sees it (issue 10)', () => {
  it('same-size rewrite: the very next GET after 1.1 s gets the new bytes and the new ETag', async () => {
    const root = makeRoot({})
    const file = path.join(root, 'style.css')
    writeOld(file, 'body { color: red }')
    const { port } = await start(root)
    const v1 = await send(port, 'GET', '/style.css')
    expect(v1.body.toString()).toBe('body { color: red }')
    expect(header(await send(port, 'GET', '/style.css'), 'etag')).toBe(header(v1, 'etag')) // served from memory
    writeFileSync(file, 'body { color: tan }') // same size, different bytes, mtime now
    await sleep(1100)
    const v2 = await send(port, 'GET', '/style.css')
    expect(v2.status).toBe(200)
    expect(v2.body.toString()).toBe('body { color: tan }')
    expect(header(v2, 'etag')).not.toBe(header(v1, 'etag'))
    expect(header(v2, 'content-length')).toBe('19')
    // The new ETag revalidates; the old one no longer does.
    expect((await send(port, 'GET', '/style.css', { 'If-None-Match': header(v2, 'etag') as string })).status).toBe(304)
    const old = await send(port, 'GET', '/style.css', { 'If-None-Match': header(v1, 'etag') as string })
    expect(old.status).toBe(200)
    expect(old.body.toString()).toBe('body { color: tan }')
  })

  it('If-None-Match with the old ETag as the first request after the change: 200 with the new bytes', async () => {
    const root = makeRoot({})
    const file = path.join(root, 'app.js')
    writeOld(file, 'let v = 1')
    const { port } = await start(root)
    const v1 = await send(port, 'GET', '/app.js')
    expect((await send(port, 'GET', '/app.js', { 'If-None-Match': header(v1, 'etag') as string })).status).toBe(304)
    writeFileSync(file, 'let v = 2')
    await sleep(1100)
    const res = await send(port, 'GET', '/app.js', { 'If-None-Match': header(v1, 'etag') as string })
    expect(res.status).toBe(200)
    expect(res.body.toString()).toBe('let v = 2')
    expect(header(res, 'etag')).not.toBe(header(v1, 'etag'))
  })

  it('a file just written (racy metadata) is re-read: the next GET after 1.1 s has the new bytes', async () => {
    const root = makeRoot({ 'a.txt': 'AAAA' })
    const { port } = await start(root)
    expect((await send(port, 'GET', '/a.txt')).body.toString()).toBe('AAAA')
    writeFileSync(path.join(root, 'a.txt'), 'BBBB')
    await sleep(1100)
    expect((await send(port, 'GET', '/a.txt')).body.toString()).toBe('BBBB')
  })

  it('a deleted file: the very next GET after 1.1 s falls through (404 here), not served from memory', async () => {
    const root = makeRoot({})
    const file = path.join(root, 'gone.txt')
    writeOld(file, 'here')
    const { port } = await start(root)
    expect((await send(port, 'GET', '/gone.txt')).status).toBe(200)
    rmSync(file)
    await sleep(1100)
    const res = await send(port, 'GET', '/gone.txt')
    expect(res.status).toBe(404)
    expect(res.body.toString()).not.toContain('here')
  })

  it('50 simultaneous requests for the stale entry all get the new bytes', async () => {
    const root = makeRoot({})
    const file = path.join(root, 'hot.css')
    writeOld(file, 'a { x: 1 }')
    const { port } = await start(root)
    const v1 = await send(port, 'GET', '/hot.css')
    writeFileSync(file, 'a { x: 2 }')
    await sleep(1100)
    const all = await Promise.all(Array.from({ length: 50 }, () => send(port, 'GET', '/hot.css')))
    for (const res of all) {
      expect(res.status).toBe(200)
      expect(res.body.toString()).toBe('a { x: 2 }')
      expect(header(res, 'etag')).not.toBe(header(v1, 'etag'))
    }
  })
})

describe('a root that is a symlink switched by a deploy', () => {
  it('follows the new target (current -> releases/v2)', async () => {
    const v1 = makeRoot({ 'app.js': 'v1', 'only-v1.txt': 'old' })
    const v2 = makeRoot({ 'app.js': 'v2 build', 'only-v2.txt': 'new' })
    const current = path.join(path.dirname(v1), 'current')
    symlinkSync(v1, current)
    const { port } = await start(current)
    expect((await send(port, 'GET', '/app.js')).body.toString()).toBe('v1')
    const next = path.join(path.dirname(v1), 'current.next')
    symlinkSync(v2, next)
    renameSync(next, current) // atomic switch
    expect(await poll(async () => (await send(port, 'GET', '/only-v2.txt')).body.toString() === 'new')).toBe(true)
    expect(await poll(async () => (await send(port, 'GET', '/app.js')).body.toString() === 'v2 build')).toBe(true)
    expect((await send(port, 'GET', '/only-v1.txt')).status).toBe(404)
  })
})
