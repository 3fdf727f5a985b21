/**
 * `cleanUrls` and `trailingSlash`: which file a canonical path means, and whether the client is sent to
 * the one canonical URL of that file instead. Pure: it asks `exists` about file paths only.
 *
 * @module
 */
import type { TrailingSlash } from './model.js'

/**
 * What {@link resolveCleanPath} decided for a path.
 *
 * - `pass`: nothing to do (no file here, a file served under its own name, or a folder left to static);
 * - `rewrite`: serve the file at `path` (a canonical path: `/about.html`, or `/docs/` for a folder's index);
 * - `redirect`: send the client to `path` (a canonical path; the caller encodes it and adds the query).
 *
 * @example
 * ```ts
 * const d: CleanDecision = { kind: 'redirect', path: '/about' }
 * ```
 */
export type CleanDecision = { readonly kind: 'pass' } | { readonly kind: 'rewrite'; readonly path: string } | { readonly kind: 'redirect'; readonly path: string }

/**
 * The settings {@link resolveCleanPath} applies.
 *
 * @example
 * ```ts
 * const s: CleanSettings = { cleanUrls: true, trailingSlash: 'remove', index: 'index.html', exists: p => files.has(p) }
 * ```
 */
export interface CleanSettings {
  readonly cleanUrls: boolean
  readonly trailingSlash: TrailingSlash
  /** The folder index file name, or false for none. */
  readonly index: string | false
  /** Whether a file is served at this canonical file path (`/about.html`, `/docs/index.html`). */
  readonly exists: (canonicalPath: string) => boolean
}

const PASS: CleanDecision = Object.freeze({ kind: 'pass' })

/** What a path is served from, before any redirect: the file's canonical path, or undefined. */
interface Served {
  readonly file: string | undefined
  readonly decision: CleanDecision
}

/**
 * Decides for one canonical path (its segments and trailing slash). The outcome table in the package
 * README is this function over every request shape and every combination of settings.
 *
 * A redirect always goes to a path for which this function decides `rewrite` or `pass` (never another
 * redirect), so following redirects ends after one hop: no loop is possible. The cleanUrls redirect of a
 * `.html` or index name is made only when its clean URL serves the very same file.
 *
 * @param segments - the canonical path's decoded segments (`[]` for `/`)
 * @param trailingSlash - whether the canonical path ends in `/`
 * @param s - the settings
 * @returns the decision
 * @example
 * ```ts
 * resolveCleanPath(['about.html'], false, { cleanUrls: true, trailingSlash: 'ignore', index: 'index.html', exists: p => p === '/about.html' })
 * // { kind: 'redirect', path: '/about' }
 * ```
 */
export function resolveCleanPath(segments: readonly string[], trailingSlash: boolean, s: CleanSettings): CleanDecision {
  const first = decide(segments, trailingSlash, s)
  if (first.kind !== 'redirect') return first
  // `/about.html/` → `/about.html` → `/about`: send the client to the end of the chain at once. Each step
  // only ever moves towards a served URL, so two more steps are enough; bounded all the same.
  let final = first
  for (let step = 0; step < 3; step++) {
    const target = final.path === '/' ? [] : final.path.slice(1).replace(/\/$/, '').split('/')
    const next = decide(target, final.path.endsWith('/'), s)
    if (next.kind !== 'redirect' || next.path === final.path) break
    final = next
  }
  return final
}

/** One step of {@link resolveCleanPath}. */
function decide(segments: readonly string[], trailingSlash: boolean, s: CleanSettings): CleanDecision {
  if (segments.length === 0) return PASS
  const here = served(segments, trailingSlash, s)
  if (!s.cleanUrls || here.file === undefined || here.decision.kind === 'redirect') return here.decision
  // cleanUrls: a name ending in `.html`, or the index file, asked for by its file name → its clean URL.
  const last = segments[segments.length - 1]!
  if (trailingSlash || here.file !== '/' + segments.join('/')) return here.decision
  let clean: readonly string[] | undefined
  let cleanSlash = false
  if (s.index !== false && last === s.index) {
    clean = segments.slice(0, -1)
    cleanSlash = true
  } else if (last.endsWith('.html') && last.length > '.html'.length) {
    clean = [...segments.slice(0, -1), last.slice(0, -'.html'.length)]
  }
  if (clean === undefined) return here.decision
  if (clean.length > 0) cleanSlash = s.trailingSlash === 'add' || (cleanSlash && s.trailingSlash === 'ignore')
  const target = toPath(clean, cleanSlash || clean.length === 0)
  // Only to a URL that serves this very file without a further redirect.
  const there = clean.length === 0 ? served(clean, true, s) : served(clean, cleanSlash, s)
  if (clean.length === 0) return there.file === here.file ? { kind: 'redirect', path: '/' } : here.decision
  return there.file === here.file && there.decision.kind !== 'redirect' ? { kind: 'redirect', path: target } : here.decision
}

/** The file a path is served from and how, before the cleanUrls redirect of `.html` names. */
function served(segments: readonly string[], slash: boolean, s: CleanSettings): Served {
  const name = toPath(segments, false)
  const indexFile = s.index === false ? undefined : segments.length === 0 ? '/' + s.index : `${name}/${s.index}`
  const hasIndex = indexFile !== undefined && s.exists(indexFile)
  if (segments.length === 0) return { file: hasIndex ? indexFile : undefined, decision: PASS }
  // A path that is a folder with an index is no file, even if `exists` says yes for it (a table that
  // lists `/dir` for static's folder redirect): taking it for a file would loop with that redirect.
  const hasFile = !hasIndex && s.exists(name)
  const html = s.cleanUrls ? `${name}.html` : undefined
  const hasHtml = html !== undefined && s.exists(html)
  const t = s.trailingSlash
  if (!slash) {
    if (hasFile) return { file: name, decision: PASS }
    if (hasHtml) return { file: html, decision: t === 'add' ? { kind: 'redirect', path: name + '/' } : { kind: 'rewrite', path: html } }
    if (hasIndex) {
      if (t === 'remove') return { file: indexFile, decision: { kind: 'rewrite', path: name + '/' } }
      // 'add' answers here; 'ignore' leaves the folder redirect to static (the same 301 to `/dir/`).
      return { file: indexFile, decision: t === 'add' ? { kind: 'redirect', path: name + '/' } : PASS }
    }
    return { file: undefined, decision: PASS }
  }
  if (hasIndex) return { file: indexFile, decision: t === 'remove' ? { kind: 'redirect', path: name } : PASS }
  if (hasHtml) return { file: html, decision: t === 'remove' ? { kind: 'redirect', path: name } : { kind: 'rewrite', path: html } }
  if (hasFile && t === 'remove') return { file: name, decision: { kind: 'redirect', path: name } }
  return { file: undefined, decision: PASS }
}

function toPath(segments: readonly string[], slash: boolean): string {
  if (segments.length === 0) return '/'
  return '/' + segments.join('/') + (slash ? '/' : '')
}
