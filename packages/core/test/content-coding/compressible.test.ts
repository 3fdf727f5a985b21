import { describe, expect, it } from 'vitest'
import { isCompressibleType } from '../../src/compressible-type.js'
import { hasNoTransform } from '../../src/content-coding.js'

// A few entries of mime-db's `compressible` flag, as the plugins pass them.
const DB: Record<string, boolean | undefined> = {
  'application/javascript': true,
  'application/json': true,
  'image/x-icon': true,
  'image/bmp': true,
  'font/ttf': true,
  'application/x-tar': true,
  'application/octet-stream': false,
  'application/zip': false,
  'application/vnd.ms-fontobject': true,
}
const lookup = (t: string): boolean | undefined => DB[t]

describe('isCompressibleType', () => {
  const cases: Array<[string, boolean]> = [
    ['text/html; charset=utf-8', true],
    ['TEXT/CSS', true],
    ['text/x-unknown', true],
    ['application/javascript; charset=utf-8', true],
    ['application/json', true],
    ['application/ld+json', true],
    ['application/atom+xml', true],
    ['image/svg+xml', true],
    ['application/wasm', true],
    ['application/manifest+json', true],
    ['font/ttf', true],
    ['application/x-tar', true],
    ['image/png', false],
    ['image/x-icon', false],
    ['image/bmp', false],
    ['audio/mpeg', false],
    ['video/mp4', false],
    ['font/woff', false],
    ['font/woff2', false],
    ['application/font-woff', false],
    ['application/zip', false],
    ['application/gzip', false],
    ['application/zstd', false],
    ['application/x-7z-compressed', false],
    ['application/octet-stream', false],
    ['application/x-unknown', false],
    ['', false],
    ['text', false],
    ['text/', false],
    ['/html', false],
  ]
  for (const [type, expected] of cases) {
    it(`${JSON.stringify(type)} → ${expected}`, () => expect(isCompressibleType(type, lookup)).toBe(expected))
  }
})

describe('hasNoTransform', () => {
  const cases: Array<[string | undefined, boolean]> = [
    [undefined, false],
    ['', false],
    ['no-transform', true],
    ['public, max-age=60, No-Transform', true],
    [' no-transform ', true],
    ['no-transformation', false],
    ['x-no-transform', false],
    ['private="no-transform"', false],
    ['no-cache', false],
  ]
  for (const [value, expected] of cases) {
    it(`${JSON.stringify(value)} → ${expected}`, () => expect(hasNoTransform(value)).toBe(expected))
  }
})
