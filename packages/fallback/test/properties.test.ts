import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { acceptsHtmlExplicitly, negotiateFormat } from '../src/accept.js'

describe('fallback Accept properties', () => {
  it('negotiateFormat never throws and always picks one of the three formats', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), accept => {
        expect(['text', 'html', 'json']).toContain(negotiateFormat(accept))
      }),
      { numRuns: 500 },
    )
  })

  it('text/html with q > 0 anywhere in the list always counts for the SPA check; a wildcard never does', () => {
    const range = fc.constantFrom('text/plain', 'application/json', 'image/*', '*/*', 'text/*', 'application/xhtml+xml')
    const q = fc.constantFrom('', ';q=0.5', ';q=1', ';q=0.001')
    fc.assert(
      fc.property(fc.array(fc.tuple(range, q), { maxLength: 5 }), fc.boolean(), fc.nat(5), (others, withHtml, at) => {
        const parts = others.map(([r, p]) => r + p)
        if (withHtml) parts.splice(Math.min(at, parts.length), 0, 'text/html;q=0.2')
        expect(acceptsHtmlExplicitly(parts.join(', '))).toBe(withHtml)
      }),
      { numRuns: 500 },
    )
  })
})
