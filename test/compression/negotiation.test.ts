/**
 * Issue 11, `Accept-Encoding` negotiation through the real `tinyhttp-cli` (RFC 9110 §12.5.3): q-values,
 * `*`, `q=0`, `identity;q=0` → 406 with Vary, zstd only when this Node has it, and malformed values
 * (stray commas, `q=abc`, `q=1.0001`, 10 000 codings, 64 KB) that never get a coding the client did not
 * accept and never a 5xx. The table is the contract's reading; the property checks every answer
 * against a conservative oracle (accept-encoding-oracle.ts).
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanupTemp, ensureBuilt, killAll } from '../cli/helpers.js'
import { verdict } from './accept-encoding-oracle.js'
import { fileOf, makeSite, type Site } from './fixture.js'
import { CODINGS, HAS_ZSTD, decode, fetchRaw, startSite, varies, waitForAll } from './wire.js'

let site: Site
let port: number
let file: Buffer

beforeAll(async () => {
  ensureBuilt()
  site = makeSite()
  ;({ port } = await startSite(site))
  file = fileOf(site, 'app.js')
  await waitForAll(port, site, ['app.js'])
}, 120_000)
afterAll(async () => {
  await killAll()
  cleanupTemp()
})

const ZSTD_OR_GZIP = HAS_ZSTD ? 'zstd' : 'gzip'

/** Accept-Encoding value (undefined = no field) → the coding expected, or 406. */
const TABLE: Array<[string | undefined, string]> = [
  [undefined, 'identity'],
  ['', 'identity'],
  ['identity', 'identity'],
  ['gzip', 'gzip'],
  ['br', 'br'],
  ['gzip, br', 'br'],
  ['gzip, deflate, br, zstd', 'br'],
  ['br;q=0.5, gzip', 'gzip'],
  ['br;q=1, gzip;q=1', 'br'],
  ['gzip;q=0.8, br;q=0.9', 'br'],
  ['gzip;q=1.0, br;q=0.999', 'gzip'],
  ['*', 'br'],
  ['*;q=0.5, gzip', 'gzip'],
  ['gzip;q=0, *', 'br'],
  ['br;q=0, *', ZSTD_OR_GZIP],
  ['br;q=0, gzip;q=0', 'identity'],
  ['deflate', 'identity'],
  ['compress, deflate;q=0.5', 'identity'],
  ['x-gzip', 'gzip'],
  ['GZIP', 'gzip'],
  ['Br', 'br'],
  [' br ; q=0.9 , gzip ; q=1 ', 'gzip'],
  ['br;Q=0.5, gzip;q=0.6', 'gzip'],
  ['identity;q=1, br;q=0.5', 'identity'],
  ['identity, br', 'br'],
  ['br, identity;q=0', 'br'],
  ['*;q=0, identity', 'identity'],
  ['*;q=0, gzip', 'gzip'],
  ['zstd', HAS_ZSTD ? 'zstd' : 'identity'],
  ['zstd, gzip;q=0.5', HAS_ZSTD ? 'zstd' : 'gzip'],
  ['identity;q=0', '406'],
  ['*;q=0', '406'],
  ['gzip;q=0, identity;q=0', '406'],
  ['deflate, identity;q=0', '406'],
  // malformed elements are skipped, the rest still counts
  [',,, br ,,', 'br'],
  [', , gzip,', 'gzip'],
  ['br;q=abc, gzip', 'gzip'],
  ['br;q=1.0001', 'identity'],
  ['gzip;q=1.0001, br;q=0', 'identity'],
  ['br;q=-1, gzip;q=0.1', 'gzip'],
  ['br;q=2', 'identity'],
  ['br;q=, gzip', 'gzip'],
  ['br gzip', 'identity'],
]

describe('the negotiation table (GET /app.js, every variant ready)', () => {
  it.each(TABLE)('Accept-Encoding %j → %s', async (ae, expected) => {
    for (const method of ['GET', 'HEAD']) {
      const r = await fetchRaw(port, method, '/app.js', ae)
      expect(varies(r), `${method}: Vary`).toBe(true)
      if (expected === '406') {
        expect(r.status, method).toBe(406)
        expect(r.header('content-encoding')).toBeUndefined()
        continue
      }
      expect(r.status, method).toBe(200)
      expect(r.header('content-encoding'), method).toBe(expected === 'identity' ? undefined : expected)
      if (method === 'GET') expect(decode(r.body, r.header('content-encoding')).equals(file)).toBe(true)
    }
  })
})

/** Checks one answer against the oracle; returns a failure message or null. */
async function checkAgainstOracle(ae: string): Promise<string | null> {
  const r = await fetchRaw(port, 'GET', '/app.js', ae)
  if (r.status >= 500) return `status ${r.status}`
  if (r.status === 431) return null // the header section is over the 16 KiB limit: refused before negotiation
  const anyAccepted = [...CODINGS, 'identity'].some(c => verdict(ae, c) === 'accepted')
  if (r.status === 406) {
    if (anyAccepted) return '406 although the client clearly accepts something'
    if (!varies(r)) return '406 without Vary'
    return null
  }
  if (r.status !== 200) return `status ${r.status}`
  const coding = r.header('content-encoding') ?? 'identity'
  if (coding === 'zstd' && !HAS_ZSTD) return 'zstd offered on a Node without zstd'
  if (verdict(ae, coding) === 'refused') return `${coding}, which the client did not accept`
  if (!varies(r)) return '200 without Vary'
  if (!decode(r.body, r.header('content-encoding')).equals(file)) return `${coding} body does not decode to the file`
  return null
}

describe('malformed and hostile values never get a coding the client did not accept, never a 5xx', () => {
  const big: Array<[string, string]> = [
    ['64 KB of one value', 'gzip;q=0.5, '.repeat(5462) + 'br;q=0'],
    ['10 000 distinct codings', Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(', ')],
    ['10 000 codings, br refused at the end', Array.from({ length: 10_000 }, (_, i) => `c${i};q=0.5`).join(',') + ',br;q=0'],
  ]
  it.each(big)('%s: 431 (over the header limit) or an accepted coding', async (_, ae) => {
    expect(await checkAgainstOracle(ae)).toBeNull()
  })

  const underTheLimit: Array<[string, string, string]> = [
    ['5 000 stray commas, then gzip', 'gzip', ', '.repeat(5000) + 'gzip'],
    ['1 500 unknown codings, then br;q=0.1', 'br', Array.from({ length: 1500 }, (_, i) => `x${i}`).join(',') + ',br;q=0.1'],
    ['1 000 × br;q=0, then gzip', 'gzip', 'br;q=0,'.repeat(1000) + 'gzip'],
    ['1 000 × q=abc elements, then identity;q=0', '406', 'br;q=abc,'.repeat(1000) + 'identity;q=0'],
  ]
  it.each(underTheLimit)('%s (under the 16 KiB limit: negotiated) → %s', async (_, expected, ae) => {
    const r = await fetchRaw(port, 'GET', '/app.js', ae)
    expect(varies(r)).toBe(true)
    if (expected === '406') {
      expect(r.status).toBe(406)
      return
    }
    expect(r.status).toBe(200)
    expect(r.header('content-encoding')).toBe(expected)
    expect(decode(r.body, expected).equals(file)).toBe(true)
  })

  it('property: generated values from codings, q-values good and bad, and separators', async () => {
    const token = fc.constantFrom('br', 'gzip', 'zstd', 'identity', '*', 'x-gzip', 'deflate', 'compress', 'BR', 'Gzip', 'b r', 'br,', '', 'q=1', ';', 'gzip;')
    const weight = fc.constantFrom('', '', ';q=0', ';q=1', ';q=0.5', ';q=0.001', ';q=0.000', ';q=1.000', ';q=abc', ';q=1.0001', ';q=', ';q=-1', ';Q=0', ' ; q=0.3', ';q=2', ';q=0.5;q=0', ';level=1', ';q=0.9 ')
    const separator = fc.constantFrom(',', ', ', ',,', ' , ', ',\t')
    const value = fc.array(fc.tuple(token, weight, separator), { maxLength: 8 }).map(parts => parts.map(([t, w, s], i) => (i === 0 ? '' : s) + t + w).join(''))
    await fc.assert(
      fc.asyncProperty(value, async ae => {
        const failure = await checkAgainstOracle(ae.trim())
        expect(failure, `Accept-Encoding ${JSON.stringify(ae)}`).toBeNull()
      }),
      { numRuns: 150 },
    )
  }, 60_000)

  it('property: any printable ASCII value', async () => {
    const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map(c => String.fromCharCode(c)), maxLength: 64 })
    await fc.assert(
      fc.asyncProperty(printable, async ae => {
        const failure = await checkAgainstOracle(ae.trim())
        expect(failure, `Accept-Encoding ${JSON.stringify(ae)}`).toBeNull()
      }),
      { numRuns: 150 },
    )
  }, 60_000)
})
