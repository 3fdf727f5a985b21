import { describe, expect, it } from 'vitest'
import { MessageDeflate, ZlibLimiter } from '../../packages/websocket/src/deflate/index.js'
import { params, text } from './deflate-helpers.js'

/** A job the test finishes by hand. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void
  const promise = new Promise<void>((resolve) => (open = resolve))
  return { promise, open }
}

describe('ZlibLimiter', () => {
  it('runs at most `concurrency` jobs at once, the rest in arrival order', async () => {
    const limiter = new ZlibLimiter(2)
    const gates = Array.from({ length: 5 }, gate)
    const started: number[] = []
    const done = gates.map((g, i) =>
      limiter.run(async () => {
        started.push(i)
        await g.promise
        return i
      }),
    )
    await Promise.resolve()
    expect(started).toEqual([0, 1])
    expect([limiter.running, limiter.queued]).toEqual([2, 3])
    gates[1]!.open()
    await done[1]
    await Promise.resolve()
    expect(started).toEqual([0, 1, 2])
    gates[0]!.open()
    gates[2]!.open()
    gates[3]!.open()
    gates[4]!.open()
    expect(await Promise.all(done)).toEqual([0, 1, 2, 3, 4])
    expect(started).toEqual([0, 1, 2, 3, 4])
    expect([limiter.running, limiter.queued]).toEqual([0, 0])
  })

  it('frees the slot when a job fails', async () => {
    const limiter = new ZlibLimiter(1)
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(await limiter.run(async () => 42)).toBe(42)
    expect(limiter.running).toBe(0)
  })

  it.each([0, -1, 1.5, Number.NaN])('refuses concurrency %d', (n) => {
    expect(() => new ZlibLimiter(n)).toThrow(TypeError)
  })

  it('one socket with a hundred queued messages holds one slot: another socket’s message is served next', async () => {
    const limiter = new ZlibLimiter(1)
    const busy = new MessageDeflate(params(), { limiter })
    const other = new MessageDeflate(params(), { limiter })
    const order: string[] = []
    const flood = Array.from({ length: 100 }, (_, i) => busy.compress(text(4000, i)).then(() => order.push(`busy${i}`)))
    await Promise.resolve()
    const single = other.compress(text(4000)).then(() => order.push('other'))
    await Promise.all([...flood, single])
    expect(order.indexOf('other')).toBeLessThanOrEqual(1)
    expect(order.filter((o) => o.startsWith('busy'))).toEqual(Array.from({ length: 100 }, (_, i) => `busy${i}`))
    busy.close()
    other.close()
  })

  it('bounds the zlib jobs in flight across many sockets', async () => {
    const limiter = new ZlibLimiter(3)
    let peak = 0
    const sockets = Array.from({ length: 20 }, () => new MessageDeflate(params(), { limiter }))
    const watch = setInterval(() => (peak = Math.max(peak, limiter.running)), 0)
    await Promise.all(sockets.flatMap((s) => [s.compress(text(50_000, 1)), s.compress(text(50_000, 2))]))
    clearInterval(watch)
    expect(peak).toBeGreaterThan(0)
    expect(peak).toBeLessThanOrEqual(3)
    expect(limiter.running).toBe(0)
    for (const s of sockets) s.close()
  })
})
