import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApp, type App } from 'tinyhttp-core'
import { allowlist, type AllowlistHit, type AllowlistMiddleware } from 'tinyhttp-allowlist'
import { writeTree } from '../helpers/file-tree.js'
import { RawClient, type RawResponse } from '../helpers/raw-client.js'
import { destroyAll, exchange, get, parse, request, withoutDate } from './raw-http.js'

/**
 * Layout (base = a fresh temp dir):
 *   base/outside.txt, base/www-secret/secret.txt, base/wwwsecret/s.txt   ← siblings of the root
 *   base/www/…                                                          ← the root
 */
const FILES: Record<string, string> = {
  'outside.txt': 'OUTSIDE BYTES',
  'www-secret/secret.txt': 'SIBLING SECRET',
  'wwwsecret/s.txt': 'SIBLING SECRET 2',
  'www/index.html': '<h1>home</h1>',
  'www/a.txt': 'aaa',
  'www/file.txt': 'file',
  'www/allowed.txt': 'allowed',
  'www/secret.txt': 'ROOT SECRET',
  'www/public/a.txt': 'public a',
  'www/private/s.txt': 'PRIVATE',
  'www/sub/x.txt': 'sub x',
  'www/docs/index.html': 'docs',
  'www/café.txt': 'cafe',
  'www/.env': 'SECRET=1',
  'www/.git/config': '[core]',
  'www/.hidden/x.txt': 'hidden',
  'www/package.json': '{}',
  'www/tinyhttp.allow': 'a.txt',
  'www/x.html': 'x',
}
const SECRETS = ['OUTSIDE BYTES', 'SIBLING SECRET', 'ROOT SECRET', 'PRIVATE', 'SECRET=1', '[core]', 'hidden']

let base: string
let root: string
let apps: App[] = []
let lists: AllowlistMiddleware[] = []

beforeEach(async () => {
  base = await writeTree('tinyhttp-allowlist-socket-', FILES)
  root = join(base, 'www')
})

afterEach(async () => {
  destroyAll()
  for (const l of lists) l.close()
  lists = []
  await Promise.all(apps.map(a => a.close(200)))
  apps = []
  await rm(base, { recursive: true, force: true })
})

/** An app with the allowlist and a terminal middleware that answers `ok:<urlPath>`. */
async function start(entries: string[], options: { index?: string | false } = {}): Promise<{ port: number; list: AllowlistMiddleware }> {
  const list = allowlist(entries, { root, ...options })
  lists.push(list)
  const app = createApp()
  apps.push(app)
  app.use(list)
  app.use(ctx => {
    ctx.res.headers.set('Content-Type', 'text/plain; charset=utf-8')
    ctx.res.body = 'ok:' + (ctx.state.allowlist as AllowlistHit).urlPath
  })
  const { port } = await app.listen(0, '127.0.0.1')
  return { port, list }
}

const DEFAULT_ENTRIES = ['index.html', 'a.txt', 'file.txt', 'allowed.txt', 'public/a.txt', 'sub/x.txt', 'docs/index.html', 'café.txt']

function expectNoLeak(raw: Buffer): void {
  const text = raw.toString('latin1')
  expect(text).not.toContain('ok:')
  for (const s of SECRETS) expect(text).not.toContain(s)
}

describe('allowlist over a real socket', () => {
  it('serves listed files and nothing else', async () => {
    const { port } = await start(DEFAULT_ENTRIES)
    const ok = await request(port, get('/a.txt'))
    expect(ok.status).toBe(200)
    expect(ok.body.toString()).toBe('ok:/a.txt')
    expect((await request(port, get('/public/a.txt'))).body.toString()).toBe('ok:/public/a.txt')
    expect((await request(port, get('/caf%C3%A9.txt'))).body.toString('utf8')).toBe('ok:/café.txt')
    // The query is never part of the decision (T12).
    expect((await request(port, get('/file.txt?x=/../../etc/passwd'))).body.toString()).toBe('ok:/file.txt')

    const denied = await request(port, get('/secret.txt'))
    expect(denied.status).toBe(403)
    expect(denied.headers.get('content-length')).toEqual(['0'])
    expect(denied.body.length).toBe(0)
  })

  it('never suffix-matches: /x.html is not /index.html', async () => {
    const { port } = await start(['index.html'])
    const r = await request(port, get('/x.html'))
    expect(r.status).toBe(403)
    expect(r.body.length).toBe(0)
    expect((await request(port, get('/index.html'))).status).toBe(200)
    expect((await request(port, get('/dex.html'))).status).toBe(403)
    expect((await request(port, get('/sub/index.html'))).status).toBe(403)
  })

  it('is case-exact: /A.txt never matches a listed a.txt', async () => {
    const { port } = await start(['a.txt'])
    for (const target of ['/A.txt', '/A.TXT', '/a.TXT', '/%41.txt']) {
      const r = await request(port, get(target))
      expect(r.status, target).toBe(403)
      expect(r.body.length).toBe(0)
    }
    expect((await request(port, get('/%61.txt'))).body.toString()).toBe('ok:/a.txt') // same canonical path
  })

  it('maps / and /dir/ to an index only when it is listed', async () => {
    const listed = await start(['index.html', 'docs/index.html'])
    expect((await request(listed.port, get('/'))).body.toString()).toBe('ok:/')
    expect((await request(listed.port, get('/docs/'))).body.toString()).toBe('ok:/docs/')
    // '/docs' passes (kind 'directory') so that static can answer the redirect to '/docs/'.
    expect((await request(listed.port, get('/docs'))).body.toString()).toBe('ok:/docs')
    expect((await request(listed.port, get('/sub/'))).status).toBe(403)

    const unlisted = await start(['a.txt'])
    const r = await request(unlisted.port, get('/'))
    expect(r.status).toBe(403)
    expect(r.body.length).toBe(0)
    expect((await request(unlisted.port, get('/docs/'))).status).toBe(403)
    expect((await request(unlisted.port, get('/docs'))).status).toBe(403)

    const noIndex = await start(['index.html'], { index: false })
    expect((await request(noIndex.port, get('/'))).status).toBe(403)
  })

  it('answers a forbidden existing file and a forbidden missing file with the same bytes (no oracle)', async () => {
    const { port } = await start(DEFAULT_ENTRIES)
    const pairs: Array<[string, string, string?]> = [
      ['/secret.txt', '/no-such-file.txt'],
      ['/private/s.txt', '/private/none.txt'],
      ['/private/s.txt', '/nowhere/s.txt'],
      ['/.env', '/.nope'],
      ['/sub/', '/nosub/'],
      ['/private', '/nothing'],
      ['/secret.txt', '/no-such-file.txt', 'HEAD'],
      ['/secret.txt', '/no-such-file.txt', 'DELETE'],
    ]
    for (const [existing, missing, method] of pairs) {
      const a = await exchange(port, get(existing, [], method))
      const b = await exchange(port, get(missing, [], method))
      expect(parse(a).status, existing).toBe(403)
      expect(withoutDate(a), `${existing} vs ${missing}`).toBe(withoutDate(b))
    }
  })

  it('refuses If-None-Match: * and Range on a non-listed file with a plain 403 (C4, RG15)', async () => {
    const { port } = await start(DEFAULT_ENTRIES)
    const plain = withoutDate(await exchange(port, get('/secret.txt')))
    for (const extra of [['If-None-Match: *'], ['Range: bytes=0-1'], ['If-Match: *'], ['If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT'], ['Range: bytes=0-1', 'If-Range: "x"']]) {
      for (const target of ['/secret.txt', '/missing.txt']) {
        const raw = await exchange(port, get(target, extra))
        const r = parse(raw)
        expect(r.status, `${target} ${extra.join(', ')}`).toBe(403)
        expect(r.headers.has('content-range')).toBe(false)
        expect(r.headers.has('etag')).toBe(false)
        expect(r.headers.has('last-modified')).toBe(false)
        expect(withoutDate(raw)).toBe(plain)
      }
    }
  })

  /** [id, request-target or whole raw request, expected statuses]. */
  const VECTORS: Array<[string, string, number[]]> = [
    ['T1', '/../outside.txt', [400]],
    ['T2', '/%2e%2e/outside.txt', [400]],
    ['T3', '/%2E%2e/outside.txt', [400]],
    ['T4', '/.%2e/outside.txt', [400]],
    ['T4', '/%2e./outside.txt', [400]],
    ['T5', '/..%2foutside.txt', [400]],
    ['T6', '/sub/..%2f..%2foutside.txt', [400]],
    ['T7', '/..%5coutside.txt', [400]],
    ['T7', '/..\\outside.txt', [400]],
    ['T8', '/%252e%252e/outside.txt', [400, 403]],
    ['T9', '/%c0%ae%c0%ae/outside.txt', [400]],
    ['T10', 'http://localhost/../outside.txt', [400]],
    ['T11', '/allowed.txt/../secret.txt', [400]],
    ['S1', '/../www-secret/secret.txt', [400]],
    ['S2', '/../wwwsecret/s.txt', [400]],
    ['G1', '/public/../private/s.txt', [400]],
    ['G2', '//private/s.txt', [400, 403]],
    ['G3', '/./private/s.txt', [400]],
    ['G4', '/private%2Fs.txt', [400]],
    ['G4', '/private%2fs.txt', [400]],
    ['G5', '/private%5Cs.txt', [400]],
    ['G5', '/private\\s.txt', [400]],
    ['G6', '/public/%2e%2e/private/s.txt', [400]],
    // RFC 3986 §3.3: `a.txt.` is a name, not a dot-segment; outside Windows (where Win32 would open
    // `a.txt`) it is not refused as a path but is simply not allowed: 403, never the bytes of a.txt.
    ['G8', '/a.txt.', process.platform === 'win32' ? [400] : [403]],
    ['G8', '/a.txt%20', [400]],
    ['G8', '/a.txt::$DATA', [400]],
    ['G8', '/a.txt:stream', [400]],
    ['G9', '/SECRET~1.TXT', [400]],
    ['G10', '/CON', [400]],
    ['G10', '/aux.txt', [400]],
    ['G10', '/nul', [400]],
    ['G10', '/COM1.log', [400]],
    ['G10', '/c:/windows/win.ini', [400]],
    ['N1', '/file.txt%00.html', [400]],
    ['N2', '/file.txt%00', [400]],
    ['N4', '/%0d%0aSet-Cookie:%20x=y', [400]],
    ['N5', '/%zz', [400]],
    ['N5', '/%', [400]],
    ['N5', '/%e2%82', [400]],
    ['D1', '/.env', [403]],
    ['D1', '/%2eenv', [403]],
    ['D1', '/.git/config', [403]],
    ['D1', '/.hidden/x.txt', [403]],
    ['D2', '/tinyhttp.allow', [403]],
    ['D2', '/package.json', [403]],
  ]

  it.each(VECTORS)('%s %s → %j, never 200, no secret bytes', async (_id, target, expected) => {
    const { port } = await start(DEFAULT_ENTRIES)
    const raw = await exchange(port, get(target))
    const r = parse(raw)
    expect(expected).toContain(r.status)
    expectNoLeak(raw)
    expect(r.headers.has('location')).toBe(false)
    expect(r.headers.has('set-cookie')).toBe(false)
  })

  it.each([
    ['N3 form feed', 'GET /fi\x0cle HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'],
    ['N3 space', 'GET /a b HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'],
    ['N3 tab', 'GET /a\tb HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'],
    ['N1 raw NUL', 'GET /file.txt\x00.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'],
  ])('%s in the request line → 400, never 200', async (_id, bytes) => {
    const { port } = await start(DEFAULT_ENTRIES)
    const raw = await exchange(port, bytes)
    expect(parse(raw).status).toBe(400)
    expectNoLeak(raw)
  })

  it('does not judge methods: a listed file passes for any method, a non-listed one is 403 for all', async () => {
    const { port } = await start(DEFAULT_ENTRIES)
    for (const method of ['GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS']) {
      const listed = parse(await exchange(port, get('/a.txt', method === 'POST' ? ['Content-Length: 0'] : [], method)))
      expect(listed.status, method).toBe(200)
      const denied = parse(await exchange(port, get('/secret.txt', [], method)))
      expect(denied.status, method).toBe(403)
    }
  })

  it('applies run-time changes to the next request on the same keep-alive connection', async () => {
    const { port, list } = await start(['a.txt'])
    const conn = await RawClient.connect(port)
    const ask = async (): Promise<RawResponse> => {
      conn.write('GET /sub/x.txt HTTP/1.1\r\nHost: localhost\r\n\r\n')
      return conn.readResponse({ timeoutMs: 3000 })
    }
    try {
      expect((await ask()).status).toBe(403)
      await list.add('sub/x.txt')
      expect((await ask()).body.toString()).toBe('ok:/sub/x.txt')
      await list.remove('sub/x.txt')
      expect((await ask()).status).toBe(403)
    } finally {
      conn.close()
    }
  })

  it('replace(): the new list in one swap; exclusions made by remove() stay unless named again', async () => {
    const { port, list } = await start(['a.txt', 'public/'])
    const status = async (path: string): Promise<number> => parse(await exchange(port, get(path))).status
    await list.remove('public/a.txt')
    expect(await status('/public/a.txt')).toBe(403)
    const report = await list.replace(['sub/x.txt', 'public/'])
    expect(report.allowed.map(f => f.urlPath)).toEqual(['/sub/x.txt'])
    expect(await status('/a.txt')).toBe(403) // dropped from the list
    expect(await status('/sub/x.txt')).toBe(200)
    expect(await status('/public/a.txt')).toBe(403) // still excluded
    await list.replace(['public/a.txt'])
    expect(await status('/public/a.txt')).toBe(200) // named again: listed
    expect(await status('/sub/x.txt')).toBe(403)
    await expect(list.replace(['../outside.txt'])).resolves.toMatchObject({ allowed: [] })
  })
})
