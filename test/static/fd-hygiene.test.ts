/**
 * File descriptors: none leak on aborted downloads, 304, HEAD, 416 or 412 (research §2.9, F1–F3), and
 * running out of descriptors answers 503 + Retry-After instead of crashing (M13).
 */
import { randomBytes } from 'node:crypto'
import fs, { readdirSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { cleanup, makeRoot, sleep, start } from './fixture.js'
import { RawClient, header, request, send } from './raw-http.js'

const hasProc = (() => {
  try {
    readdirSync('/proc/self/fd')
    return true
  } catch {
    return false
  }
})()

function fdCount(): number {
  return readdirSync('/proc/self/fd').length
}

/** The descriptor count once it has not changed for 150 ms (bounded: 2 s). */
async function stableCount(): Promise<number> {
  const deadline = Date.now() + 2000
  let last = fdCount()
  let since = Date.now()
  while (Date.now() < deadline) {
    await sleep(25)
    const now = fdCount()
    if (now !== last) {
      last = now
      since = Date.now()
    } else if (Date.now() - since >= 150) break
  }
  return last
}

/** Waits (bounded) for the descriptor count to come back to `baseline`; returns the final delta. */
async function settle(baseline: number, timeoutMs = 3000): Promise<number> {
  const deadline = Date.now() + timeoutMs
  let delta = fdCount() - baseline
  while (delta > 0 && Date.now() < deadline) {
    await sleep(25)
    delta = fdCount() - baseline
  }
  return delta
}

const BIG = randomBytes(4 * 1024 * 1024)
const N = 200

let port: number
let root: string
beforeEach(async () => {
  root = makeRoot({ 'big.bin': BIG, 'small.txt': 'small file' })
  ;({ port } = await start(root))
})
afterEach(async () => {
  vi.restoreAllMocks()
  await cleanup()
})

/** Runs `task` `n` times, `width` at a time. */
async function repeat(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < n; i += width) {
    await Promise.all(Array.from({ length: Math.min(width, n - i) }, (_, k) => task(i + k)))
  }
}

describe.skipIf(!hasProc)('fd hygiene (/proc/self/fd)', () => {
  it(`F1: ${N} downloads of a 4 MiB file aborted after the first bytes leak nothing`, async () => {
    const warm = await send(port, 'GET', '/big.bin')
    expect(warm.body.equals(BIG)).toBe(true)
    const baseline = await stableCount()
    let sawBytes = 0
    await repeat(N, 20, async () => {
      const c = await RawClient.connect(port)
      c.write(request('GET', '/big.bin'))
      if (await c.waitForBytes(1)) sawBytes++
      c.close()
    })
    expect(sawBytes).toBe(N)
    expect(await settle(baseline)).toBeLessThanOrEqual(0)
    // …and the server still serves the file whole afterwards.
    expect((await send(port, 'GET', '/big.bin')).body.equals(BIG)).toBe(true)
  })

  it(`F1 variant: clients that vanish mid-body (after 256 KiB) leak nothing`, async () => {
    await send(port, 'GET', '/big.bin')
    const baseline = await stableCount()
    await repeat(50, 10, async () => {
      const c = await RawClient.connect(port)
      c.write(request('GET', '/big.bin', { Range: 'bytes=1000-' }))
      await c.waitForBytes(256 * 1024)
      c.close()
    })
    expect(await settle(baseline)).toBeLessThanOrEqual(0)
  })

  it(`F2/F3: ${N} × 304, ${N} × HEAD, ${N} × 416, ${N} × 412 on a file streamed from disk open nothing`, async () => {
    const first = await send(port, 'GET', '/big.bin')
    const etag = header(first, 'etag') as string
    const baseline = await stableCount()
    const client = await RawClient.connect(port)
    const cases: Array<[string, Record<string, string>, number]> = [
      ['GET', { 'If-None-Match': etag }, 304],
      ['HEAD', {}, 200],
      ['GET', { Range: `bytes=${BIG.length}-` }, 416],
      ['GET', { 'If-Match': '"nope"' }, 412],
    ]
    // While the loop runs, the only descriptors may be the one client and its server-side peer.
    let peak = 0
    for (const [method, fields, status] of cases) {
      for (let i = 0; i < N; i++) {
        client.write(request(method, '/big.bin', fields))
        const r = await client.readResponse({ head: method === 'HEAD' })
        expect(r.status).toBe(status)
        if (i % 50 === 0) peak = Math.max(peak, fdCount() - baseline)
      }
    }
    expect(peak).toBeLessThanOrEqual(2)
    client.close()
    expect(await settle(baseline)).toBeLessThanOrEqual(0)
  })
})

describe('out of descriptors → 503 + Retry-After', () => {
  function failOpens(): { calls: () => number } {
    const original = fs.open
    let calls = 0
    vi.spyOn(fs, 'open').mockImplementation(((file: fs.PathLike, flags: unknown, ...rest: unknown[]) => {
      const callback = rest[rest.length - 1] as (err: NodeJS.ErrnoException | null, fd?: number) => void
      if (String(file).startsWith(root)) {
        calls++
        const err = Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE', errno: -24, syscall: 'open' })
        process.nextTick(callback, err)
        return
      }
      return (original as (...a: unknown[]) => void)(file, flags, ...rest)
    }) as typeof fs.open)
    return { calls: () => calls }
  }

  it('a big file (opened per request) → 503 with Retry-After, no body, and the server recovers', async () => {
    await send(port, 'GET', '/big.bin') // cached metadata: the next GET opens a descriptor
    const spy = failOpens()
    const r = await send(port, 'GET', '/big.bin')
    expect(spy.calls()).toBeGreaterThan(0)
    expect(r.statusLine).toBe('HTTP/1.1 503 Service Unavailable')
    expect(header(r, 'retry-after')).toBe('1')
    expect(r.body.length).toBe(0)
    expect(header(r, 'etag')).toBeUndefined()
    expect(header(r, 'content-type')).toBeUndefined()
    vi.restoreAllMocks()
    expect((await send(port, 'GET', '/big.bin')).body.equals(BIG)).toBe(true)
  })

  it('a small file not cached yet (read into memory on first use) → 503, then served once descriptors are back', async () => {
    const spy = failOpens()
    const r = await send(port, 'GET', '/small.txt')
    expect(spy.calls()).toBeGreaterThan(0)
    expect(r.status).toBe(503)
    expect(header(r, 'retry-after')).toBe('1')
    vi.restoreAllMocks()
    const ok = await send(port, 'GET', '/small.txt')
    expect(ok.status).toBe(200)
    expect(ok.body.toString()).toBe('small file')
  })
})
