/**
 * The `_headers` importer (Netlify and Cloudflare Pages syntax).
 *
 * @module
 */
import { RulesConfigError } from './errors.js'
import { headerProblem } from './header-policy.js'
import { isBlankOrComment, numberedLines } from './lines.js'
import type { HeaderRule, SiteRules } from './model.js'
import { tryCompilePattern } from './pattern.js'

/**
 * Parses a `_headers` file.
 *
 * @remarks
 * The syntax: a path line (not indented: an exact path, `:placeholder` segments, a `*` splat as the last
 * segment), then its header lines, each indented: `Name: value` sets a header; `! Name` (Cloudflare
 * Pages) removes one. `#` starts a comment line. A name repeated in one block is joined with `, `
 * (Netlify), except `Set-Cookie`, which cannot be joined and is refused. Every fault is a
 * {@link RulesConfigError} naming the line: an indented line before any path, a path with no headers,
 * a malformed header line, a refused header ({@link headerProblem}), Netlify's `Basic-Auth` password
 * protection (not supported: it would be sent as a header), an unsupported pattern (a full
 * URL with a host, a glob inside a segment), or a path no canonical request path can equal.
 *
 * @param text - the file's content
 * @param file - the file's name, for errors
 * @returns the header rules, in file order (`routes` empty)
 * @throws RulesConfigError for any fault, and nothing else
 * @example
 * ```ts
 * const rules = parseHeaders('/assets/*\n  Cache-Control: public, max-age=31536000, immutable\n', '_headers')
 * rules.headers[0]?.headers // [['Cache-Control', 'public, max-age=31536000, immutable']]
 * ```
 */
export function parseHeaders(text: string, file: string): SiteRules {
  const rules: HeaderRule[] = []
  let current: { line: number; pattern: Exclude<ReturnType<typeof tryCompilePattern>, string>; headers: Array<[string, string | null]> } | undefined
  const close = (): void => {
    if (current === undefined) return
    if (current.headers.length === 0) throw new RulesConfigError({ file, line: current.line }, 'a path with no header lines below it')
    rules.push(Object.freeze({ pattern: current.pattern, headers: Object.freeze(current.headers.map(h => Object.freeze(h))), source: Object.freeze({ file, line: current.line }) }))
    current = undefined
  }
  for (const { number, text: line } of numberedLines(String(text))) {
    if (isBlankOrComment(line)) continue
    const where = { file, line: number }
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (current === undefined) throw new RulesConfigError(where, 'a header line before any path line')
      const header = parseHeaderLine(line.trim())
      if (typeof header === 'string') throw new RulesConfigError(where, header)
      const [name, value] = header
      // Netlify's password protection: sending it as a response header would publish the password.
      if (name.toLowerCase() === 'basic-auth') throw new RulesConfigError(where, 'Basic-Auth (Netlify password protection) is not supported')
      const problem = headerProblem(name, value)
      if (problem !== undefined) throw new RulesConfigError(where, problem)
      const lower = name.toLowerCase()
      const earlier = current.headers.find(h => h[0].toLowerCase() === lower)
      if (earlier === undefined) current.headers.push([name, value])
      else if (value === null || earlier[1] === null) throw new RulesConfigError(where, `${name} is both set and removed in this block`)
      else if (lower === 'set-cookie') throw new RulesConfigError(where, 'Set-Cookie repeated in one block (values cannot be joined)')
      else earlier[1] = `${earlier[1]}, ${value}`
      continue
    }
    close()
    const path = line.trim()
    if (/[ \t]/.test(path)) throw new RulesConfigError(where, 'a path line holds one path (indent header lines)')
    const pattern = tryCompilePattern(path, 'netlify')
    if (typeof pattern === 'string') throw new RulesConfigError(where, `path ${JSON.stringify(path)}: ${pattern}`)
    current = { line: number, pattern, headers: [] }
  }
  close()
  return Object.freeze({ headers: Object.freeze(rules), routes: Object.freeze([]) })
}

/** `Name: value` → [name, value]; `! Name` → [name, null]; otherwise the reason. */
function parseHeaderLine(line: string): [string, string | null] | string {
  if (line.startsWith('!')) {
    const name = line.slice(1).trim()
    if (name === '') return 'a removal line ("! Name") without a name'
    return [name, null]
  }
  const colon = line.indexOf(':')
  if (colon < 0) return 'a header line must be "Name: value" (or "! Name" to remove a header)'
  const name = line.slice(0, colon)
  const value = line.slice(colon + 1).trim()
  if (name === '') return 'a header line without a name'
  if (value === '') return `empty value for ${name} (use "! ${name}" to remove a header)`
  return [name, value]
}
