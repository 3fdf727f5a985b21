/**
 * Issue 11 with the freshness rule of issue 10, through the real `tinyhttp-cli`: an edited file drops
 * its variants with its identity entry. The first request more than 1 s after the edit never gets the
 * old variant's bytes or ETag; the new variant follows, made from the new bytes, with a new ETag. A
 * same-size edit (same length, other bytes) counts too.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { cleanupTemp, ensureBuilt, killAll, sleep } from '../cli/helpers.js'
import { bundleSource, fileOf, makeSite } from './fixture.js'
import { CODINGS, decode, fetchRaw, startSite, variantTag, varies, waitForCoding } from './wire.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

/** Flips the case of every ASCII letter in the first `n` bytes: same length, other bytes. */
function sameSizeEdit(bytes: Buffer, n: number): Buffer {
  const out = Buffer.from(bytes)
  for (let i = 0; i < n; i++) {
    const c = out[i] as number
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) out[i] = c ^ 0x20
  }
  return out
}

describe('an edited file gets new variants', () => {
  it.each([
    ['a new bundle of another size', (old: Buffer) => Buffer.from(bundleSource(280_000, 99) + `// ${old.length}\n`)],
    ['the same size, other bytes', (old: Buffer) => sameSizeEdit(old, 4000)],
  ] as const)('%s: never the old variant after the edit; the new br decodes to the new file', async (_, edit) => {
    const site = makeSite()
    const cli = await startSite(site)
    const old = fileOf(site, 'app.js')
    const oldIdentity = (await fetchRaw(cli.port, 'GET', '/app.js')).header('etag') as string
    const oldVariants = new Map<string, { body: Buffer; etag: string }>()
    for (const coding of CODINGS) {
      const r = await waitForCoding(cli.port, '/app.js', coding, old)
      oldVariants.set(coding, { body: r.body, etag: r.header('etag') as string })
      expect(r.header('etag')).toBe(variantTag(oldIdentity, coding))
    }

    const next = edit(old)
    expect(next.equals(old)).toBe(false)
    const file = join(site.root, 'app.js')
    writeFileSync(file, next)
    await sleep(1100)

    // The first answers after the edit, in every coding, with the old tags as validators.
    for (const coding of CODINGS) {
      const old = oldVariants.get(coding)!
      const r = await fetchRaw(cli.port, 'GET', '/app.js', 'gzip, deflate, br' + (coding === 'zstd' ? ', zstd' : ''), { 'If-None-Match': old.etag })
      expect(r.status, `${coding}: the old variant's ETag must not validate the new file`).toBe(200)
      expect(decode(r.body, r.header('content-encoding')).equals(next), `${coding}: the new bytes`).toBe(true)
      expect(r.body.equals(old.body)).toBe(false)
      expect([...oldVariants.values()].map(v => v.etag)).not.toContain(r.header('etag'))
      expect(r.header('etag')).not.toBe(oldIdentity)
      expect(varies(r)).toBe(true)
    }
    const newIdentity = (await fetchRaw(cli.port, 'GET', '/app.js')).header('etag') as string
    expect(newIdentity).not.toBe(oldIdentity)
    for (const coding of CODINGS) {
      const r = await waitForCoding(cli.port, '/app.js', coding, next)
      expect(decode(r.body, coding).equals(next)).toBe(true)
      expect(r.header('etag')).toBe(variantTag(newIdentity, coding))
      expect(r.header('content-length')).toBe(String(r.body.length))
    }
  }, 90_000)
})
