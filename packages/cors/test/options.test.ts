import { describe, expect, it } from 'vitest'
import { cors } from '../src/index.js'
import { MAX_AGE_CAP, resolveCorsOptions, type CorsOptions } from '../src/options.js'

describe('cors options: refused configurations (TypeError at construction)', () => {
  const bad: Array<[string, unknown]> = [
    ["'*' with credentials (default origin)", { credentials: true }],
    ["'*' with credentials (explicit)", { origin: '*', credentials: true }],
    ['g flag', { origin: /^https:\/\/a\.example$/g }],
    ['y flag', { origin: /^https:\/\/a\.example$/y }],
    ['m flag', { origin: /^https:\/\/a\.example$/m }],
    ['unanchored end', { origin: /^https:\/\/a\.example/ }],
    ['unanchored start', { origin: /example\.com$/ }],
    ['half-anchored alternation', { origin: /^https:\/\/a\.example|https:\/\/b\.example$/ }],
    ['escaped $ is not an anchor', { origin: /^https:\/\/a\.example\$/ }],
    ['nested quantifier (a+)+', { origin: /^(a+)+$/ }],
    ['nested quantifier (a*)*', { origin: /^(a*)*$/ }],
    ['nested quantifier with a class', { origin: /^https:\/\/([a-z0-9-]+\.)*a\.example$/ }],
    ['nested quantifier two levels deep', { origin: /^((ab)*c)+$/ }],
    ['nested braces quantifier', { origin: /^(a{2,})+$/ }],
    ['repeated overlapping alternation (a|a)+', { origin: /^(a|a)+$/ }],
    ['repeated prefix alternation (a|ab)*', { origin: /^(a|ab)*$/ }],
    ['repeated non-literal alternation', { origin: /^(\w|\d)+$/ }],
    ['backreference', { origin: /^(a)\1$/ }],
    ['named backreference', { origin: /^(?<x>a)\k<x>$/ }],
    ['trailing slash', { origin: 'https://a.example/' }],
    ['upper case', { origin: 'HTTPS://A.EXAMPLE' }],
    ['upper-case host', { origin: 'https://A.example' }],
    ['default port', { origin: 'https://a.example:443' }],
    ['path', { origin: ['https://a.example/app'] }],
    ['no scheme', { origin: ['a.example'] }],
    ['userinfo', { origin: ['https://u@a.example'] }],
    ["'null' in a list", { origin: ['null'] }],
    ["'*' in a list", { origin: ['*'] }],
    ['upper-case opaque scheme origin', { origin: ['chrome-extension://ABC'] }],
    ['non-string in a list', { origin: [42] }],
    ['origin of the wrong type', { origin: 42 }],
    ['origin true', { origin: true }],
    ['empty methods', { methods: [] }],
    ['method not a token', { methods: ['GET', 'BAD METHOD'] }],
    ['allowedHeaders not a token', { allowedHeaders: ['x-ok', 'x bad'] }],
    ['allowedHeaders with CRLF', { allowedHeaders: ['x\r\nSet-Cookie: a=b'] }],
    ['allowedHeaders of the wrong type', { allowedHeaders: 'x-foo' }],
    ['exposedHeaders not a token', { exposedHeaders: ['Content-Length', ''] }],
    ['negative maxAge', { maxAge: -1 }],
    ['NaN maxAge', { maxAge: Number.NaN }],
    ['string maxAge', { maxAge: '600' }],
    ['credentials not boolean', { origin: ['https://a.example'], credentials: 'yes' }],
    ['unknown option (typo)', { origins: ['https://a.example'] }],
    ['unknown option', { preflightContinue: true }],
  ]
  it.each(bad)('%s', (_name, options) => {
    expect(() => cors(options as CorsOptions)).toThrow(TypeError)
  })

  it('names the problem in the message', () => {
    expect(() => cors({ origin: /^a$/g })).toThrow(/lastIndex/)
    expect(() => cors({ origin: /^(a+)+$/ })).toThrow(/catastrophic/)
    expect(() => cors({ origin: /a\.example$/ })).toThrow(/anchored/)
    expect(() => cors({ origin: 'https://a.example:443' })).toThrow(/did you mean "https:\/\/a\.example"/)
    expect(() => cors({ origin: ['null'] })).toThrow(/allowNullOrigin/)
  })
})

describe('cors options: accepted configurations', () => {
  const good: Array<[string, CorsOptions]> = [
    ['defaults', {}],
    ['one origin', { origin: 'https://a.example' }],
    ['origin with a port', { origin: 'http://localhost:5173' }],
    ['IPv6 origin', { origin: 'http://[::1]:8080' }],
    ['opaque-scheme origin', { origin: ['chrome-extension://abcdefghijklmnop'] }],
    ['list', { origin: ['https://a.example', 'https://b.example'], credentials: true }],
    ['optional subdomain', { origin: /^https:\/\/([a-z0-9-]+\.)?a\.example$/ }],
    ['literal alternation', { origin: /^https:\/\/(www|app)\.example\.com$/ }],
    ['repeated prefix-free literal alternation', { origin: /^https:\/\/(?:foo|bar)+\.example$/ }],
    ['anchored alternatives', { origin: /^https:\/\/a\.example$|^https:\/\/b\.example$/ }],
    ['i flag', { origin: /^https:\/\/[a-z]+\.example$/i }],
    ['optional port group', { origin: /^https:\/\/a\.example(:\d{2,5})?$/ }],
    ['quantifier characters inside a class', { origin: /^https:\/\/[+*a-z]+\.example$/ }],
    ['unicode flag', { origin: /^https:\/\/\p{L}+\.example$/u }],
    ['lookahead', { origin: /^(?!https:\/\/evil)https:\/\/[a-z]+\.example$/ }],
    ['function', { origin: () => true }],
    ['async function', { origin: async () => false }],
    ['empty allowedHeaders and exposedHeaders', { allowedHeaders: [], exposedHeaders: [] }],
    ['privateNetwork', { privateNetwork: true, allowNullOrigin: true }],
  ]
  it.each(good)('%s', (_name, options) => {
    const mw = cors(options)
    expect(typeof mw).toBe('function')
    expect(mw.name).toBe('cors')
  })

  it('precomputes header values; maxAge floored and clamped to 7200', () => {
    const r = resolveCorsOptions({ origin: ['https://a.example'], methods: ['GET', 'HEAD', 'get'], maxAge: 99_999.7 })
    expect(r.maxAge).toBe(String(MAX_AGE_CAP))
    expect(resolveCorsOptions({ maxAge: 12.9 }).maxAge).toBe('12')
    expect(r.allowMethods).toBe('GET, HEAD') // duplicates (any case) dropped
    expect(r.exposeHeaders).toBe('Content-Length, Content-Range, Accept-Ranges, ETag')
    expect(r.allowHeaders).toBeNull()
    expect(resolveCorsOptions({ allowedHeaders: ['Range', 'If-None-Match'] }).allowHeaders).toBe('Range, If-None-Match')
    expect(resolveCorsOptions({}).maxAge).toBe('600')
  })

  it('warns (does not throw) about an unescaped literal dot', () => {
    const warnings: string[] = []
    const listener = (w: Error) => warnings.push(w.message)
    const original = process.emitWarning
    process.emitWarning = ((message: string) => listener(new Error(message))) as typeof process.emitWarning
    try {
      cors({ origin: /^https:\/\/a.example$/ })
      cors({ origin: /^https:\/\/.+\.example$/ })
    } finally {
      process.emitWarning = original
    }
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/unescaped '\.'/)
  })
})
