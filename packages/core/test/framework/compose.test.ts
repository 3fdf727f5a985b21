import { describe, expect, it, vi } from 'vitest'
import { afterNext, completedSynchronously, compose } from '../../src/compose.js'
import type { Context } from '../../src/context.js'
import type { Middleware } from '../../src/types.js'

const ctx = (): Context => ({ state: {} }) as unknown as Context

describe('compose (koa-compose semantics)', () => {
  it('runs in onion order', async () => {
    const order: string[] = []
    const run = compose([
      async (_c, next) => {
        order.push('a1')
        await next()
        order.push('a2')
      },
      async (_c, next) => {
        order.push('b1')
        await next()
        order.push('b2')
      },
      () => {
        order.push('c')
      },
    ])
    await run(ctx())
    expect(order).toEqual(['a1', 'b1', 'c', 'b2', 'a2'])
  })

  it('rejects a second next() with a message naming the middleware', async () => {
    const twice: Middleware = async function twice(_c, next) {
      await next()
      await next()
    }
    await expect(compose([twice])(ctx())).rejects.toThrow(/next\(\) called multiple times in middleware #0 \(twice\)/)
  })

  it('turns a synchronous throw into a rejection that travels up through await next()', async () => {
    const caught: unknown[] = []
    const run = compose([
      async (_c, next) => {
        try {
          await next()
        } catch (err) {
          caught.push(err)
        }
      },
      () => {
        throw new Error('boom')
      },
    ])
    await run(ctx())
    expect((caught[0] as Error).message).toBe('boom')
  })

  it('treats any thenable as a promise (no AsyncFunction sniffing)', async () => {
    const order: string[] = []
    const thenableMw: Middleware = (_c, next) =>
      ({ then: (resolve: () => void, reject: (e: unknown) => void) => next().then(() => { order.push('after'); resolve() }, reject) }) as unknown as Promise<void>
    await compose([thenableMw, () => void order.push('inner')])(ctx())
    expect(order).toEqual(['inner', 'after'])
  })

  it('warns once when a middleware resolved before the rest of the chain (missing await)', async () => {
    const onWarning = vi.fn()
    const run = compose(
      [
        async function forgetful(_c, next) {
          void next()
        },
        async () => {
          await new Promise(r => setTimeout(r, 10))
        },
      ],
      { checkMissingAwait: true, onWarning },
    )
    await run(ctx())
    await run(ctx())
    expect(onWarning).toHaveBeenCalledTimes(1)
    expect(onWarning.mock.calls[0]?.[0]).toMatch(/forgetful/)
  })

  it('does not warn for a chain that awaits properly', async () => {
    const onWarning = vi.fn()
    const run = compose(
      [
        async (_c, next) => {
          await next()
        },
        async () => {
          await new Promise(r => setTimeout(r, 5))
        },
      ],
      { checkMissingAwait: true, onWarning },
    )
    await run(ctx())
    expect(onWarning).not.toHaveBeenCalled()
  })
})

describe('completedSynchronously', () => {
  const sync: Middleware = ctx => {
    ;(ctx.state as { hit?: boolean }).hit = true
  }
  const passThrough: Middleware = (_c, next) => next()
  const asyncOne: Middleware = async () => {}

  it('is true for a chain whose middleware all ran synchronously, with the effects visible at once', () => {
    const c = ctx()
    const done = compose([passThrough, passThrough, sync])(c)
    expect(completedSynchronously(done)).toBe(true)
    expect((c.state as { hit?: boolean }).hit).toBe(true)
  })

  it('is true for what next() returns when everything below is synchronous', () => {
    const seen: boolean[] = []
    const probe: Middleware = (_c, next) => {
      const rest = next()
      seen.push(completedSynchronously(rest))
      return rest
    }
    void compose([probe, passThrough, sync])(ctx())
    void compose([probe, asyncOne])(ctx())
    void compose([probe, passThrough, asyncOne, sync])(ctx())
    expect(seen).toEqual([true, false, false])
  })

  it('is false for an async middleware, a returned thenable, a rejection and any other promise', async () => {
    expect(completedSynchronously(compose([asyncOne])(ctx()))).toBe(false)
    const thenable: Middleware = () => ({ then: (resolve: () => void) => resolve() }) as unknown as Promise<void>
    expect(completedSynchronously(compose([thenable])(ctx()))).toBe(false)
    const throws = compose([
      () => {
        throw new Error('boom')
      },
    ])(ctx())
    expect(completedSynchronously(throws)).toBe(false)
    await expect(throws).rejects.toThrow('boom')
    expect(completedSynchronously(Promise.resolve())).toBe(false)
  })

  it('is kept by the development check for missing awaits (no warning for a synchronous pass-through)', async () => {
    const onWarning = vi.fn()
    const done = compose([passThrough, sync], { checkMissingAwait: true, onWarning })(ctx())
    expect(completedSynchronously(done)).toBe(true)
    await new Promise(resolve => setTimeout(resolve, 5))
    expect(onWarning).not.toHaveBeenCalled()
  })
})

describe('afterNext', () => {
  const log: string[] = []
  const done = (c: string): void => void log.push(`done ${c}`)
  const failed = (c: string, err: unknown): void => void log.push(`failed ${c}: ${(err as Error).message}`)

  it('runs done at once and returns nothing when the rest finished synchronously', () => {
    log.length = 0
    const result = afterNext('a', () => compose([() => void log.push('below')])(ctx()), done, failed)
    expect(result).toBeUndefined()
    expect(log).toEqual(['below', 'done a'])
  })

  it('returns a promise that settles after done when the rest is asynchronous', async () => {
    log.length = 0
    const result = afterNext('b', () => compose([async () => void log.push('below')])(ctx()), done, failed)
    expect(result).toBeInstanceOf(Promise)
    expect(log).toEqual(['below'])
    await result
    expect(log).toEqual(['below', 'done b'])
  })

  it('hands a synchronous throw and a rejection to failed (once, without done)', async () => {
    log.length = 0
    afterNext(
      'c',
      () => {
        throw new Error('sync')
      },
      done,
      failed,
    )
    await afterNext('d', () => Promise.reject(new Error('async')), done, failed)
    expect(log).toEqual(['failed c: sync', 'failed d: async'])
  })

  it('passes on what failed rethrows', async () => {
    const rethrow = (_c: string, err: unknown): never => {
      throw err
    }
    await expect(afterNext('e', () => Promise.reject(new Error('up')), done, rethrow)).rejects.toThrow('up')
    expect(() =>
      afterNext(
        'f',
        () => {
          throw new Error('up too')
        },
        done,
        rethrow,
      ),
    ).toThrow('up too')
  })
})
