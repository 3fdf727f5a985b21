import fc from 'fast-check'
import { createApp, type Middleware } from 'tinyhttp-core'
import { describe, expect, it } from 'vitest'
import { RulesConfigError, mergeRules, parseHeaders, parseRedirects, parseServeJson, rules, type RulesOptions } from '../src/index.js'

const HEADERS = `
/*
  X-Content-Type-Options: nosniff
  ! X-Powered-By
/assets/*
  Cache-Control: public, max-age=31536000, immutable
/old
  X-Old: yes
`
const REDIRECTS = `
/old          /new            301
/news/:y/*    /blog/:y/:splat 308
/docs/*       https://docs.example/:splat?from=old 302
/shadowed     /elsewhere      302
/forced       /elsewhere      302!
`

/** An app with the rules, then a handler answering 200 with a body and an X-Powered-By to remove. */
function appWith(options: RulesOptions = {}, handler?: Middleware) {
  const app = createApp()
  app.use(rules(mergeRules([parseHeaders(HEADERS, '_headers'), parseRedirects(REDIRECTS, '_redirects')]), { allowedHosts: ['docs.example'], ...options }))
  app.use(
    handler ??
      (ctx => {
        ctx.res.headers.set('X-Powered-By', 'handler')
        ctx.res.body = 'served ' + ctx.req.rawPath
      }),
  )
  return app
}

describe('rules(): redirects on the wire', () => {
  it.each<[string, number, string]>([
    ['/old', 301, '/new'],
    ['/old/', 301, '/new'],
    ['/old?x=1&y=2', 301, '/new?x=1&y=2'],
    ['/news/2024/a/b', 308, '/blog/2024/a/b'],
    ['/news/2024/caf%C3%A9%20x', 308, '/blog/2024/caf%C3%A9%20x'],
    ['/news/2024/evil.example', 308, '/blog/2024/evil.example'],
    ['/docs/guide/', 302, 'https://docs.example/guide/?from=old'],
    ['/docs/guide?q=1', 302, 'https://docs.example/guide?from=old'],
  ])('GET %s → %i Location %s', async (target, status, location) => {
    const res = await appWith().inject({ target, headers: { Host: 'x' } })
    expect(res.status).toBe(status)
    expect(res.headers.get('location')).toBe(location)
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(res.body.toString()).toMatch(/^30\d [A-Za-z ]+\n$/)
    expect(res.body.toString()).not.toContain('x=1')
  })

  it('the redirect body is fixed text: nothing of the request is reflected', async () => {
    const res = await appWith().inject({ target: '/news/1/%3Cscript%3Ealert(1)%3C%2Fscript%3E', headers: { Host: 'x' } })
    // %2F in the path: the canonical path refuses it, no rule sees it, the handler answers.
    expect(res.status).toBe(200)
    // '<' is refused by the canonical path too; a quote is a legal name, and the body still echoes nothing.
    const hit = await appWith().inject({ target: '/news/1/x%27%3Balert(1)%20%26', headers: { Host: 'x' } })
    expect(hit.status).toBe(308)
    expect(hit.body.toString()).toBe('308 Permanent Redirect\n')
    expect(hit.headers.get('location')).toBe("/blog/1/x';alert(1)%20&")
  })

  it.each(['//old', '/x/../old', '/%6Fld/../old', '/old%2F', '/old%5C'])('%s is refused by the canonical path before any rule', async target => {
    const res = await appWith().inject({ target, headers: { Host: 'x' } })
    expect(res.headers.get('location')).toBeUndefined()
    expect(res.status).not.toBe(301)
  })

  it('a rule without ! is shadowed by an existing file; a forced one is not', async () => {
    const exists = (p: string): boolean => p === '/shadowed' || p === '/forced'
    const shadowed = await appWith({ exists }).inject({ target: '/shadowed', headers: { Host: 'x' } })
    expect(shadowed.status).toBe(200)
    expect(shadowed.body.toString()).toBe('served /shadowed')
    const forced = await appWith({ exists }).inject({ target: '/forced', headers: { Host: 'x' } })
    expect(forced.status).toBe(302)
    expect(forced.headers.get('location')).toBe('/elsewhere')
    const noHook = await appWith().inject({ target: '/shadowed', headers: { Host: 'x' } })
    expect(noHook.status).toBe(302)
  })

  it('HEAD gets the same status and Location, without a body', async () => {
    const res = await appWith().inject({ method: 'HEAD', target: '/old', headers: { Host: 'x' } })
    expect(res.status).toBe(301)
    expect(res.headers.get('location')).toBe('/new')
    expect(res.body.length).toBe(0)
  })
})

describe('rules(): header rules on the way out', () => {
  it('sets and removes headers on a 200 from below', async () => {
    const res = await appWith().inject({ target: '/assets/app.3f9a1c2e.js', headers: { Host: 'x' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('x-powered-by')).toBeUndefined()
    expect(res.body.toString()).toBe('served /assets/app.3f9a1c2e.js')
  })

  it('applies to refusals and to redirects too', async () => {
    const refused = await appWith({}, ctx => {
      ctx.res.status = 403
      ctx.res.reason = 'deny:not-allowlisted'
    }).inject({ target: '/assets/x', headers: { Host: 'x' } })
    expect(refused.status).toBe(403)
    expect(refused.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    const redirected = await appWith().inject({ target: '/old', headers: { Host: 'x' } })
    expect(redirected.headers.get('x-old')).toBe('yes')
    expect(redirected.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('works below an asynchronous handler', async () => {
    const res = await appWith({}, async ctx => {
      await new Promise(resolve => setTimeout(resolve, 5))
      ctx.res.body = 'late'
    }).inject({ target: '/assets/a.css', headers: { Host: 'x' } })
    expect(res.body.toString()).toBe('late')
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
  })

  it('an error thrown below goes on up (rendered by the core), untouched', async () => {
    const res = await appWith({}, () => {
      throw new Error('boom')
    }).inject({ target: '/assets/a.css', headers: { Host: 'x' } })
    expect(res.status).toBe(500)
  })
})

describe('rules(): what it cannot apply is refused at start-up', () => {
  it.each<[string, () => unknown, RegExp]>([
    ['a rewrite without ! and without exists()', () => rules(parseRedirects('/a /b\n/* /index.html 200\n', '_redirects')), /^_redirects:2: a rewrite without "!"/],
    ['a rewrite with a query', () => rules(parseRedirects('/a /b?x=1 200!\n', '_redirects')), /^_redirects:1: a rewrite destination with a query/],
    ['cleanUrls', () => rules(parseServeJson('{"cleanUrls": true}', 'serve.json')), /cleanUrls needs options.exists/],
    ['trailingSlash', () => rules(parseServeJson('{"trailingSlash": false}', 'serve.json')), /trailingSlash needs options.exists/],
    ['a hostile destination', () => rules(parseRedirects('/a //evil.example\n', '_redirects')), /^_redirects:1: destination/],
  ])('%s', (_label, make, message) => {
    expect(make).toThrow(RulesConfigError)
    expect(make).toThrow(message)
  })

  it.each([[''], ['a/index.html'], [7]])('index %j is a TypeError', bad => {
    expect(() => rules(parseServeJson('{}', 's'), { index: bad as string })).toThrow(TypeError)
  })

  it('cleanUrls false and no trailingSlash load', () => {
    expect(typeof rules(parseServeJson('{"cleanUrls": false}', 'serve.json'))).toBe('function')
    expect(rules(parseServeJson('{}', 'serve.json')).name).toBe('rules')
  })
})

describe('rules(): rewrites', () => {
  const REWRITES = `
/legacy/:id   /items/:id.html   200!
/app/*        /app/index.html   200
/*            /index.html       200
`
  const HEADER_RULES = `
/index.html
  Cache-Control: no-cache
/items/*
  X-Item: yes
`
  const files = new Set(['/app.3f9a1c2e.js', '/index.html', '/app/index.html', '/legacy/7'])
  function rewriteApp() {
    const app = createApp()
    app.use(rules(mergeRules([parseHeaders(HEADER_RULES, '_headers'), parseRedirects(REWRITES, '_redirects')]), { exists: p => files.has(p) }))
    app.use(ctx => {
      const original = ctx.req.originalPath
      ctx.res.body = `${ctx.req.path} (asked ${original?.ok ? original.path : '-'})`
    })
    return app
  }

  it.each<[string, string, string | undefined]>([
    ['/about', '/index.html (asked /about)', 'no-cache'],
    ['/deep/link/', '/index.html (asked /deep/link/)', 'no-cache'],
    ['/app/settings', '/app/index.html (asked /app/settings)', undefined],
    ['/app.3f9a1c2e.js', '/app.3f9a1c2e.js (asked -)', undefined],
    ['/index.html', '/index.html (asked -)', 'no-cache'],
    ['/legacy/7', '/items/7.html (asked /legacy/7)', undefined],
    ['/legacy/caf%C3%A9', '/items/café.html (asked /legacy/café)', undefined],
  ])('GET %s is served as %s', async (target, body, cacheControl) => {
    const res = await rewriteApp().inject({ target, headers: { Host: 'x' } })
    expect(res.status).toBe(200)
    expect(res.body.toString()).toBe(body)
    expect(res.headers.get('location')).toBeUndefined()
    expect(res.headers.get('cache-control')).toBe(cacheControl)
  })

  it('a filled-in target the canonical path refuses is no rewrite (the request goes on as it came)', async () => {
    const app = createApp()
    app.use(rules(parseRedirects('/short/:n /file~:n 200!\n', '_redirects')))
    app.use(ctx => {
      ctx.res.body = ctx.req.path
    })
    expect((await app.inject({ target: '/short/1', headers: { Host: 'x' } })).body.toString()).toBe('/short/1')
    expect((await app.inject({ target: '/short/a', headers: { Host: 'x' } })).body.toString()).toBe('/file~a')
  })

  it('header rules match the rewrite target, not the path asked for', async () => {
    const res = await rewriteApp().inject({ target: '/legacy/9', headers: { Host: 'x' } })
    expect(res.headers.get('x-item')).toBe('yes')
  })
})

describe('rules(): property over the wire', () => {
  it('whatever path is asked for, a Location is a path of this site or the allowed host, never //host', async () => {
    const app = createApp()
    app.use(
      rules(parseRedirects('/go/* /:splat 302\n/p/:id /x/:id 301\n/d/* https://docs.example/:splat 307\n/* /fallback 302\n', '_redirects'), {
        allowedHosts: ['docs.example'],
      }),
    )
    const segment = fc.string({ unit: fc.constantFrom(...'ab./\\:%2F5Ce@?#'.split('')), minLength: 1, maxLength: 6 })
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('go', 'p', 'd', 'z'), fc.array(segment, { maxLength: 3 }), async (first, rest) => {
        const target = '/' + [first, ...rest].join('/').replace(/[?#]/g, '%3F')
        const res = await app.inject({ target, headers: { Host: 'x' } })
        const location = res.headers.get('location')
        if (location === undefined) return
        expect(location.startsWith('//')).toBe(false)
        expect(location).not.toMatch(/[\\\s]/)
        expect(location.startsWith('/') || location.startsWith('https://docs.example/')).toBe(true)
        expect(res.body.toString()).toMatch(/^30\d [A-Za-z ]+\n$/)
      }),
      { numRuns: 150 },
    )
  })
})
