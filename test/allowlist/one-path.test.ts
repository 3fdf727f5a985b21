// One path, one file (issue 10 §1, docs/PLUGIN-CONTRACT.md): when the allowlist and static share a
// root, static serves the file the allowlist resolved instead of resolving the path again. Shown on the
// wire by the cases where the two resolutions differ (a symlink policy, a symlink the table resolved at
// start), next to the same requests answered byte for byte as static alone answers them.
import { mkdir, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest'
import { allowlist, type AllowlistHit, type AllowlistMiddleware, type AllowlistOptions } from 'tinyhttp-allowlist'
import { createApp, type App, type Middleware } from 'tinyhttp-core'
import { fallback } from 'tinyhttp-fallback'
import { serveStatic, type AllowlistHitShape, type ServeStaticOptions } from 'tinyhttp-static'
import { writeTree } from '../helpers/file-tree.js'
import { rawRequest, type RawResponse } from '../helpers/raw-client.js'

const FILES: Record<string, string> = {
  'www/index.html': '<h1>home</h1>',
  'www/a.txt': 'aaa',
  'www/docs/index.html': '<h1>docs</h1>',
  'www/v1.css': 'a { v: 1 }',
  'www/v2.css': 'a { v: 2 }',
  'outside/shared.txt': 'SHARED OUTSIDE',
  'outside/secret.txt': 'SECRET OUTSIDE',
  'other/a.txt': 'other root',
}

let base: string
let root: string
let apps: App[] = []
let closers: Array<{ close(): void }> = []

beforeEach(async () => {
  base = await writeTree('tinyhttp-one-path-', FILES)
  root = join(base, 'www')
  await symlink('../outside/shared.txt', join(root, 'shared.txt'))
  await symlink('v1.css', join(root, 'current.css'))
  await symlink('../outside/shared.txt', join(base, 'other', 'shared.txt'))
  await symlink('www', join(base, 'site')) // the same root, spelled through a symlink
})

afterEach(async () => {
  for (const c of closers) c.close()
  closers = []
  await Promise.all(apps.map(a => a.close(200)))
  apps = []
  await rm(base, { recursive: true, force: true })
})

async function listen(...chain: Middleware[]): Promise<number> {
  const app = createApp()
  apps.push(app)
  app.use(fallback({ status: 404 }), ...chain)
  return (await app.listen(0, '127.0.0.1')).port
}

/** `fallback(404) → allowlist → static`; the allowlist's root is `www`. */
async function withAllowlist(
  entries: string[],
  options: { allow?: Partial<AllowlistOptions>; staticRoot?: string; static?: ServeStaticOptions; spy?: Middleware } = {},
): Promise<{ port: number; list: AllowlistMiddleware }> {
  const list = allowlist(entries, { root, ...options.allow })
  const files = serveStatic(options.staticRoot ?? root, options.static)
  closers.push(list, files)
  await list.ready
  return { port: await listen(list, ...(options.spy ? [options.spy] : []), files), list }
}

/** `fallback(404) → static`, the same root. */
async function staticAlone(options?: ServeStaticOptions): Promise<number> {
  const files = serveStatic(root, options)
  closers.push(files)
  return listen(files)
}

const send = (port: number, path: string, extra: string[] = [], method = 'GET'): Promise<RawResponse> =>
  rawRequest(port, [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...extra, 'Connection: close', '', ''].join('\r\n'), { head: method === 'HEAD' })
const text = async (port: number, path: string): Promise<string> => (await send(port, path)).body.toString()
const withoutDate = (res: RawResponse): string => res.rawHead.replace(/\r\nDate: [^\r]*/i, '') + '\r\n\r\n' + res.body.toString('latin1')
const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))
/** Just over static's revalidation interval: the next request is the first one more than 1 s after a change. */
const PAST_INTERVAL_MS = 1100

describe('static takes the resolution the allowlist made (same root)', () => {
  it("the allowlist's symlink policy decides: a listed link out of the root is served; static alone refuses it", async () => {
    const { port } = await withAllowlist(['a.txt', 'shared.txt'], { allow: { followSymlinks: true } })
    const alone = await staticAlone()
    for (let round = 0; round < 2; round++) {
      // The second round is answered from static's memory cache.
      const shared = await send(port, '/shared.txt')
      expect(shared.status).toBe(200)
      expect(shared.body.toString()).toBe('SHARED OUTSIDE')
      expect(shared.headers.get('content-type')).toEqual(['text/plain; charset=utf-8'])
      expect((await send(alone, '/shared.txt')).status).toBe(404)
    }
    // Static resolving the path itself (its own followSymlinks: false) would have refused it: the only
    // way the bytes come out is the allowlist's resolution.
    const head = await send(port, '/shared.txt', [], 'HEAD')
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toEqual([String('SHARED OUTSIDE'.length)])
  })

  it('the same root spelled through a symlink is the same root; another root is not (static resolves itself)', async () => {
    const same = await withAllowlist(['shared.txt'], { allow: { followSymlinks: true }, staticRoot: join(base, 'site') })
    expect(await text(same.port, '/shared.txt')).toBe('SHARED OUTSIDE')

    // `other/` has the same link: the hit is for `www`, so static resolves `other/shared.txt` with its
    // own policy and refuses the link out of its root.
    const other = await withAllowlist(['shared.txt', 'a.txt'], { allow: { followSymlinks: true }, staticRoot: join(base, 'other') })
    expect((await send(other.port, '/shared.txt')).status).toBe(404)
    // …and serves its own a.txt, not the allowlist's.
    expect(await text(other.port, '/a.txt')).toBe('other root')
  })

  it('a root symlink switched by a deploy: the hits are for the old root, so static resolves in its new root', async () => {
    const releases = join(base, 'releases')
    await mkdir(join(releases, 'v1'), { recursive: true })
    await mkdir(join(releases, 'v2'), { recursive: true })
    await writeFile(join(releases, 'v1', 'app.js'), 'v1')
    await writeFile(join(releases, 'v2', 'app.js'), 'v2 build')
    // Old files (not "racy"): static's once-a-second check finds v1/app.js unchanged, so only the root
    // comparison can send it to v2.
    const past = new Date(Date.UTC(2024, 0, 1))
    for (const release of ['v1', 'v2']) await utimes(join(releases, release, 'app.js'), past, past)
    const current = join(base, 'current')
    await symlink(join(releases, 'v1'), current)
    const list = allowlist(['app.js'], { root: current })
    const files = serveStatic(current)
    closers.push(list, files)
    await list.ready
    const port = await listen(list, files)
    expect(await text(port, '/app.js')).toBe('v1')

    await symlink(join(releases, 'v2'), join(base, 'current.next'))
    await rename(join(base, 'current.next'), current) // atomic switch; the allowlist's table still says v1
    let body = ''
    for (let i = 0; i < 60 && body !== 'v2 build'; i++) {
      await sleep(50)
      body = await text(port, '/app.js')
    }
    expect(body).toBe('v2 build')
  })

  it('a symlink the table resolved at start: the admitted file is served until the allowlist resolves again', async () => {
    const { port, list } = await withAllowlist(['current.css'])
    const alone = await staticAlone()
    expect(await text(port, '/current.css')).toBe('a { v: 1 }')
    expect(await text(alone, '/current.css')).toBe('a { v: 1 }')

    // Retarget the link atomically (v2.css is not listed by name: the allowlist admitted current.css).
    await symlink('v2.css', join(root, 'current.css.next'))
    await rename(join(root, 'current.css.next'), join(root, 'current.css'))
    await sleep(PAST_INTERVAL_MS)
    // Static alone follows the link again; with the allowlist it serves the file the allowlist checked.
    expect(await text(alone, '/current.css')).toBe('a { v: 2 }')
    const admitted = await send(port, '/current.css')
    expect(admitted.status).toBe(200)
    expect(admitted.body.toString()).toBe('a { v: 1 }')

    // A new table resolves the link again, and static follows the new hit at once.
    await list.reload()
    expect(await text(port, '/current.css')).toBe('a { v: 2 }')
  })

  it('a hit carries the fields static reads (the type test below is checked by tsc)', async () => {
    let seen: unknown
    const spy: Middleware = function spy(ctx, next) {
      seen = ctx.state.allowlist
      return next()
    }
    const { port } = await withAllowlist(['a.txt'], { spy })
    expect(await text(port, '/a.txt')).toBe('aaa')
    expect(Object.keys(seen as object).sort()).toEqual(['file', 'kind', 'mtimeMs', 'root', 'size', 'urlPath'])
    expect(seen).toMatchObject({ urlPath: '/a.txt', file: join(root, 'a.txt'), root, kind: 'file' })
    // Static's structural copy and the allowlist's type stay the same shape.
    expectTypeOf<AllowlistHitShape>().toEqualTypeOf<AllowlistHit>()
  })
})

describe('the resolution taken from the allowlist stays true to the disk', () => {
  it('the first request more than 1 s after a change sees it: in-place rewrite, replace by rename, through the link', async () => {
    const { port } = await withAllowlist(['a.txt', 'shared.txt'], { allow: { followSymlinks: true } })
    const first = await send(port, '/a.txt')
    expect(first.body.toString()).toBe('aaa')
    expect(await text(port, '/shared.txt')).toBe('SHARED OUTSIDE')

    await writeFile(join(root, 'a.txt'), 'bbb') // same size, same inode
    await sleep(PAST_INTERVAL_MS)
    const rewritten = await send(port, '/a.txt')
    expect(rewritten.body.toString()).toBe('bbb')
    expect(rewritten.headers.get('etag')).not.toEqual(first.headers.get('etag'))

    await writeFile(join(root, 'a.txt.tmp'), 'a new inode')
    await rename(join(root, 'a.txt.tmp'), join(root, 'a.txt'))
    await writeFile(join(base, 'outside', 'shared.txt'), 'SHARED, EDITED')
    await sleep(PAST_INTERVAL_MS)
    expect(await text(port, '/a.txt')).toBe('a new inode')
    expect(await text(port, '/shared.txt')).toBe('SHARED, EDITED')
  })

  it('deleted, or swapped for a symlink out of the root after the table was built: never served', async () => {
    const { port } = await withAllowlist(['a.txt', 'index.html'])
    expect(await text(port, '/a.txt')).toBe('aaa')
    expect(await text(port, '/index.html')).toBe('<h1>home</h1>')

    await rm(join(root, 'a.txt'))
    await rm(join(root, 'index.html'))
    await symlink('../outside/secret.txt', join(root, 'index.html'))
    await sleep(PAST_INTERVAL_MS)
    for (const path of ['/a.txt', '/index.html', '/']) {
      for (const method of ['GET', 'HEAD']) {
        const res = await send(port, path, [], method)
        expect(res.status, `${method} ${path}`).toBe(404)
        expect(res.body.toString(), `${method} ${path}`).not.toContain('SECRET')
      }
    }
  })
})

describe('everything else is answered exactly as static alone answers it', () => {
  it('files, /, /dir/ and /dir (index hits are not taken), HEAD, 304, Range, 405: the same bytes', async () => {
    const { port } = await withAllowlist(['a.txt', 'index.html', 'docs/index.html'])
    const alone = await staticAlone()
    const etag = (await send(alone, '/a.txt')).headers.get('etag')![0]!
    const cases: Array<[string, string[], string]> = [
      ['/a.txt', [], 'GET'],
      ['/a.txt', [], 'HEAD'],
      ['/a.txt', [`If-None-Match: ${etag}`], 'GET'],
      ['/a.txt', ['Range: bytes=1-'], 'GET'],
      ['/a.txt', [], 'DELETE'],
      ['/', [], 'GET'],
      ['/index.html', [], 'GET'],
      ['/docs/', [], 'GET'],
      ['/docs', [], 'GET'],
      ['/docs?x=1', [], 'GET'],
    ]
    for (let round = 0; round < 2; round++) {
      for (const [path, extra, method] of cases) {
        const label = `${method} ${path} ${extra.join(' ')} (round ${round})`
        const ours = await send(port, path, extra, method)
        expect(ours.status, label).toBeLessThan(500)
        expect(withoutDate(ours), label).toBe(withoutDate(await send(alone, path, extra, method)))
      }
    }
  })
})
