/**
 * Brace alternation in allowlist entries: `**\/*.{js,css}` is `**\/*.js` or `**\/*.css`.
 *
 * @remarks
 * - `{a,b}` is one of the comma-separated alternatives; groups nest (`{a,b{c,d}}`) and combine
 *   (`{a,b}/{c,d}` has four alternatives); an alternative may be empty (`app{,.min}.js`) or span folders
 *   (`{css/site,js/app}.*`).
 * - A group without a comma at its own level is literal, braces included (`{a}.txt` is the name
 *   `{a}.txt`), as in bash and every glob library.
 * - `\{`, `\}` and `\,` are a literal `{`, `}` and `,`: the only escapes (any other backslash is left as
 *   it is, and an entry with a backslash is refused).
 * - A `{` without its `}` or a `}` without its `{` is refused (`unbalanced-brace`), and so is an entry with
 *   more than {@link MAX_ALTERNATIVES} alternatives (`too-many-alternatives`).
 *
 * Expansion is textual and happens before anything else looks at the entry, so each alternative then
 * follows the rules of any entry (and an alternative that spells a dot segment makes the entry a
 * `dotfile-via-glob`: braces never name a dotfile).
 *
 * @module
 */

/**
 * Most alternatives one entry may expand to.
 *
 * @example
 * ```ts
 * expandBraces('{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}') // too-many-alternatives (512)
 * ```
 */
export const MAX_ALTERNATIVES = 256

/**
 * The result of {@link expandBraces}.
 *
 * @example
 * ```ts
 * const r: BraceExpansion = expandBraces('*.{js,css}') // { ok: true, alternatives: ['*.js', '*.css'], alternation: true }
 * ```
 */
export type BraceExpansion =
  | {
      readonly ok: true
      /** The alternatives, escapes resolved, in order, without duplicates. */
      readonly alternatives: readonly string[]
      /** Whether a group with a comma was expanded (false: at most escapes were resolved). */
      readonly alternation: boolean
    }
  | { readonly ok: false; readonly reason: 'unbalanced-brace' | 'too-many-alternatives' }

class Refusal {
  constructor(readonly reason: 'unbalanced-brace' | 'too-many-alternatives') {}
}

/**
 * Whether an entry needs {@link expandBraces} (it has a brace or a backslash).
 *
 * @param entry - an allowlist entry
 * @returns true when it contains `{`, `}` or `\`
 * @example
 * ```ts
 * hasBraceSyntax('*.{js,css}') // true
 * hasBraceSyntax('*.css')      // false
 * ```
 */
export function hasBraceSyntax(entry: string): boolean {
  return entry.includes('{') || entry.includes('}') || entry.includes('\\')
}

/**
 * Expands the brace groups of an entry.
 *
 * @param entry - an allowlist entry
 * @returns the alternatives, or why the entry is refused
 * @example
 * ```ts
 * expandBraces('**\/*.{js,css}')    // alternatives ['**\/*.js', '**\/*.css']
 * expandBraces('app{,.min}.js')    // alternatives ['app.js', 'app.min.js']
 * expandBraces('{a}.txt')          // alternatives ['{a}.txt'], alternation false
 * expandBraces('a\\{b,c\\}.txt')    // alternatives ['a{b,c}.txt'], alternation false
 * expandBraces('*.{js,css')        // { ok: false, reason: 'unbalanced-brace' }
 * ```
 */
export function expandBraces(entry: string): BraceExpansion {
  let i = 0
  let alternation = false

  const append = (acc: string[], text: string): string[] => acc.map(a => a + text)
  const product = (acc: readonly string[], group: readonly string[]): string[] => {
    if (acc.length * group.length > MAX_ALTERNATIVES) throw new Refusal('too-many-alternatives')
    const out: string[] = []
    for (const a of acc) for (const g of group) out.push(a + g)
    return out
  }

  /** A sequence up to the end, or (inside a group) up to a `,` or `}` of this level. */
  const sequence = (inGroup: boolean): string[] => {
    let acc = ['']
    while (i < entry.length) {
      const c = entry[i]!
      if (c === '\\' && i + 1 < entry.length && '{},'.includes(entry[i + 1]!)) {
        acc = append(acc, entry[i + 1]!)
        i += 2
      } else if (c === '{') {
        i++
        acc = product(acc, group())
      } else if (inGroup && (c === ',' || c === '}')) {
        return acc
      } else if (c === '}') {
        throw new Refusal('unbalanced-brace')
      } else {
        acc = append(acc, c)
        i++
      }
    }
    return acc
  }

  /** A group, after its `{`, up to and including its `}`. */
  const group = (): string[] => {
    const alternatives: string[] = []
    let commas = 0
    for (;;) {
      const part = sequence(true)
      if (alternatives.length + part.length > MAX_ALTERNATIVES) throw new Refusal('too-many-alternatives')
      alternatives.push(...part)
      if (i >= entry.length) throw new Refusal('unbalanced-brace')
      const close = entry[i] === '}'
      i++
      if (close) break
      commas++
    }
    if (commas === 0) return alternatives.map(a => `{${a}}`)
    alternation = true
    return alternatives
  }

  try {
    const alternatives = [...new Set(sequence(false))]
    return { ok: true, alternatives, alternation }
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, reason: err.reason }
    throw err
  }
}
