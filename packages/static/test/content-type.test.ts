import { describe, expect, it } from 'vitest'
import { createContentTypeLookup, DEFAULT_CONTENT_TYPE, extensionOf } from '../src/content-type.js'

describe('content type', () => {
  const typeOf = createContentTypeLookup()
  it.each([
    ['/srv/app.js', 'text/javascript; charset=utf-8'],
    ['/srv/index.html', 'text/html; charset=utf-8'],
    ['/srv/INDEX.HTML', 'text/html; charset=utf-8'],
    ['/srv/data.json', 'application/json; charset=utf-8'],
    ['/srv/a.css', 'text/css; charset=utf-8'],
    ['/srv/a.txt', 'text/plain; charset=utf-8'],
    ['/srv/logo.png', 'image/png'],
    ['/srv/a.wasm', 'application/wasm'],
    ['/srv/README', DEFAULT_CONTENT_TYPE],
    ['/srv/file.unknownext', DEFAULT_CONTENT_TYPE],
    ['/srv/.env', DEFAULT_CONTENT_TYPE],
    ['/srv/x.ts', 'video/mp2t'],
  ])('%s → %s', (file, expected) => {
    expect(typeOf(file)).toBe(expected)
  })
  it('E6: the type of the original, never of the .gz/.br sibling name', () => {
    // The server looks the type up on the original name; the sibling's own type would be wrong.
    expect(typeOf('/srv/app.js')).toBe('text/javascript; charset=utf-8')
    expect(typeOf('/srv/app.js.gz')).toBe('application/gzip')
  })
  it('overrides win, get a charset when they have no parameters, keep parameters as written', () => {
    const custom = createContentTypeLookup({ ts: 'text/plain', '.MJS': 'text/javascript', bin: 'application/x-thing; v=1' })
    expect(custom('/x/a.ts')).toBe('text/plain; charset=utf-8')
    expect(custom('/x/a.mjs')).toBe('text/javascript; charset=utf-8')
    expect(custom('/x/a.bin')).toBe('application/x-thing; v=1')
    expect(custom('/x/a.js')).toBe('text/javascript; charset=utf-8')
  })
  it('refuses unsafe or malformed overrides', () => {
    expect(() => createContentTypeLookup({ a: 'text/plain\r\nX: y' })).toThrow(TypeError)
    expect(() => createContentTypeLookup({ a: '' })).toThrow(TypeError)
    expect(() => createContentTypeLookup({ a: 'plain' })).toThrow(TypeError)
    expect(() => createContentTypeLookup({ a: 1 as unknown as string })).toThrow(TypeError)
  })
  it('extensionOf', () => {
    expect(extensionOf('/a/b.TXT')).toBe('txt')
    expect(extensionOf('/a.d/b')).toBe('')
    expect(extensionOf('/a/.hidden')).toBe('')
    expect(extensionOf('/a/x.tar.gz')).toBe('gz')
  })
})
