import { afterEach, describe, expect, it } from 'vitest'
import { createApp, type Middleware } from 'tinyhttp-core'
import { rawRequest } from '../helpers/raw-client.js'
import { closeAll, serve, sleep } from '../helpers/serve.js'

afterEach(closeAll)

// A middleware that forgets `await next()` in front of one that answers later: the most common Koa bug.
const forgetful: Middleware = async function forgetful(_ctx, next) {
  void next()
}
// It only waits: setting a body after the early answer went out would (rightly) throw.
const slow: Middleware = async function slow() {
  await sleep(5)
}

/** Sends one request to an app built with `options` and collects the TinyhttpWarnings emitted meanwhile. */
async function warningsFor(options: Parameters<typeof createApp>[0]): Promise<string[]> {
  const seen: string[] = []
  const onWarning = (w: Error): void => {
    if (w.name === 'TinyhttpWarning') seen.push(w.message)
  }
  process.on('warning', onWarning)
  try {
    const { port } = await serve([forgetful, slow], options)
    await rawRequest(port, 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')
    // process 'warning' events are emitted on the next tick; give them a bounded moment.
    for (let i = 0; i < 20 && seen.length === 0; i++) await sleep(5)
    return seen
  } finally {
    process.off('warning', onWarning)
  }
}

describe('AppOptions.checkMissingAwait', () => {
  it('outside production (vitest sets NODE_ENV=test) the App warns about a missing await by default', async () => {
    const seen = await warningsFor(undefined)
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatch(/forgetful.*missing "await next\(\)"/)
  })

  it('checkMissingAwait: false turns the check (and its per-request cost) off', async () => {
    expect(await warningsFor({ checkMissingAwait: false })).toEqual([])
  })

  it('a value that is not a boolean is refused at construction', () => {
    expect(() => createApp({ checkMissingAwait: 'no' as unknown as boolean })).toThrow(TypeError)
  })
})
