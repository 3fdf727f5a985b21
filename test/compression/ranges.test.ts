/**
 * Issue 11, ranges under compression through the real `tinyhttp-cli` (RFC 9110 §14): a `Range` applies
 * to the encoded bytes of the selected representation, so every 206 body is the slice of a full
 * download in the same coding, and `If-Range` is compared with that representation's strong ETag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanupTemp, ensureBuilt, killAll } from '../cli/helpers.js'
import { fileOf, makeSite, type Site } from './fixture.js'
import { CODINGS, decode, fetchRaw, startSite, varies, waitForAll, type Coding } from './wire.js'

let site: Site
let port: number
/** Full download of /app.js per coding (identity included). */
const full = new Map<Coding | 'identity', { body: Buffer; etag: string }>()

beforeAll(async () => {
  ensureBuilt()
  site = makeSite()
  ;({ port } = await startSite(site))
  await waitForAll(port, site, ['app.js'])
  for (const coding of [...CODINGS, 'identity'] as const) {
    const r = await fetchRaw(port, 'GET', '/app.js', coding)
    expect(r.header('content-encoding') ?? 'identity').toBe(coding)
    expect(decode(r.body, r.header('content-encoding')).equals(fileOf(site, 'app.js'))).toBe(true)
    full.set(coding, { body: r.body, etag: r.header('etag') as string })
  }
}, 120_000)
afterAll(async () => {
  await killAll()
  cleanupTemp()
})

/** Range header → [first, last] over a representation of `length` bytes. */
function bounds(spec: string, length: number): [number, number] {
  const m = /^bytes=(\d*)-(\d*)$/.exec(spec) as RegExpExecArray
  if (m[1] === '') return [length - Number(m[2]), length - 1]
  return [Number(m[1]), m[2] === '' ? length - 1 : Math.min(Number(m[2]), length - 1)]
}

describe.each([...CODINGS, 'identity'] as const)('Range with Accept-Encoding: %s', coding => {
  const specs = ['bytes=0-0', 'bytes=0-99', 'bytes=1000-1999', 'bytes=-500', 'bytes=5000-', 'bytes=0-', 'bytes=10-99999999']

  it.each(specs)('%s is the slice of the full download in that coding', async spec => {
    const whole = full.get(coding)!
    const [first, last] = bounds(spec, whole.body.length)
    const r = await fetchRaw(port, 'GET', '/app.js', coding, { Range: spec })
    expect(r.status).toBe(206)
    expect(r.header('content-encoding')).toBe(coding === 'identity' ? undefined : coding)
    expect(r.header('content-range')).toBe(`bytes ${first}-${last}/${whole.body.length}`)
    expect(r.header('content-length')).toBe(String(last - first + 1))
    expect(r.body.equals(whole.body.subarray(first, last + 1))).toBe(true)
    expect(r.header('etag')).toBe(whole.etag)
    expect(varies(r)).toBe(true)
  })

  it('the last byte, then the slices of a chunked download, rebuild the encoded body exactly', async () => {
    const whole = full.get(coding)!
    const parts: Buffer[] = []
    const step = Math.ceil(whole.body.length / 7)
    for (let start = 0; start < whole.body.length; start += step) {
      const r = await fetchRaw(port, 'GET', '/app.js', coding, { Range: `bytes=${start}-${start + step - 1}` })
      expect(r.status).toBe(206)
      parts.push(r.body)
    }
    expect(Buffer.concat(parts).equals(whole.body)).toBe(true)
    expect(decode(Buffer.concat(parts), coding === 'identity' ? undefined : coding).equals(fileOf(site, 'app.js'))).toBe(true)
  })

  it('two ranges: multipart/byteranges parts are slices of the encoded body (or one 200 of it)', async () => {
    const whole = full.get(coding)!
    const r = await fetchRaw(port, 'GET', '/app.js', coding, { Range: 'bytes=0-9,200-299' })
    expect(varies(r)).toBe(true)
    if (r.status === 200) {
      expect(r.body.equals(whole.body)).toBe(true)
      return
    }
    expect(r.status).toBe(206)
    const type = r.header('content-type') as string
    const boundary = /boundary=("?)([^";]+)\1/.exec(type)?.[2] as string
    expect(type).toMatch(/^multipart\/byteranges/)
    const text = r.body.toString('latin1')
    for (const [first, last] of [
      [0, 9],
      [200, 299],
    ] as const) {
      const head = `Content-Range: bytes ${first}-${last}/${whole.body.length}`
      const at = text.toLowerCase().indexOf(head.toLowerCase())
      expect(at, head).toBeGreaterThan(-1)
      const bodyStart = text.indexOf('\r\n\r\n', at) + 4
      expect(r.body.subarray(bodyStart, bodyStart + last - first + 1).equals(whole.body.subarray(first, last + 1))).toBe(true)
      expect(text.slice(bodyStart + last - first + 1, bodyStart + last - first + 5 + boundary.length)).toBe(`\r\n--${boundary}`)
    }
  })
})

describe('If-Range compares with the selected representation (strong ETags only)', () => {
  it.each(CODINGS)('%s: its own ETag → 206 of the encoded bytes', async coding => {
    const whole = full.get(coding)!
    const r = await fetchRaw(port, 'GET', '/app.js', coding, { Range: 'bytes=100-199', 'If-Range': whole.etag })
    expect(r.status).toBe(206)
    expect(r.body.equals(whole.body.subarray(100, 200))).toBe(true)
    expect(varies(r)).toBe(true)
  })

  it.each(CODINGS)('%s: the identity ETag → 200 with the whole encoded body', async coding => {
    const whole = full.get(coding)!
    const r = await fetchRaw(port, 'GET', '/app.js', coding, { Range: 'bytes=100-199', 'If-Range': full.get('identity')!.etag })
    expect(r.status).toBe(200)
    expect(r.header('content-encoding')).toBe(coding)
    expect(r.body.equals(whole.body)).toBe(true)
    expect(r.header('etag')).toBe(whole.etag)
    expect(varies(r)).toBe(true)
  })

  it.each(CODINGS)('identity: the %s ETag → 200 with the whole file', async coding => {
    const r = await fetchRaw(port, 'GET', '/app.js', 'identity', { Range: 'bytes=100-199', 'If-Range': full.get(coding)!.etag })
    expect(r.status).toBe(200)
    expect(r.header('content-encoding')).toBeUndefined()
    expect(r.body.equals(fileOf(site, 'app.js'))).toBe(true)
    expect(varies(r)).toBe(true)
  })

  it('identity: its own ETag → 206 of the file', async () => {
    const r = await fetchRaw(port, 'GET', '/app.js', 'identity', { Range: 'bytes=100-199', 'If-Range': full.get('identity')!.etag })
    expect(r.status).toBe(206)
    expect(r.body.equals(fileOf(site, 'app.js').subarray(100, 200))).toBe(true)
    expect(varies(r)).toBe(true)
  })

  it('a weak form of the br ETag never validates a range', async () => {
    const r = await fetchRaw(port, 'GET', '/app.js', 'br', { Range: 'bytes=100-199', 'If-Range': `W/${full.get('br')!.etag}` })
    expect(r.status).toBe(200)
    expect(r.body.equals(full.get('br')!.body)).toBe(true)
  })
})
