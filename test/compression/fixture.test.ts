/**
 * The fixture checked on its own: the seeded bundle is JavaScript that runs (the browser test relies on
 * its last line), is the same at every call, and compresses like code rather than like one repeated line.
 */
import { Script, createContext } from 'node:vm'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { bundleSource } from './fixture.js'

describe('bundleSource', () => {
  it('runs and marks the page with its line count', () => {
    const body = { dataset: {} as Record<string, string> }
    new Script(bundleSource(300_000, 1)).runInContext(createContext({ document: { body } }))
    expect(body.dataset.bundle).toMatch(/^ok:\d+$/)
  })

  it('is deterministic, about the size asked, and compresses 2–8× (varied text, not a repeated line)', () => {
    const a = Buffer.from(bundleSource(300_000, 1))
    expect(a.equals(Buffer.from(bundleSource(300_000, 1)))).toBe(true)
    expect(a.length).toBeGreaterThanOrEqual(300_000)
    expect(a.length).toBeLessThan(301_000)
    const ratio = a.length / gzipSync(a).length
    expect(ratio).toBeGreaterThan(2)
    expect(ratio).toBeLessThan(8)
    expect(brotliCompressSync(a).length).toBeLessThan(gzipSync(a).length)
  })
})
