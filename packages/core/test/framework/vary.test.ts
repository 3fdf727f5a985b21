import { describe, expect, it } from 'vitest'
import { Response } from '../../src/response.js'

describe('ResponseHeaders.vary', () => {
  it('adds a field line when there is none', () => {
    const res = new Response()
    res.headers.vary(['Origin'])
    expect([...res.headers]).toEqual([['Vary', 'Origin']])
  })

  it('keeps an existing Vary and appends only what is missing, any case', () => {
    const res = new Response()
    res.headers.set('Vary', 'Accept-Encoding, ORIGIN')
    res.headers.vary(['Origin', 'Access-Control-Request-Headers'])
    expect(res.headers.get('vary')).toBe('Accept-Encoding, ORIGIN, Access-Control-Request-Headers')
    res.headers.vary(['Origin'])
    expect(res.headers.get('vary')).toBe('Accept-Encoding, ORIGIN, Access-Control-Request-Headers')
  })

  it('leaves Vary: * alone', () => {
    const res = new Response()
    res.headers.set('Vary', '*')
    res.headers.vary(['Origin'])
    expect(res.headers.get('vary')).toBe('*')
  })
})
