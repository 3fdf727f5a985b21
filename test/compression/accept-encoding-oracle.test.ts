/**
 * The conservative Accept-Encoding oracle of the negotiation properties, checked on its own: a wrong
 * oracle would let a wrong server pass.
 */
import { describe, expect, it } from 'vitest'
import { verdict } from './accept-encoding-oracle.js'

describe('the oracle the properties use (test code checked on its own)', () => {
  it.each([
    ['gzip, br;q=0', 'br', 'refused'],
    ['gzip, br;q=0', 'gzip', 'accepted'],
    ['br;q=abc, gzip', 'br', 'unclear'],
    ['*', 'gzip', 'accepted'],
    ['*;q=0', 'identity', 'refused'],
    ['*;q=0, identity', 'identity', 'accepted'],
    ['', 'br', 'refused'],
    ['', 'identity', 'accepted'],
    ['deflate', 'identity', 'accepted'],
    ['x-gzip;Q=0.5', 'gzip', 'accepted'],
    ['br;q=1.0001', 'br', 'unclear'],
    ['br;q=0, br', 'br', 'unclear'],
  ] as const)('verdict(%j, %s) = %s', (ae, coding, expected) => {
    expect(verdict(ae, coding)).toBe(expected)
  })
})
