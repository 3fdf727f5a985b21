import { describe, expect, it } from 'vitest'
import { IMMUTABLE, ISOLATE_HEADERS, cacheSpaHeaders, isHashedName, securityHeaders } from '../src/index.js'

describe('isHashedName', () => {
  it.each([
    'app.3f9a1c2e.js',
    'index-BxY3kq9a.css',
    'chunk.0123456789abcdef.mjs',
    'vendor-a1b2c3d4.js',
    'logo.DEADBEEF.svg',
    'main-Ab_9xYz0Q.js',
  ])('%s is hashed', name => expect(isHashedName(name)).toBe(true))

  it.each([
    'jquery-3.7.1.js',
    'app.min.js',
    'font-awesome.css',
    'components.js',
    '3f9a1c2e.js',
    'app.3f9a1c2.js',
    'index-BxYkqabc.css',
    'app.3f9a1c2e',
    'app.3f9a1c2e.',
    'index.html',
    'sw.js',
    'bootstrap-5.3.3.min.css',
  ])('%s is not hashed', name => expect(isHashedName(name)).toBe(false))
})

describe('cacheSpaHeaders', () => {
  it.each([
    ['/index.html', 'no-cache'],
    ['/docs/page.htm', 'no-cache'],
    ['/sw.js', 'no-cache'],
    ['/site.webmanifest', 'no-cache'],
    ['/assets/app.3f9a1c2e.js', IMMUTABLE],
    ['/assets/index-BxY3kq9a.css', IMMUTABLE],
  ])('%s → %s', (path, value) => expect(cacheSpaHeaders(path)).toEqual([['Cache-Control', value]]))

  it.each(['/jquery-3.7.1.js', '/app.min.js', '/font-awesome.css', '/robots.txt'])('%s is left to static', path => {
    expect(cacheSpaHeaders(path)).toEqual([])
  })
})

describe('isolate and security presets', () => {
  it('isolate sets COOP, COEP and CORP', () => {
    expect(ISOLATE_HEADERS).toEqual([
      ['Cross-Origin-Opener-Policy', 'same-origin'],
      ['Cross-Origin-Embedder-Policy', 'require-corp'],
      ['Cross-Origin-Resource-Policy', 'same-origin'],
    ])
  })
  it('security headers have HSTS only over TLS', () => {
    const plain = securityHeaders(false)
    expect(plain).toEqual([
      ['X-Content-Type-Options', 'nosniff'],
      ['Referrer-Policy', 'strict-origin-when-cross-origin'],
      ['X-Frame-Options', 'DENY'],
      ['Content-Security-Policy', "frame-ancestors 'none'"],
    ])
    expect(securityHeaders(true)).toEqual([...plain, ['Strict-Transport-Security', 'max-age=31536000']])
  })
})
