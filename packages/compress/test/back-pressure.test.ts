// A client that stops reading stops the source: zlib's buffers fill, pipeline pauses the source, and the
// bytes the source produced stay bounded (socket buffers + a few zlib chunks), not the 512 MiB it could
// produce. Random bytes (with a compressible type) so the coded output is as large as the input and
// really fills the socket.
import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import { Readable } from 'node:stream'
import type { Context } from 'tinyhttp-core'
import { afterEach, describe, expect, it } from 'vitest'
import { compress } from '../src/index.js'
import { listen, waitFor, type Listening } from './wire.js'

const POOL = randomBytes(1024 * 1024)
const SLICE = 64 * 1024
const CAN_PRODUCE = 512 * 1024 * 1024
/**
 * Loopback socket buffers grow to a few MiB each way (Linux tcp_wmem/tcp_rmem maxima 4 and 6 MiB); zlib and
 * the streams hold 16–64 KiB each. Measured here at rest: 4.0 MiB (gzip) and 4.1 MiB (br).
 */
const BOUND = 16 * 1024 * 1024

let server: Listening | undefined
let client: Socket | undefined
afterEach(async () => {
  client?.destroy()
  await server?.close()
  server = client = undefined
})

/** Resolves when `value()` has not changed for `quietMs` (checked every 50 ms), at most `timeoutMs`. */
async function settled(value: () => number, quietMs: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs
  let last = value()
  let since = Date.now()
  while (Date.now() < deadline) {
    await new Promise(r => setTimeout(r, 50))
    const now = value()
    if (now !== last) {
      last = now
      since = Date.now()
    } else if (Date.now() - since >= quietMs) return now
  }
  throw new Error(`still growing after ${timeoutMs} ms: ${value()} bytes`)
}

describe('back-pressure', () => {
  it.each(['gzip', 'br'])('%s: a paused client stops the source (bounded bytes produced); closing it destroys the source', async coding => {
    let produced = 0
    let destroyed = false
    server = await listen([
      compress(),
      (ctx: Context) => {
        ctx.res.headers.set('Content-Type', 'text/plain')
        ctx.res.body = new Readable({
          read() {
            if (produced >= CAN_PRODUCE) return void this.push(null)
            const at = produced % POOL.length
            this.push(POOL.subarray(at, at + SLICE))
            produced += SLICE
          },
          destroy(err, cb) {
            destroyed = true
            cb(err)
          },
        })
      },
    ])
    let received = 0
    client = connect(server.port, '127.0.0.1', () => client!.write(`GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: ${coding}\r\n\r\n`))
    client.on('data', (d: Buffer) => {
      received += d.length
      client!.pause() // read one chunk, then nothing more
    })
    await waitFor(() => received > 0, 'the first bytes')
    const atRest = await settled(() => produced, 500, 15_000)
    expect(atRest).toBeGreaterThan(0)
    expect(atRest).toBeLessThan(BOUND)
    client.destroy()
    await waitFor(() => destroyed, 'the source to be destroyed after the client left')
    expect(produced).toBe(atRest)
  }, 30_000)
})
