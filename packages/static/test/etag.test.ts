import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { contentEtag, statEtag, usefulMtime } from '../src/etag.js'

describe('etag', () => {
  it('content ETag is the quoted base64url SHA-256 of the bytes', () => {
    const bytes = Buffer.from('hello')
    const digest = createHash('sha256').update(bytes).digest('base64url')
    expect(contentEtag(bytes)).toBe(`"${digest}"`)
    expect(contentEtag(bytes)).toMatch(/^"[A-Za-z0-9_-]{43}"$/)
  })
  it('content ETag changes with the content, not with anything else', () => {
    expect(contentEtag(Buffer.from('a'))).not.toBe(contentEtag(Buffer.from('b')))
    expect(contentEtag(Buffer.from('same'))).toBe(contentEtag(Buffer.from('same')))
  })
  it('stat ETag is "<size hex>-<mtime µs hex>", strong, no inode', () => {
    expect(statEtag(20, 1700000000123.456)).toBe(`"14-${Math.round(1700000000123.456 * 1000).toString(16)}"`)
    expect(statEtag(20, 1700000000123.456)).not.toMatch(/^W\//)
    expect(statEtag(21, 1700000000123.456)).not.toBe(statEtag(20, 1700000000123.456))
    expect(statEtag(20, 1700000000123.457)).not.toBe(statEtag(20, 1700000000123.456))
  })
  it('no stat ETag and no Last-Modified for mtime 0 or 1 s (Caddy rule)', () => {
    expect(statEtag(20, 0)).toBeUndefined()
    expect(statEtag(20, 1000)).toBeUndefined()
    expect(statEtag(20, NaN)).toBeUndefined()
    expect(usefulMtime(0)).toBe(false)
    expect(usefulMtime(1000)).toBe(false)
    expect(usefulMtime(-5000)).toBe(false)
    expect(usefulMtime(1700000000000)).toBe(true)
  })
})
