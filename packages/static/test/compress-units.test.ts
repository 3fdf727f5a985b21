import zlib from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { codingsOption, hasEncodedSuffix } from '../src/codings.js'
import { isCompressibleFile, mimeDbCompressible } from '../src/compressible.js'
import { encodeBytes, qualityFor } from '../src/encode.js'
import type { Representation } from '../src/representation.js'
import { chooseRepresentation, newMadeVariants, settleMade, shedMade, variantEtag } from '../src/runtime-variants.js'

describe('isCompressibleFile', () => {
  it.each([
    ['app.js', 'text/javascript; charset=utf-8', 2048, true],
    ['data.json', 'application/json; charset=utf-8', 2048, true],
    ['icon.svg', 'image/svg+xml', 2048, true],
    ['mod.wasm', 'application/wasm', 2048, true],
    ['site.webmanifest', 'application/manifest+json', 2048, true],
    ['edge.css', 'text/css', 1024, true],
    ['small.css', 'text/css', 1023, false],
    ['logo.png', 'image/png', 2048, false],
    ['font.woff2', 'font/woff2', 2048, false],
    ['font.woff', 'font/woff', 2048, false],
    ['clip.mp4', 'video/mp4', 2048, false],
    ['a.zip', 'application/zip', 2048, false],
    ['blob.bin', 'application/octet-stream', 2048, false],
    ['app.js.gz', 'text/javascript', 2048, false],
    ['app.js.br', 'text/javascript', 2048, false],
    ['app.js.ZST', 'text/javascript', 2048, false],
  ])('%s (%s, %d B) → %s', (name, type, size, expected) => {
    expect(isCompressibleFile(name, type, size, 1024)).toBe(expected)
  })
  it('reads mime-db', () => {
    expect(mimeDbCompressible('application/javascript')).toBe(true)
    expect(mimeDbCompressible('image/png')).toBe(false)
    expect(mimeDbCompressible('x/unknown')).toBeUndefined()
  })
})

describe('codings', () => {
  it('suffixes and options', () => {
    expect(hasEncodedSuffix('a.tar.gz')).toBe(true)
    expect(hasEncodedSuffix('a.gzip')).toBe(false)
    expect(codingsOption('x', ['gzip', 'br'], ['br', 'zstd', 'gzip'])).toEqual(['br', 'gzip'])
    expect(codingsOption('x', undefined, ['br'])).toEqual([])
    expect(() => codingsOption('x', ['deflate'], ['br'])).toThrow(TypeError)
    expect(() => codingsOption('x', 'br', ['br'])).toThrow(TypeError)
  })
})

describe('encode', () => {
  it('qualities by size', () => {
    expect([qualityFor('br', 512 * 1024), qualityFor('br', 512 * 1024 + 1), qualityFor('br', 4 << 20), qualityFor('br', (4 << 20) + 1)]).toEqual([11, 9, 9, 5])
    expect([qualityFor('gzip', 10), qualityFor('gzip', 10 << 20)]).toEqual([9, 9])
    expect([qualityFor('zstd', 512 * 1024), qualityFor('zstd', 512 * 1024 + 1)]).toEqual([19, 9])
  })
  it('br and gzip decode back to the input; zstd only where Node has it', async () => {
    const input = Buffer.from('<p>hello, compression</p>\n'.repeat(200))
    expect(zlib.brotliDecompressSync(await encodeBytes('br', input, 'text/html')).equals(input)).toBe(true)
    expect(zlib.gunzipSync(await encodeBytes('gzip', input, 'text/html')).equals(input)).toBe(true)
    const z = zlib as unknown as { zstdCompress?: unknown; zstdDecompressSync?: (b: Buffer) => Buffer }
    if (typeof z.zstdCompress === 'function') {
      expect(z.zstdDecompressSync?.(await encodeBytes('zstd', input, 'text/html')).equals(input)).toBe(true)
    } else {
      await expect(encodeBytes('zstd', input, 'text/html')).rejects.toThrow(/zstd/)
    }
  })
})

describe('runtime variants', () => {
  const identity = { encoding: 'identity', made: false } as Representation
  const rep = (encoding: 'br' | 'gzip', made = true) => ({ encoding, made }) as Representation

  it('variantEtag', () => {
    expect(variantEtag('"abc"', 'br')).toBe('"abc-br"')
    expect(variantEtag('"12-34"', 'gzip')).toBe('"12-34-gzip"')
    expect(variantEtag(undefined, 'br')).toBeUndefined()
  })

  it('while jobs run: the best ready representation; identity refused → the job to wait for', () => {
    const made = newMadeVariants(['br', 'gzip'], new Map())
    const brJob = Promise.resolve()
    made.jobs.set('br', brJob)
    expect(chooseRepresentation(identity, made, 'gzip, br')).toBe(identity)
    const gz = rep('gzip')
    settleMade(made, 'gzip', gz)
    expect(chooseRepresentation(identity, made, 'gzip, br')).toBe(gz)
    expect(chooseRepresentation(identity, made, 'br')).toBe(identity)
    expect(chooseRepresentation(identity, made, 'br, identity;q=0')).toBe(brJob)
    expect(chooseRepresentation(identity, made, 'identity;q=0, deflate')).toBeNull()
    const br = rep('br')
    settleMade(made, 'br', br)
    expect(chooseRepresentation(identity, made, 'gzip, br')).toBe(br)
  })

  it('a coding that was not smaller leaves the offer; a disk sibling is ready at once and survives shedding', () => {
    const disk = rep('br', false)
    const made = newMadeVariants(['gzip'], new Map([['br', disk]]))
    expect(made.offered).toEqual(['br', 'gzip'])
    expect(chooseRepresentation(identity, made, 'br')).toBe(disk)
    settleMade(made, 'gzip', undefined)
    expect(made.offered).toEqual(['br'])
    expect(chooseRepresentation(identity, made, 'gzip')).toBe(identity)
    expect(chooseRepresentation(identity, made, 'gzip, identity;q=0')).toBeNull()
    const again = newMadeVariants(['gzip'], new Map([['br', disk]]))
    settleMade(again, 'gzip', rep('gzip'))
    again.bytes = 700
    expect(shedMade(again)).toBe(700)
    expect(again.offered).toEqual(['br'])
    expect(again.ready).toEqual(['br'])
    expect(chooseRepresentation(identity, again, 'gzip, br')).toBe(disk)
  })
})
