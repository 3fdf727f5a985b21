// CLI options that change what goes on the wire: --max-age/--immutable, --no-etag, --not-found 404,
// --no-cors, --spa. One CLI per option set, all started in parallel.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { FILE_TXT, FIXTURE_LM, INDEX_HTML, cliBuilt, h, request, serve, show, tokens, topic, withoutDate, type Served } from './fixture.js'

describe.skipIf(!cliBuilt())(topic('CLI options on the wire'), () => {
  let cache: Served
  let noEtag: Served
  let notFound: Served
  let noCors: Served
  let spa: Served
  beforeAll(async () => {
    ;[cache, noEtag, notFound, noCors, spa] = await Promise.all([
      serve(['--max-age', '60', '--immutable']),
      serve(['--no-etag']),
      serve(['--not-found', '404']),
      serve(['--no-cors']),
      serve(['--spa']),
    ])
  })
  afterAll(async () => {
    await Promise.all([cache, noEtag, notFound, noCors, spa].map(s => s?.stop()))
  })

  test('--max-age 60 --immutable → Cache-Control: public, max-age=60, immutable on 200, 206 and 304', async () => {
    const res = await request(cache.port, 'GET', '/file.txt')
    const cc = (h(res, 'cache-control') ?? '').split(',').map(s => s.trim()).sort()
    expect(cc, show(res)).toEqual(['immutable', 'max-age=60', 'public'])
    const r206 = await request(cache.port, 'GET', '/file.txt', { Range: 'bytes=0-1' })
    expect(h(r206, 'cache-control')).toBe(h(res, 'cache-control'))
    const r304 = await request(cache.port, 'GET', '/file.txt', { 'If-None-Match': h(res, 'etag')! })
    expect(r304.status).toBe(304)
    expect(h(r304, 'cache-control'), 'a 304 carries the Cache-Control of the 200 (RFC 9110 §15.4.5)').toBe(h(res, 'cache-control'))
  })

  test('--max-age: a refusal (403) is not made cacheable for a year', async () => {
    const res = await request(cache.port, 'GET', '/secret.txt')
    expect(res.status).toBe(403)
    expect(h(res, 'cache-control') ?? '', show(res)).not.toMatch(/immutable|max-age=60/)
  })

  test('--no-etag: no ETag; If-None-Match with a tag → 200; If-Modified-Since still → 304; If-Range with a tag → 200 full', async () => {
    const res = await request(noEtag.port, 'GET', '/file.txt')
    expect(res.status).toBe(200)
    expect(res.headers.has('etag'), show(res)).toBe(false)
    expect(h(res, 'last-modified')).toBe(FIXTURE_LM)
    const inm = await request(noEtag.port, 'GET', '/file.txt', { 'If-None-Match': '"anything"' })
    expect(inm.status, show(inm)).toBe(200)
    const ims = await request(noEtag.port, 'GET', '/file.txt', { 'If-Modified-Since': FIXTURE_LM })
    expect(ims.status, show(ims)).toBe(304)
    const ifRange = await request(noEtag.port, 'GET', '/file.txt', { Range: 'bytes=0-1', 'If-Range': '"anything"' })
    expect(ifRange.status, show(ifRange)).toBe(200)
    expect(ifRange.body.equals(FILE_TXT)).toBe(true)
    const ifRangeDate = await request(noEtag.port, 'GET', '/file.txt', { Range: 'bytes=0-1', 'If-Range': FIXTURE_LM })
    expect(ifRangeDate.status, show(ifRangeDate)).toBe(206)
  })

  test('--no-etag: If-None-Match: * still matches an existing representation → 304 (RFC 9110 §13.1.2)', async () => {
    const res = await request(noEtag.port, 'GET', '/file.txt', { 'If-None-Match': '*' })
    expect(res.status, show(res)).toBe(304)
  })

  test('--not-found 404: unlisted → 404, byte-identical for existing and missing files', async () => {
    const seen = new Set<string>()
    for (const target of ['/secret.txt', '/missing.txt', '/.env', '/private/s.txt']) {
      const res = await request(notFound.port, 'GET', target)
      expect(res.status, `${target}\n${show(res)}`).toBe(404)
      expect(res.body.length).toBe(0)
      seen.add(withoutDate(res.rawHead))
    }
    expect(seen.size, [...seen].join('\n---\n')).toBe(1)
    const ok = await request(notFound.port, 'GET', '/file.txt')
    expect(ok.status).toBe(200)
    const post = await request(notFound.port, 'POST', '/file.txt', { 'Content-Length': '0' })
    expect(post.status).toBe(405)
    expect(h(post, 'allow')?.replace(/\s/g, '')).toBe('GET,HEAD')
    const postUnlisted = await request(notFound.port, 'POST', '/secret.txt', { 'Content-Length': '0' })
    expect(postUnlisted.status, show(postUnlisted)).toBe(404)
  })

  test('--not-found 404: Range / If-None-Match on an unlisted file → 404, not 416/304', async () => {
    for (const headers of [{ Range: 'bytes=100-' }, { 'If-None-Match': '*' }] as Array<Record<string, string>>) {
      const res = await request(notFound.port, 'GET', '/secret.txt', headers)
      expect(res.status, show(res)).toBe(404)
    }
  })

  test('--no-cors: no Access-Control-* on 200/403, preflight is not answered with 204', async () => {
    for (const target of ['/file.txt', '/secret.txt']) {
      const res = await request(noCors.port, 'GET', target, { Origin: 'https://x.example' })
      const acHeaders = [...res.headers.keys()].filter(k => k.startsWith('access-control-'))
      expect(acHeaders, show(res)).toEqual([])
    }
    const pre = await request(noCors.port, 'OPTIONS', '/file.txt', { Origin: 'https://x.example', 'Access-Control-Request-Method': 'GET' })
    expect(pre.status, show(pre)).not.toBe(204)
    expect(pre.headers.has('access-control-allow-origin')).toBe(false)
  })

  test('--spa: extensionless GET that accepts text/html → the index shell', async () => {
    const res = await request(spa.port, 'GET', '/some/client/route', { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' })
    expect(res.status, show(res)).toBe(200)
    expect(res.body.equals(INDEX_HTML)).toBe(true)
    expect(h(res, 'content-type')).toBe('text/html; charset=utf-8')
  })

  test.each([
    ['asset-like path', '/missing.js', { Accept: 'text/html' }],
    ['unlisted existing file', '/secret.txt', { Accept: 'text/html' }],
    ['no text/html in Accept', '/some/route', { Accept: 'application/json' }],
    ['dotfile', '/.env', { Accept: 'text/html' }],
    ['traversal', '/sub/../secret', { Accept: 'text/html' }],
  ] as Array<[string, string, Record<string, string>]>)('--spa: %s (%s) → not the shell', async (_id, target, headers) => {
    const res = await request(spa.port, 'GET', target, headers)
    expect(res.status, show(res)).not.toBe(200)
    expect(res.body.includes(INDEX_HTML)).toBe(false)
  })

  test('--spa: POST to a client route → 405/403, never the shell', async () => {
    const res = await request(spa.port, 'POST', '/some/route', { Accept: 'text/html', 'Content-Length': '0' })
    expect([403, 405], show(res)).toContain(res.status)
    expect(res.body.includes(INDEX_HTML)).toBe(false)
  })

  test('default Vary for the * policy does not need Origin; --max-age does not add credentials', async () => {
    const res = await request(cache.port, 'GET', '/file.txt', { Origin: 'https://x.example' })
    expect(h(res, 'access-control-allow-origin')).toBe('*')
    expect(tokens(res, 'access-control-allow-credentials')).toEqual([])
  })
})
