/**
 * Issue 11, through the real `tinyhttp-cli` (compression on by default): every coding of every
 * compressible file is its own representation on the wire — decodes with node:zlib to the file's bytes,
 * its own strong ETag (`"<identity>-<coding>"`), an exact Content-Length, the identity's Last-Modified and
 * Content-Type — and every answer for such a file, whatever its status, carries `Vary: Accept-Encoding`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanupTemp, ensureBuilt, killAll } from '../cli/helpers.js'
import { COMPRESSIBLE, fileOf, makeSite, type Site } from './fixture.js'
import { CODINGS, decode, fetchRaw, startSite, variantTag, varies, waitForAll, type Coding } from './wire.js'

let site: Site
let port: number

beforeAll(async () => {
  ensureBuilt()
  site = makeSite()
  ;({ port } = await startSite(site))
  await waitForAll(port, site, COMPRESSIBLE)
}, 120_000)
afterAll(async () => {
  await killAll()
  cleanupTemp()
})

describe.each(COMPRESSIBLE)('/%s', name => {
  const path = `/${name}`

  it('identity: the file as is, no Content-Encoding, Vary: Accept-Encoding, exact Content-Length', async () => {
    for (const ae of [undefined, 'identity', '']) {
      const r = await fetchRaw(port, 'GET', path, ae)
      expect(r.status).toBe(200)
      expect(r.header('content-encoding')).toBeUndefined()
      expect(r.body.equals(fileOf(site, name))).toBe(true)
      expect(r.header('content-length')).toBe(String(fileOf(site, name).length))
      expect(varies(r), `Vary on identity 200 (Accept-Encoding ${JSON.stringify(ae)})`).toBe(true)
    }
  })

  it.each(CODINGS)('%s: decodes to the file, smaller, own ETag, exact length, same Last-Modified and type', async coding => {
    const identity = await fetchRaw(port, 'GET', path)
    const r = await fetchRaw(port, 'GET', path, coding)
    expect(r.status).toBe(200)
    expect(r.header('content-encoding')).toBe(coding)
    expect(r.count('content-encoding')).toBe(1)
    expect(decode(r.body, coding).equals(fileOf(site, name))).toBe(true)
    expect(r.body.length).toBeLessThan(fileOf(site, name).length)
    expect(r.header('content-length')).toBe(String(r.body.length))
    expect(r.header('transfer-encoding')).toBeUndefined()
    expect(r.header('etag')).toBe(variantTag(identity.header('etag') as string, coding))
    expect(r.header('last-modified')).toBe(identity.header('last-modified'))
    expect(r.header('last-modified')).toBeDefined()
    expect(r.header('content-type')).toBe(identity.header('content-type'))
    expect(r.header('cache-control')).toBe(identity.header('cache-control'))
    expect(varies(r)).toBe(true)
  })

  it('every coding has a different ETag; the same coding always the same bytes', async () => {
    const tags = new Set<string>()
    tags.add((await fetchRaw(port, 'GET', path)).header('etag') as string)
    for (const coding of CODINGS) {
      const a = await fetchRaw(port, 'GET', path, coding)
      const b = await fetchRaw(port, 'GET', path, coding)
      expect(a.body.equals(b.body)).toBe(true)
      expect(b.header('etag')).toBe(a.header('etag'))
      tags.add(a.header('etag') as string)
    }
    expect(tags.size).toBe(CODINGS.length + 1)
  })

  it.each([...CODINGS, 'identity'] as const)('HEAD with %s: the GET head, no body', async coding => {
    const get = await fetchRaw(port, 'GET', path, coding)
    const head = await fetchRaw(port, 'HEAD', path, coding)
    expect(head.status).toBe(200)
    expect(head.body.length).toBe(0)
    for (const field of ['content-encoding', 'content-length', 'etag', 'last-modified', 'content-type', 'vary']) {
      expect(head.header(field), field).toBe(get.header(field))
    }
    expect(varies(head)).toBe(true)
  })

  it.each([...CODINGS, 'identity'] as const)('304 for the %s ETag, with that ETag and Vary', async coding => {
    const get = await fetchRaw(port, 'GET', path, coding)
    const tag = get.header('etag') as string
    const r = await fetchRaw(port, 'GET', path, coding, { 'If-None-Match': tag })
    expect(r.status).toBe(304)
    expect(r.body.length).toBe(0)
    expect(r.header('etag')).toBe(tag)
    expect(varies(r)).toBe(true)
    const head = await fetchRaw(port, 'HEAD', path, coding, { 'If-None-Match': tag })
    expect(head.status).toBe(304)
    expect(varies(head)).toBe(true)
  })

  it('If-None-Match compares with the selected representation: another coding’s ETag gets a 200', async () => {
    const identityTag = (await fetchRaw(port, 'GET', path)).header('etag') as string
    for (const coding of CODINGS) {
      const r = await fetchRaw(port, 'GET', path, coding, { 'If-None-Match': identityTag })
      expect(r.status, `${coding} with the identity ETag`).toBe(200)
      expect(r.header('content-encoding')).toBe(coding)
      expect(decode(r.body, coding).equals(fileOf(site, name))).toBe(true)
      const back = await fetchRaw(port, 'GET', path, 'identity', { 'If-None-Match': variantTag(identityTag, coding) })
      expect(back.status, `identity with the ${coding} ETag`).toBe(200)
      expect(back.body.equals(fileOf(site, name))).toBe(true)
      expect(varies(back)).toBe(true)
    }
  })

  it('412: If-Match with another representation’s ETag (or none matching), with Vary', async () => {
    const identityTag = (await fetchRaw(port, 'GET', path)).header('etag') as string
    for (const coding of CODINGS) {
      const wrong = await fetchRaw(port, 'GET', path, coding, { 'If-Match': identityTag })
      expect(wrong.status, `${coding} with If-Match of the identity ETag`).toBe(412)
      expect(varies(wrong)).toBe(true)
      expect(wrong.header('content-encoding')).toBeUndefined()
      const right = await fetchRaw(port, 'GET', path, coding, { 'If-Match': variantTag(identityTag, coding) })
      expect(right.status).toBe(200)
      expect(right.header('content-encoding')).toBe(coding)
    }
    const none = await fetchRaw(port, 'GET', path, 'identity', { 'If-Match': '"nope"' })
    expect(none.status).toBe(412)
    expect(varies(none)).toBe(true)
  })

  it.each([...CODINGS, 'identity'] as const)('416 with %s: Content-Range over the selected representation’s length, with Vary', async coding => {
    const full = await fetchRaw(port, 'GET', path, coding)
    const r = await fetchRaw(port, 'GET', path, coding, { Range: `bytes=${full.body.length + 10}-` })
    expect(r.status).toBe(416)
    expect(r.header('content-range')).toBe(`bytes */${full.body.length}`)
    expect(r.header('content-encoding')).toBeUndefined()
    expect(varies(r)).toBe(true)
  })

  it.each([...CODINGS, 'identity'] as const)('206 with %s carries Vary and the coding', async coding => {
    const r = await fetchRaw(port, 'GET', path, coding, { Range: 'bytes=0-99' })
    expect(r.status).toBe(206)
    expect(r.header('content-encoding')).toBe(coding === 'identity' ? undefined : coding)
    expect(r.body.length).toBe(100)
    expect(varies(r)).toBe(true)
  })
})

describe('one ETag per coding across files', () => {
  it('no two (file, coding) pairs share an ETag', async () => {
    const seen = new Map<string, string>()
    for (const name of COMPRESSIBLE) {
      for (const coding of [...CODINGS, 'identity'] as Array<Coding | 'identity'>) {
        const tag = (await fetchRaw(port, 'GET', `/${name}`, coding)).header('etag') as string
        expect(seen.get(tag), `${name} ${coding} shares ${tag}`).toBeUndefined()
        seen.set(tag, `${name} ${coding}`)
      }
    }
  })
})
