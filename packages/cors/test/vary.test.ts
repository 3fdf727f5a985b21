import { describe, expect, it } from 'vitest'
import { Response } from 'tinyhttp-core'
import { appendVary } from '../src/vary.js'

describe('appendVary', () => {
  it('adds a field line when there is none', () => {
    const res = new Response()
    appendVary(res.headers, ['Origin'], 'Origin')
    expect([...res.headers]).toEqual([['Vary', 'Origin']])
  })

  it('keeps an existing Vary and appends only what is missing, any case', () => {
    const res = new Response()
    res.headers.set('Vary', 'Accept-Encoding, ORIGIN')
    appendVary(res.headers, ['Origin', 'Access-Control-Request-Headers'], 'Origin, Access-Control-Request-Headers')
    expect(res.headers.get('vary')).toBe('Accept-Encoding, ORIGIN, Access-Control-Request-Headers')
    appendVary(res.headers, ['Origin'], 'Origin')
    expect(res.headers.get('vary')).toBe('Accept-Encoding, ORIGIN, Access-Control-Request-Headers')
  })

  it('leaves Vary: * alone', () => {
    const res = new Response()
    res.headers.set('Vary', '*')
    appendVary(res.headers, ['Origin'], 'Origin')
    expect(res.headers.get('vary')).toBe('*')
  })
})
