import zlib from 'node:zlib'
import type { DeflateParams } from '../../packages/websocket/src/deflate/index.js'

export const TRAILER = Buffer.from([0x00, 0x00, 0xff, 0xff])

/** The parameters as the client sees them: what a client-side MessageDeflate would be built with. */
export function mirror(p: DeflateParams): DeflateParams {
  return {
    serverNoContextTakeover: p.clientNoContextTakeover,
    clientNoContextTakeover: p.serverNoContextTakeover,
    serverMaxWindowBits: Math.max(9, p.clientMaxWindowBits),
    clientMaxWindowBits: p.serverMaxWindowBits,
  }
}

export function params(overrides: Partial<DeflateParams> = {}): DeflateParams {
  return { serverNoContextTakeover: false, clientNoContextTakeover: false, serverMaxWindowBits: 15, clientMaxWindowBits: 15, ...overrides }
}

/**
 * A plain-zlib permessage-deflate sender, independent of ours: a raw deflate stream flushed with
 * Z_SYNC_FLUSH per message, trailer stripped; reset per message without context takeover.
 */
export class ZlibSender {
  readonly #stream: zlib.DeflateRaw
  constructor(
    windowBits: number,
    readonly noContextTakeover: boolean,
  ) {
    this.#stream = zlib.createDeflateRaw({ windowBits })
  }
  send(message: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const out: Buffer[] = []
      const onData = (c: Buffer): void => void out.push(c)
      this.#stream.on('data', onData)
      this.#stream.once('error', reject)
      this.#stream.write(message)
      this.#stream.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        this.#stream.off('data', onData)
        this.#stream.off('error', reject)
        if (this.noContextTakeover) this.#stream.reset()
        const all = Buffer.concat(out)
        if (!all.subarray(-4).equals(TRAILER)) reject(new Error('sync flush without its trailer'))
        else resolve(all.subarray(0, -4))
      })
    })
  }
  close(): void {
    this.#stream.close()
  }
}

/** Cuts `payload` into frames at the given fractions (as a peer fragmenting a message would). */
export function fragment(payload: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * payload.length)))].sort((a, b) => a - b)
  const frames: Buffer[] = []
  let from = 0
  for (const p of points) {
    frames.push(payload.subarray(from, p))
    from = p
  }
  frames.push(payload.subarray(from))
  return frames
}

/** Compressible text of a given size with some variety. */
export function text(size: number, seed = 1): Buffer {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'websocket', 'frame', 'deflate', 'tinyhttp', '{"id":', '}\n']
  const parts: string[] = []
  let n = 0
  let x = seed
  while (n < size) {
    x = (x * 1103515245 + 12345) & 0x7fffffff
    const w = words[x % words.length]!
    parts.push(w)
    n += w.length + 1
  }
  return Buffer.from(parts.join(' ')).subarray(0, size)
}

/** Plain zlib's one-shot inflate of a permessage-deflate stream (no BFINAL expected: sync-flush finish). */
export function inflatePlain(payload: Buffer, windowBits = 15): Buffer {
  return zlib.inflateRawSync(payload, { windowBits, finishFlush: zlib.constants.Z_SYNC_FLUSH })
}
