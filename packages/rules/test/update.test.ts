// rules().update(): the rule set is swapped at once; a request uses one set from start to end.
import fc from 'fast-check'
import { createApp, type App } from 'tinyhttp-core'
import { describe, expect, it } from 'vitest'
import { RulesConfigError, mergeRules, parseHeaders, parseRedirects, rules, type RulesMiddleware, type SiteRules } from '../src/index.js'

/** A set whose every rule names it: two header rules (different patterns) and a redirect. */
function named(name: string): SiteRules {
  return mergeRules([
    parseHeaders(`/*\n  X-Set-All: ${name}\n/p/*\n  X-Set-P: ${name}\n`, `${name}/_headers`),
    parseRedirects(`/go /${name} 302\n/r/* /${name}/:splat 200!\n`, `${name}/_redirects`),
  ])
}

/** An app: the rules, then a handler that waits for `gate` (when given) and answers 200. */
function appWith(mw: RulesMiddleware, gate?: () => Promise<void>): App {
  const app = createApp()
  app.use(mw, async ctx => {
    if (gate !== undefined) await gate()
    ctx.res.body = 'ok'
  })
  return app
}

/** One turn of the event loop. */
const turn = () => new Promise<void>(resolve => setImmediate(resolve))

const get = (app: App, target: string) => app.inject({ method: 'GET', target, headers: { Host: 'x' } })

describe('rules().update()', () => {
  it('swaps redirects and header rules; config is the set in force', async () => {
    const mw = rules(named('old'))
    const app = appWith(mw)
    expect((await get(app, '/go')).headers.get('location')).toBe('/old')
    mw.update(named('new'))
    expect(mw.config).toEqual(named('new'))
    const after = await get(app, '/go')
    expect(after.status).toBe(302)
    expect(after.headers.get('location')).toBe('/new')
    expect((await get(app, '/p/x')).headers.get('x-set-p')).toBe('new')
  })

  it('a request in flight keeps the set it started with, on the way out too', async () => {
    const mw = rules(named('old'))
    let release!: () => void
    let arrived!: () => void
    const entered = new Promise<void>(resolve => (arrived = resolve))
    const appRef = appWith(mw, () =>
      new Promise<void>(done => {
        release = done
        arrived()
      }),
    )
    const inFlight = get(appRef, '/p/a')
    await entered
    mw.update(named('new'))
    release()
    const res = await inFlight
    expect(res.status).toBe(200)
    expect(res.headers.get('x-set-all')).toBe('old')
    expect(res.headers.get('x-set-p')).toBe('old')
  })

  it('an invalid set throws a RulesConfigError naming the line and keeps the old rules', async () => {
    const mw = rules(named('old'))
    const app = appWith(mw)
    const cycle = parseRedirects('/a /b 301\n/b /a 301\n', 'broken/_redirects')
    expect(() => mw.update(cycle)).toThrow(RulesConfigError)
    expect(() => mw.update(cycle)).toThrow(/^broken\/_redirects:1: redirect cycle/)
    const forcedless = parseRedirects('/* /index.html 200\n', 'shell/_redirects')
    expect(() => mw.update(forcedless)).toThrow(/shell\/_redirects:1: .*options\.exists/)
    expect(mw.config).toEqual(named('old'))
    const res = await get(app, '/go')
    expect(res.headers.get('location')).toBe('/old')
    expect(res.headers.get('x-set-all')).toBe('old')
  })

  it('from no rules to rules and back', async () => {
    const empty: SiteRules = { headers: [], routes: [] }
    const mw = rules(empty)
    const app = appWith(mw)
    const before = await get(app, '/go')
    expect(before.status).toBe(200)
    expect(before.headers.get('x-set-all')).toBeUndefined()
    mw.update(named('one'))
    expect((await get(app, '/go')).headers.get('location')).toBe('/one')
    mw.update(empty)
    const after = await get(app, '/go')
    expect(after.status).toBe(200)
    expect(after.body.toString()).toBe('ok')
  })

  it('property: under updates at random moments, every answer is made by one set (rewrite on entry, headers on the way out)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(4), fc.nat(4)), { minLength: 2, maxLength: 10 }), async plan => {
        const mw = rules(named('s0'))
        const app = createApp()
        app.use(mw, async ctx => {
          const ticks = Number(ctx.req.rawQuery)
          for (let i = 0; i < ticks; i++) await turn()
          ctx.res.body = ctx.req.canonicalPath.ok ? ctx.req.canonicalPath.path : ''
        })
        const answers: Array<Promise<Awaited<ReturnType<typeof get>>>> = []
        for (const [i, [ticks, pause]] of plan.entries()) {
          answers.push(get(app, `/r/x?${ticks}`))
          for (let t = 0; t < pause; t++) await turn()
          mw.update(named(`s${i + 1}`))
        }
        for (const res of await Promise.all(answers)) {
          const all = res.headers.get('x-set-all')
          expect(all).toMatch(/^s\d+$/)
          // The rewrite chose the set on entry; the header rule on the way out must be of the same set.
          expect(res.body.toString()).toBe(`/${all}/x`)
        }
      }),
      { numRuns: 60 },
    )
  })
})

describe('rules() option servedPath', () => {
  it('header rules match the path of the file that answered instead of the request path', async () => {
    const set = parseHeaders('/index.html\n  Cache-Control: no-cache\n/deep/*\n  X-Deep: yes\n', '_headers')
    const app = createApp()
    app.use(
      rules(set, { servedPath: ctx => (ctx.res.reason === 'fallback:spa' ? '/index.html' : undefined) }),
      ctx => {
        ctx.res.reason = ctx.req.rawPath === '/deep/shell' ? 'fallback:spa' : 'static:hit'
        ctx.res.body = 'x'
      },
    )
    const shell = await get(app, '/deep/shell')
    expect(shell.headers.get('cache-control')).toBe('no-cache')
    expect(shell.headers.get('x-deep')).toBeUndefined()
    const other = await get(app, '/deep/other')
    expect(other.headers.get('x-deep')).toBe('yes')
    expect(other.headers.get('cache-control')).toBeUndefined()
  })

  it('refuses a servedPath that is not a function', () => {
    expect(() => rules({ headers: [], routes: [] }, { servedPath: 'x' as never })).toThrow(TypeError)
  })
})
