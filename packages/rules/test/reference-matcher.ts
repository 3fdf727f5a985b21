// A naive linear matcher, written directly from the PathPattern definition (not from the trie), for the
// property test that compares the two on random rule sets and paths.
import type { PathPattern, PatternMatch } from '../src/index.js'

function extensionMatches(name: string, extensions: readonly string[]): boolean {
  return extensions.some(ext => name.length > ext.length + 1 && name.endsWith('.' + ext))
}

function matchOne(p: PathPattern, segments: readonly string[], trailingSlash: boolean): Record<string, string> | undefined {
  const slashOk = (expected: boolean): boolean => p.slash === 'either' || expected === trailingSlash
  const params: Record<string, string> = {}
  if (p.anyDepth) {
    const only = p.segments[0]!
    if (only.kind !== 'extension' || segments.length === 0) return undefined
    return extensionMatches(segments[segments.length - 1]!, only.extensions) && slashOk(false) ? params : undefined
  }
  if (segments.length < p.segments.length) return undefined
  for (let i = 0; i < p.segments.length; i++) {
    const s = p.segments[i]!
    const v = segments[i]!
    if (s.kind === 'literal' && s.value !== v) return undefined
    if (s.kind === 'param') params[s.name] = v
    if (s.kind === 'extension' && !extensionMatches(v, s.extensions)) return undefined
  }
  if (p.splat) {
    const rest = segments.slice(p.segments.length)
    params.splat = rest.length === 0 ? '' : rest.join('/') + (trailingSlash ? '/' : '')
    return params
  }
  if (segments.length !== p.segments.length) return undefined
  const last = p.segments[p.segments.length - 1]
  if (last?.kind === 'extension') return slashOk(false) ? params : undefined
  return slashOk(p.trailingSlash) ? params : undefined
}

/** Every pattern that matches, in list order, by trying each one. */
export function referenceMatch(patterns: readonly PathPattern[], segments: readonly string[], trailingSlash: boolean): PatternMatch[] {
  const out: PatternMatch[] = []
  patterns.forEach((p, index) => {
    const params = matchOne(p, segments, trailingSlash)
    if (params !== undefined) out.push({ index, params })
  })
  return out
}
