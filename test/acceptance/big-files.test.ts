// Big files: byte-exact 5 MiB downloads, ranges in the middle, concurrency, and fd hygiene of the
// CLI process (aborted downloads, 304s, HEADs, 416s, 412s) counted in /proc/<pid>/fd.
import { connect } from 'node:net'
import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { BIG, BIG_SHA256, FILE_TXT, RawClient, cliBuilt, download, expectAlive, fdCount, h, headOnly, parseByteranges, req, request, serve, sha256, sleep, topic, type RawResponse, type Served } from './fixture.js'

const SIZE = BIG.length

/** Opens a connection, asks for /big.bin, destroys the socket as soon as the first bytes arrive. */
function abortedDownload(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error('no first bytes within 5 s'))
    }, 5000)
    socket.on('connect', () => socket.write(req('GET', '/big.bin')))
    socket.once('data', () => {
      clearTimeout(timer)
      socket.destroy()
      resolve()
    })
    socket.on('error', () => {})
  })
}

/** Runs `n` tasks with at most `width` in flight. */
async function pool(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await task(next++)
    }),
  )
}

describe.skipIf(!cliBuilt())(topic('big files and fd hygiene'), () => {
  let s: Served
  let pid: number
  beforeAll(async () => {
    s = await serve()
    pid = s.cli.child.pid!
  })
  afterAll(async () => {
    await s?.stop()
  })

  test('GET /big.bin → 5 MiB, sha-256 exact', async () => {
    const res = await download(s.port, req('GET', '/big.bin'))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-length')?.[0]).toBe(String(SIZE))
    expect(res.headers.has('transfer-encoding')).toBe(false)
    expect(sha256(res.body)).toBe(BIG_SHA256)
  })

  const RANGES: Array<[range: string, start: number, end: number]> = [
    ['bytes=2097152-2162687', 2097152, 2162687],
    ['bytes=1000000-1000099', 1000000, 1000099],
    ['bytes=65535-131073', 65535, 131073],
    ['bytes=-1000', SIZE - 1000, SIZE - 1],
    ['bytes=5242000-', 5242000, SIZE - 1],
    ['bytes=1-5242878', 1, SIZE - 2],
  ]
  test.each(RANGES)('GET /big.bin Range: %s → 206 with the exact bytes', async (range, start, end) => {
    const res = await download(s.port, req('GET', '/big.bin', { Range: range }))
    expect(res.status, res.rawHead).toBe(206)
    expect(res.headers.get('content-range')?.[0]).toBe(`bytes ${start}-${end}/${SIZE}`)
    expect(res.body.length).toBe(end - start + 1)
    expect(res.body.equals(BIG.subarray(start, end + 1))).toBe(true)
  })

  test('GET /big.bin two middle ranges → multipart with the exact bytes and an exact Content-Length, not chunked (or 200 exact)', async () => {
    const raw = req('GET', '/big.bin', { Range: 'bytes=100-199,3000000-3000999' })
    const head = await headOnly(s.port, raw)
    expect([200, 206], head.rawHead).toContain(head.status)
    if (head.status === 200) {
      const full = await download(s.port, raw)
      expect(sha256(full.body)).toBe(BIG_SHA256)
      return
    }
    const c = await RawClient.connect(s.port)
    let res: RawResponse
    try {
      c.write(raw)
      res = await c.readResponse()
    } finally {
      c.close()
    }
    const type = h(res, 'content-type') ?? ''
    const boundary = /boundary=("?)([^";]+)\1/i.exec(type)?.[2]
    expect(boundary, type).toBeDefined()
    const parts = parseByteranges(res.body, boundary!)
    expect(parts.map(p => p.headers['content-range'])).toEqual([`bytes 100-199/${SIZE}`, `bytes 3000000-3000999/${SIZE}`])
    expect(parts[0]!.data.equals(BIG.subarray(100, 200))).toBe(true)
    expect(parts[1]!.data.equals(BIG.subarray(3000000, 3001000))).toBe(true)
    expect(parts.every(p => p.headers['content-type'] === 'application/octet-stream')).toBe(true)
    // File responses are Content-Length framed (brief; research M18): the multipart length is known in advance.
    expect(res.headers.has('transfer-encoding'), `chunked multipart\n${res.rawHead}`).toBe(false)
    expect(h(res, 'content-length'), res.rawHead).toBe(String(res.body.length))
  })

  test('20 concurrent downloads of /big.bin are all byte-exact', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => download(s.port, req('GET', '/big.bin'), 30_000)))
    for (const res of results) {
      expect(res.status).toBe(200)
      expect(sha256(res.body)).toBe(BIG_SHA256)
    }
  }, 40_000)

  test('a stalled reader of /big.bin does not block other connections; when it resumes it gets every byte (back-pressure, F5)', async () => {
    const chunks: Buffer[] = []
    const socket = connect({ port: s.port, host: '127.0.0.1' })
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve)
        socket.once('error', reject)
      })
      socket.write(req('GET', '/big.bin'))
      // Read the first bytes, then stop reading for a while.
      await new Promise<void>(resolve => socket.once('data', (d: Buffer) => (chunks.push(d), resolve())))
      socket.pause()
      const t0 = Date.now()
      const other = await request(s.port, 'GET', '/file.txt')
      expect(other.body.equals(FILE_TXT)).toBe(true)
      expect(Date.now() - t0, 'another connection waited behind the stalled one').toBeLessThan(1000)
      await sleep(300)
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('stalled download never completed')), 15_000)
        socket.on('data', (d: Buffer) => {
          chunks.push(d)
          const all = Buffer.concat(chunks)
          const end = all.indexOf('\r\n\r\n')
          if (end !== -1 && all.length - end - 4 >= SIZE) {
            clearTimeout(timer)
            resolve()
          }
        })
      })
      socket.resume()
      await done
      const all = Buffer.concat(chunks)
      const body = all.subarray(all.indexOf('\r\n\r\n') + 4)
      expect(body.length).toBe(SIZE)
      expect(sha256(body)).toBe(BIG_SHA256)
    } finally {
      socket.destroy()
    }
  }, 30_000)

  test('fd hygiene: 100 aborted downloads, 100 × 304, 50 × HEAD, 50 × 416, 50 × 412 → no fd growth (≤ 2)', async () => {
    expect(existsSync(`/proc/${pid}/fd`), 'needs Linux /proc').toBe(true)
    const etag = h(await request(s.port, 'GET', '/big.bin', { Range: 'bytes=0-0' }), 'etag')!
    // Warm-up: one of each kind, so lazily created handles (caches, timers) exist before counting.
    await abortedDownload(s.port)
    await request(s.port, 'GET', '/big.bin', { 'If-None-Match': etag })
    await sleep(300)
    const before = fdCount(pid)

    await pool(100, 10, () => abortedDownload(s.port))
    await pool(100, 10, async () => {
      const res = await request(s.port, 'GET', '/big.bin', { 'If-None-Match': etag })
      expect(res.status).toBe(304)
    })
    await pool(50, 10, async () => {
      const res = await request(s.port, 'HEAD', '/big.bin')
      expect(res.status).toBe(200)
    })
    await pool(50, 10, async () => {
      const res = await request(s.port, 'GET', '/big.bin', { Range: `bytes=${SIZE}-` })
      expect(res.status).toBe(416)
    })
    await pool(50, 10, async () => {
      const res = await request(s.port, 'GET', '/big.bin', { 'If-Match': '"nope"' })
      expect(res.status).toBe(412)
    })

    // Bounded settle: the server may need a moment to see the resets.
    let after = fdCount(pid)
    for (let i = 0; i < 30 && after > before + 2; i++) {
      await sleep(100)
      after = fdCount(pid)
    }
    expect(after - before, `fds before=${before} after=${after}`).toBeLessThanOrEqual(2)
    await expectAlive(s.port, 'fd hygiene')
    const small = await request(s.port, 'GET', '/file.txt')
    expect(small.body.equals(FILE_TXT)).toBe(true)
  }, 40_000)
})
