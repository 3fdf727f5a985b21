import { describe, expect, it } from 'vitest'
import { negotiateEncoding, type Coding } from '../src/accept-encoding.js'

const both: Coding[] = ['br', 'gzip']

describe('negotiateEncoding: research vectors E1–E4', () => {
  it.each([
    ['E1 gzip;q=0 → identity', 'gzip;q=0', ['gzip'] as Coding[], 'identity'],
    ['E1 gzip;q=0 with br available → br is not listed either', 'gzip;q=0', both, 'identity'],
    ['E2 highest q wins', 'br;q=0.1, gzip;q=0.9', both, 'gzip'],
    ['E3 tokens are case-insensitive', 'GZIP', both, 'gzip'],
    ['E3 BR upper case', 'BR', both, 'br'],
    ['E4 * → br', '*', both, 'br'],
    ['E4 * with only gzip available', '*', ['gzip'] as Coding[], 'gzip'],
  ] as const)('%s', (_id, header, available, expected) => {
    expect(negotiateEncoding(header, available)).toBe(expected)
  })
  // E5 (Range on a variant) and E6 (Content-Type of the original) are socket tests.
})

describe('negotiateEncoding: details', () => {
  it.each([
    [undefined, both, 'identity'],
    ['', both, 'identity'],
    ['gzip, deflate, br', both, 'br'],
    ['gzip, deflate, br, zstd', ['gzip'] as Coding[], 'gzip'],
    ['gzip;q=1.0, br;q=1', both, 'br'],
    ['gzip; q=0.5, br;Q=0.4', both, 'gzip'],
    ['x-gzip', both, 'gzip'],
    ['br;q=0, *', both, 'gzip'],
    ['*;q=0', both, 'identity'],
    ['*;q=0, gzip', both, 'gzip'],
    ['identity', both, 'identity'],
    ['gzip;q=0.5, identity;q=1', both, 'identity'],
    ['gzip;q=1, identity;q=1', both, 'gzip'],
    ['gzip;q=0.5, *;q=0.8', both, 'br'],
    ['gzip;q=2', both, 'identity'],
    ['gzip;q=1.001', both, 'identity'],
    ['gzip;q=0.1234', both, 'identity'],
    ['gzip;q=abc, br', both, 'br'],
    ['gzip;level=9', both, 'identity'],
    ['deflate', both, 'identity'],
    [' , ,gzip , ', both, 'gzip'],
    ['br', [] as Coding[], 'identity'],
    ['br', ['gzip'] as Coding[], 'identity'],
    ['gzip;q=0.001', both, 'gzip'],
    ['gzip;q=0.000', both, 'identity'],
  ] as const)('%j with %j → %s', (header, available, expected) => {
    expect(negotiateEncoding(header, available)).toBe(expected)
  })
})
