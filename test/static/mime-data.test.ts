// static's tables of the common media types say exactly what mime-types and mime-db say, so answering
// from them instead of loading the modules changes no Content-Type and no compression decision.
import { createRequire } from 'node:module'
import type mimeTypesModule from 'mime-types'
import { describe, expect, it } from 'vitest'
import { mimeDbCompressible } from '../../packages/static/src/compressible.js'
import { createContentTypeLookup } from '../../packages/static/src/content-type.js'
import { COMMON_COMPRESSIBLE, COMMON_CONTENT_TYPES } from '../../packages/static/src/mime-data.js'

// Resolved from the static package, as static resolves them.
const load = createRequire(new URL('../../packages/static/package.json', import.meta.url))
const mime = load('mime-types') as typeof mimeTypesModule
const db = load('mime-db') as Record<string, { compressible?: boolean } | undefined>

describe('the common media types', () => {
  it('each extension of the table has the Content-Type mime-types gives it', () => {
    for (const [ext, type] of COMMON_CONTENT_TYPES) expect(type, ext).toBe(mime.contentType(ext))
  })

  it('each media type of the table has the compressible flag mime-db gives it, and every type of the first table is there', () => {
    for (const [type, flag] of COMMON_COMPRESSIBLE) expect(flag, type).toBe(db[type]?.compressible)
    for (const type of COMMON_CONTENT_TYPES.values()) expect(COMMON_COMPRESSIBLE.has(type.split(';')[0] as string), type).toBe(true)
  })

  it('the lookups answer as the modules do, inside the tables and outside them', () => {
    const typeOf = createContentTypeLookup()
    for (const name of ['a.html', 'b.CSS', 'c.woff2', 'd.epub', 'e.rtf', 'f.unknownext', 'README', 'g.bin']) {
      expect(typeOf(name), name).toBe(mime.contentType(name.slice(name.lastIndexOf('.') + 1).toLowerCase()) || 'application/octet-stream')
    }
    for (const type of ['application/json', 'font/ttf', 'image/webp', 'application/rtf', 'application/epub+zip', 'x/unknown']) {
      expect(mimeDbCompressible(type), type).toBe(db[type]?.compressible)
    }
  })
})
