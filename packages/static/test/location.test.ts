import { canonicalizePath } from 'tinyhttp-core'
import { describe, expect, it } from 'vitest'
import { encodeQuery, redirectLocation } from '../src/location.js'

describe('redirect Location (research §2.6, R4–R6)', () => {
  it('R4 /sub → /sub/', () => {
    expect(redirectLocation('/sub', '')).toBe('/sub/')
  })
  it('R5 the query is kept, re-encoded so it can never read as an authority', () => {
    expect(redirectLocation('/sub', 'next=//evil.com')).toBe('/sub/?next=%2F%2Fevil.com')
    expect(redirectLocation('/sub', 'a=1&b=%2F')).toBe('/sub/?a=1&b=%2F')
  })
  it('percent-encodes the canonical path; never a leading //', () => {
    expect(redirectLocation('/café/a b', '')).toBe('/caf%C3%A9/a%20b/')
    for (const p of ['/a', '/x/y', '/é']) expect(redirectLocation(p, '').startsWith('//')).toBe(false)
  })
  it('the Location canonicalizes back to the same path plus /', () => {
    const r = canonicalizePath(redirectLocation('/café/a b', '').split('?')[0] as string)
    expect(r).toMatchObject({ ok: true, path: '/café/a b/' })
  })
  it('encodeQuery keeps valid escapes and visible-safe characters, encodes the rest', () => {
    expect(encodeQuery('a=%41&b=%zz&c=%')).toBe('a=%41&b=%25zz&c=%25')
    expect(encodeQuery('q=a b"<>#\\^`{|}')).toBe('q=a%20b%22%3C%3E%23%5C%5E%60%7B%7C%7D')
    expect(encodeQuery('x=\r\n')).toBe('x=%0D%0A')
    expect(encodeQuery('é')).toBe('%E9')
    expect(encodeQuery('€')).toBe('%E2%82%AC')
    expect(encodeQuery("k=!$&'()*+,;=:@-._~")).toBe("k=!$&'()*+,;=:@-._~")
  })
})
