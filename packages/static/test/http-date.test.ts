import { describe, expect, it } from 'vitest'
import { formatHttpDate, parseHttpDate } from '../src/http-date.js'

describe('parseHttpDate', () => {
  const t = 784111777 // Sun, 06 Nov 1994 08:49:37 GMT
  it.each([
    ['Sun, 06 Nov 1994 08:49:37 GMT', t],
    ['Sunday, 06-Nov-94 08:49:37 GMT', t],
    ['Sun Nov  6 08:49:37 1994', t],
    ['Thu, 01 Jan 1970 00:00:00 GMT', 0],
    ['Thu, 31 Dec 2099 23:59:59 GMT', Date.UTC(2099, 11, 31, 23, 59, 59) / 1000],
  ])('%s', (text, expected) => {
    expect(parseHttpDate(text)).toBe(expected)
  })
  it.each([
    'garbage',
    '',
    '784111777',
    'Sun, 06 Nov 1994 08:49:37 UTC',
    'Sun, 06 Nov 1994 08:49:37 +0000',
    'Sun, 6 Nov 1994 08:49:37 GMT',
    'Sun, 06 nov 1994 08:49:37 GMT',
    'Sun, 31 Feb 1994 08:49:37 GMT',
    'Sun, 06 Nov 1994 25:49:37 GMT',
    'Sun, 06 Nov 1994 08:49:37 GMT, Mon, 07 Nov 1994 08:49:37 GMT',
    'Xyz, 06 Nov 1994 08:49:37 GMT',
    '2024-01-01T00:00:00Z',
    'Sun Nov  6 08:49:37 1994 GMT',
  ])('%j → NaN', text => {
    expect(parseHttpDate(text)).toBeNaN()
  })
  it('undefined → NaN', () => {
    expect(parseHttpDate(undefined)).toBeNaN()
  })
  it('formatHttpDate round-trips to the second', () => {
    const ms = Date.UTC(2025, 5, 1, 10, 20, 30) + 789
    const text = formatHttpDate(ms)
    expect(text).toBe('Sun, 01 Jun 2025 10:20:30 GMT')
    expect(parseHttpDate(text)).toBe(Math.floor(ms / 1000))
  })
})
