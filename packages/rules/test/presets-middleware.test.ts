import { createApp } from 'tinyhttp-core'
import { describe, expect, it } from 'vitest'
import { IMMUTABLE, presets, type PresetOptions } from '../src/index.js'

function appWith(options: PresetOptions, status = 200) {
  const app = createApp()
  app.use(presets(options), ctx => {
    ctx.res.status = status
    ctx.res.headers.set('Cache-Control', 'public, max-age=60')
    ctx.res.body = 'x'
  })
  return app
}

describe('presets()', () => {
  it.each([
    ['/index.html', 'no-cache'],
    ['/docs/', 'public, max-age=60'],
    ['/assets/app.3f9a1c2e.js', IMMUTABLE],
    ['/sw.js', 'no-cache'],
    ['/app.min.js', 'public, max-age=60'],
  ])('--cache spa: GET %s → Cache-Control %s', async (target, value) => {
    for (const method of ['GET', 'HEAD']) {
      const res = await appWith({ cache: 'spa' }).inject({ method, target, headers: { Host: 'x' } })
      expect(res.headers.get('cache-control')).toBe(value)
    }
  })

  it('--isolate on a 404 too', async () => {
    const res = await appWith({ isolate: true }, 404).inject({ target: '/nope', headers: { Host: 'x' } })
    expect(res.status).toBe(404)
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin')
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp')
    expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin')
  })

  it('--security-headers: HSTS only with tls', async () => {
    const plain = await appWith({ securityHeaders: { tls: false } }).inject({ target: '/', headers: { Host: 'x' } })
    expect(plain.headers.get('x-frame-options')).toBe('DENY')
    expect(plain.headers.get('content-security-policy')).toBe("frame-ancestors 'none'")
    expect(plain.headers.get('strict-transport-security')).toBeUndefined()
    const tls = await appWith({ securityHeaders: { tls: true } }).inject({ target: '/', headers: { Host: 'x' } })
    expect(tls.headers.get('strict-transport-security')).toBe('max-age=31536000')
  })

  it("--security-headers keeps a policy the answer brought (a listing's default-src 'none') and adds its own as a second field", async () => {
    const app = createApp()
    app.use(presets({ securityHeaders: { tls: false } }), ctx => {
      ctx.res.headers.set('Content-Security-Policy', "default-src 'none'")
      ctx.res.body = 'x'
    })
    const res = await app.inject({ target: '/', headers: { Host: 'x' } })
    const lines = res.raw.toString('latin1').split('\r\n').filter(l => l.toLowerCase().startsWith('content-security-policy:'))
    expect(lines).toEqual(["Content-Security-Policy: default-src 'none'", "Content-Security-Policy: frame-ancestors 'none'"])
  })
})
