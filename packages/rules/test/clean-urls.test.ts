// resolveCleanPath alone: the decision as a pure function, on random sites (which files exist) and paths.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { resolveCleanPath, type CleanDecision, type CleanSettings, type TrailingSlash } from 'tinyhttp-rules'

const NAMES = ['a', 'a.html', 'index.html', 'b', 'b.html']

/** A canonical path string split the way canonicalizePath does. */
function split(path: string): [string[], boolean] {
  if (path === '/') return [[], true]
  const slash = path.endsWith('/')
  return [path.slice(1, slash ? -1 : undefined).split('/'), slash]
}

function decide(path: string, s: CleanSettings): CleanDecision {
  const [segments, slash] = split(path)
  return resolveCleanPath(segments, slash, s)
}

const files = fc.uniqueArray(
  fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 3 }).map(parts => '/' + parts.join('/')),
  { maxLength: 8 },
)
const settings = fc.record({ cleanUrls: fc.boolean(), trailingSlash: fc.constantFrom<TrailingSlash>('add', 'remove', 'ignore') })
const paths = fc.tuple(fc.array(fc.constantFrom(...NAMES), { maxLength: 3 }), fc.boolean()).map(([parts, slash]) => (parts.length === 0 ? '/' : '/' + parts.join('/') + (slash ? '/' : '')))

describe('resolveCleanPath', () => {
  it('examples from the README table', () => {
    const s = (exists: string[], cleanUrls: boolean, trailingSlash: TrailingSlash): CleanSettings => ({ cleanUrls, trailingSlash, index: 'index.html', exists: p => exists.includes(p) })
    expect(decide('/about', s(['/about.html'], true, 'ignore'))).toEqual({ kind: 'rewrite', path: '/about.html' })
    expect(decide('/about.html', s(['/about.html'], true, 'ignore'))).toEqual({ kind: 'redirect', path: '/about' })
    expect(decide('/about.html', s(['/about.html'], true, 'add'))).toEqual({ kind: 'redirect', path: '/about/' })
    expect(decide('/about', s(['/about/index.html'], false, 'remove'))).toEqual({ kind: 'rewrite', path: '/about/' })
    expect(decide('/about/', s(['/about/index.html'], false, 'remove'))).toEqual({ kind: 'redirect', path: '/about' })
    expect(decide('/about', s(['/about/index.html'], false, 'ignore'))).toEqual({ kind: 'pass' })
    expect(decide('/index.html', s(['/index.html'], true, 'remove'))).toEqual({ kind: 'redirect', path: '/' })
    expect(decide('/', s(['/index.html'], true, 'remove'))).toEqual({ kind: 'pass' })
    expect(decide('/about.html', s(['/about.html'], false, 'add'))).toEqual({ kind: 'pass' })
    expect(decide('/about.html/', s(['/about.html'], true, 'remove'))).toEqual({ kind: 'redirect', path: '/about' })
    expect(decide('/about', s(['/about/index.html'], false, 'add'))).toEqual({ kind: 'redirect', path: '/about/' })
    // index: false — folders are left alone
    expect(resolveCleanPath(['about'], false, { cleanUrls: false, trailingSlash: 'remove', index: false, exists: () => true })).toEqual({ kind: 'pass' })
  })

  it('a redirect target is never redirected again, never equal to the path, and never starts with //', () => {
    fc.assert(
      fc.property(files, settings, paths, (existing, { cleanUrls, trailingSlash }, path) => {
        const s: CleanSettings = { cleanUrls, trailingSlash, index: 'index.html', exists: p => existing.includes(p) }
        const d = decide(path, s)
        if (d.kind === 'pass') return
        expect(d.path.startsWith('/')).toBe(true)
        expect(d.path.startsWith('//')).toBe(false)
        expect(d.path.includes('//')).toBe(false)
        if (d.kind === 'rewrite') return
        expect(d.path).not.toBe(path)
        expect(decide(d.path, s).kind).not.toBe('redirect')
      }),
      { numRuns: 3000 },
    )
  })
})
