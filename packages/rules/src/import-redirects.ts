/**
 * The `_redirects` importer (Netlify and Cloudflare Pages syntax).
 *
 * @module
 */
import { parseDestination, destinationRefs } from './destination.js'
import { RulesConfigError, type RuleSource } from './errors.js'
import { fields, isBlankOrComment, numberedLines } from './lines.js'
import type { RedirectStatus, RouteRule, SiteRules } from './model.js'
import { captureNames, tryCompilePattern, type PathPattern } from './pattern.js'

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308])
const CONDITION = /^(Country|Language|Role|Cookie)=/i
const STATUS = /^(\d{3})(!?)$/

/**
 * Parses a `_redirects` file.
 *
 * @remarks
 * One rule a line: `from to [status][!]`. `from` is a path with exact segments, `:placeholder` segments
 * and a `*` splat as the last segment; `to` is a path on this site or an absolute http(s) URL, using
 * `:placeholder`s and `:splat`; the status is 301 (the default), 302, 303, 307, 308, or 200 for a rewrite;
 * `!` forces the rule even where a file exists. `#` starts a comment line.
 *
 * Every fault is a {@link RulesConfigError} naming the line — nothing is skipped: a malformed line, an
 * unknown status, what Netlify has and tinyhttp does not (query-parameter matching `key=:value`,
 * country / language / role / cookie conditions, domain-level `from` URLs, rewrites with another status
 * than 200 (custom 404 pages), proxying: a 200 to an absolute URL), a reference in `to` that `from` does
 * not capture, an inline comment. Destination safety and redirect cycles are checked by `validateRules`,
 * which needs the allowed hosts.
 *
 * @param text - the file's content
 * @param file - the file's name, for errors
 * @returns the redirect and rewrite rules, in file order (`headers` empty)
 * @throws RulesConfigError for any fault, and nothing else
 * @example
 * ```ts
 * const rules = parseRedirects('/news/* /blog/:splat 301\n/* /index.html 200\n', '_redirects')
 * rules.routes.map(r => r.kind) // ['redirect', 'rewrite']
 * ```
 */
export function parseRedirects(text: string, file: string): SiteRules {
  const routes: RouteRule[] = []
  for (const { number, text: line } of numberedLines(String(text))) {
    if (isBlankOrComment(line)) continue
    const source: RuleSource = Object.freeze({ file, line: number })
    routes.push(parseLine(fields(line), source))
  }
  return Object.freeze({ headers: Object.freeze([]), routes: Object.freeze(routes) })
}

/** One rule line, split into fields. */
function parseLine(f: string[], source: RuleSource): RouteRule {
  const fail = (reason: string): never => {
    throw new RulesConfigError(source, reason)
  }
  const comment = f.findIndex(x => x.startsWith('#'))
  if (comment > 0) fail('inline comments are not supported (put the comment on its own line)')
  const [from, to, status, ...rest] = f as [string, string | undefined, string | undefined, ...string[]]
  if (to === undefined) fail('a rule needs "from to [status]"')
  if (!to!.startsWith('/') && !/^https?:\/\//i.test(to!) && to!.includes('=')) {
    fail(`query-parameter matching (${to}) is not supported`)
  }
  const pattern = tryCompilePattern(from, 'netlify')
  if (typeof pattern === 'string') fail(`from ${JSON.stringify(from)}: ${pattern}`)
  let code = 301
  let force = false
  if (status !== undefined) {
    const m = STATUS.exec(status)
    if (m === null) {
      if (CONDITION.test(status)) fail(`conditions (${status}) are not supported`)
      fail(`${JSON.stringify(status)} is not a status code`)
    }
    code = Number(m![1])
    force = m![2] === '!'
  }
  for (const extra of rest) {
    if (CONDITION.test(extra)) fail(`conditions (${extra}) are not supported`)
    fail(`unexpected field ${JSON.stringify(extra)}`)
  }
  const destination = parseDestination(to!)
  checkRefs(pattern as PathPattern, destination, fail)
  if (code === 200) {
    if (destination.kind === 'url') fail('proxying (a 200 rule to an absolute URL) is not supported')
    return Object.freeze({ kind: 'rewrite', pattern: pattern as PathPattern, to: destination, force, source })
  }
  if (!REDIRECT_STATUSES.has(code)) {
    if (code >= 400 && code < 600) fail(`rewrites with status ${code} (custom error pages) are not supported`)
    fail(`status ${code} is not one of 200, 301, 302, 303, 307, 308`)
  }
  return Object.freeze({ kind: 'redirect', pattern: pattern as PathPattern, to: destination, status: code as RedirectStatus, force, source })
}

/** Every `:name` in the destination must be captured by the pattern. */
function checkRefs(pattern: PathPattern, destination: ReturnType<typeof parseDestination>, fail: (reason: string) => never): void {
  const names = new Set(captureNames(pattern))
  for (const ref of destinationRefs(destination)) {
    if (!names.has(ref)) fail(`the destination uses :${ref}, which the from path does not capture`)
  }
}
