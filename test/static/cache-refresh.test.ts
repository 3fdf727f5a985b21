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
