import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/index.js'

describe('Request.rewrite', () => {
  it('replaces the canonical path for everything after it; rawPath, target and the original stay', async () => {
    const app = createApp()
    app.use((ctx, next) => {
      ctx.req.rewrite('/caf%C3%A9/index.html')
      return next()
    })
    app.use(ctx => {
      const r = ctx.req
      ctx.res.body = { path: r.path, canonical: r.canonicalPath, raw: r.rawPath, target: r.target, original: r.originalPath }
    })
    const res = await app.inject({ target: '/app/x?q=1', headers: { Host: 'x' } })
    expect(JSON.parse(res.body.toString())).toEqual({
      path: '/café/index.html',
      canonical: { ok: true, path: '/café/index.html', segments: ['café', 'index.html'], trailingSlash: false },
      raw: '/app/x',
      target: '/app/x?q=1',
      original: { ok: true, path: '/app/x', segments: ['app', 'x'], trailingSlash: false },
    })
  })

  it('keeps the first original over two rewrites, and originalPath is undefined without one', async () => {
    const app = createApp()
    app.use((ctx, next) => {
      const before = ctx.req.originalPath
      ctx.req.rewrite('/b')
      ctx.req.rewrite('/c')
      ctx.res.body = { before: before === undefined, original: ctx.req.originalPath?.ok ? ctx.req.originalPath.path : null, path: ctx.req.path }
      return next()
    })
    const res = await app.inject({ target: '/a', headers: { Host: 'x' } })
    expect(JSON.parse(res.body.toString())).toEqual({ before: true, original: '/a', path: '/c' })
  })

  it.each(['//evil.example', '/a/../b', '/a%2Fb', '/a%5Cb', 'relative', '/a?x=1', '/a\u0000'])('refuses %j with a TypeError', async bad => {
    const app = createApp()
    let caught: unknown
    app.use(ctx => {
      try {
        ctx.req.rewrite(bad)
      } catch (err) {
        caught = err
      }
      ctx.res.body = ctx.req.path
    })
    const res = await app.inject({ target: '/same', headers: { Host: 'x' } })
    expect(caught).toBeInstanceOf(TypeError)
    expect(res.body.toString()).toBe('/same')
  })
})
