/**
 * Lints a RegExp given as the `origin` option, at construction:
 *
 * - no `g` or `y` flag (they make `test()` stateful through `lastIndex`: @fastify/cors#152), no `m`
 *   flag (it turns `^`/`$` into line anchors);
 * - every top-level alternative starts with `^` and ends with `$` (`/example\.com$/` also matches
 *   `https://evilexample.com`; `/^https:\/\/a\.example|https:\/\/b\.example$/` matches
 *   `https://a.example.evil.com`);
 * - nothing obviously catastrophic (ReDoS): no repeated group that itself contains a repetition
 *   (`(a+)+`, `([a-z]+\.)*`), no repeated group whose alternatives are not plain literals forming a
 *   prefix-free set (`(a|a)*`, `(a|ab)+`), no backreference.
 *
 * The scan is a small tokenizer over `source`, not a full RegExp parser: it errs on the side of
 * refusing. Unescaped `.` used as a literal (not followed by a quantifier) only produces a warning.
 *
 * @module
 */

/** What {@link lintOriginPattern} found that is worth a warning but not an error. */
export interface PatternLint {
  /** An unescaped `.` that is not followed by a quantifier, e.g. `^https://a.example$`. */
  looseDot: boolean
}

interface Frame {
  /** A repetition somewhere inside (at any depth). */
  hasRepeat: boolean
  /** Literal text of each alternative so far, or null once an alternative is not a plain literal. */
  alternatives: string[] | null
  /** Whether the group contains `|` directly. */
  hasAlternation: boolean
}

const QUANTIFIER_BRACES = /^\{(\d+)(?:(,)(\d*))?\}/

function fail(source: string, why: string): never {
  throw new TypeError(`cors: origin pattern /${source}/ ${why}`)
}

/** Adds a literal character to the current alternative of a frame (or marks it non-literal). */
function literal(frame: Frame, ch: string | null): void {
  const alts = frame.alternatives
  if (alts === null) return
  if (ch === null) frame.alternatives = null
  else alts[alts.length - 1] += ch
}

/** Whether any string of the set is a prefix of another (or two are equal). */
function hasPrefixPair(words: readonly string[]): boolean {
  for (let i = 0; i < words.length; i++) {
    for (let j = 0; j < words.length; j++) {
      if (i !== j && (words[j] as string).startsWith(words[i] as string)) return true
    }
  }
  return false
}

/**
 * Checks a RegExp meant to match serialized origins.
 *
 * @param pattern - the configured RegExp
 * @returns warnings (never errors: those throw)
 * @throws TypeError for a `g`, `y` or `m` flag, a pattern that is not anchored with `^…$`, a nested or
 * ambiguous repetition, or a backreference
 * @internal
 */
export function lintOriginPattern(pattern: RegExp): PatternLint {
  const { source, flags } = pattern
  if (flags.includes('g') || flags.includes('y')) {
    fail(source, `has the ${flags.includes('g') ? 'g' : 'y'} flag, which makes test() depend on lastIndex (alternating results); drop it`)
  }
  if (flags.includes('m')) fail(source, 'has the m flag, which turns ^ and $ into line anchors; drop it')
  const unicodeSets = flags.includes('v')
  const unicode = unicodeSets || flags.includes('u')
  const ignoreCase = flags.includes('i')
  const lint: PatternLint = { looseDot: false }

  const stack: Frame[] = [{ hasRepeat: false, alternatives: [''], hasAlternation: false }]
  // Anchoring of the top-level alternatives.
  let altStartsWithCaret = false
  let altHasToken = false
  let lastTopTokenIsDollar = false

  const n = source.length
  let i = 0
  /** Frame closed by the last token when it was a group, so a quantifier can be applied to it. */
  let closedGroup: Frame | null = null
  /** Whether the last token can take a quantifier (an atom). */
  let quantifiable = false
  /** Whether the last token was an unescaped `.`. */
  let lastWasDot = false

  const endTopAlternative = (): void => {
    if (!altStartsWithCaret || !lastTopTokenIsDollar) {
      fail(source, 'is not anchored: every alternative must start with ^ and end with $ (e.g. /^https:\\/\\/(app|www)\\.example\\.com$/)')
    }
  }

  while (i < n) {
    const frame = stack[stack.length - 1] as Frame
    const depth = stack.length - 1
    const ch = source[i] as string

    // Quantifiers apply to the previous atom.
    let quant: { repeat: boolean; length: number } | null = null
    if (ch === '*' || ch === '+') quant = { repeat: true, length: 1 }
    else if (ch === '?') quant = { repeat: false, length: 1 }
    else if (ch === '{') {
      const m = QUANTIFIER_BRACES.exec(source.slice(i))
      if (m !== null) {
        const min = Number(m[1])
        const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3])
        quant = { repeat: max > 1, length: m[0].length }
      }
    }
    if (quant !== null) {
      if (quantifiable) {
        if (lastWasDot) lastWasDot = false
        if (quant.repeat) {
          if (closedGroup !== null) {
            if (closedGroup.hasRepeat) fail(source, 'repeats a group that itself contains a repetition, like (a+)+ or ([a-z]+\\.)* (catastrophic backtracking); use a function origin instead')
            if (closedGroup.hasAlternation && (closedGroup.alternatives === null || hasPrefixPair(closedGroup.alternatives))) {
              fail(source, 'repeats a group whose alternatives can overlap, like (a|a)+ (catastrophic backtracking); use a function origin instead')
            }
          }
          frame.hasRepeat = true
        }
        literal(frame, null)
      }
      if (depth === 0) lastTopTokenIsDollar = false
      i += quant.length
      if (source[i] === '?') i++ // lazy
      closedGroup = null
      quantifiable = false
      continue
    }
    if (lastWasDot) lint.looseDot = true
    lastWasDot = false
    closedGroup = null

    if (depth === 0 && ch !== '|' && !altHasToken) {
      altHasToken = true
      altStartsWithCaret = ch === '^'
    }

    switch (ch) {
      case '\\': {
        const next = source[i + 1]
        if (next === undefined) fail(source, 'ends with a lone backslash')
        if ((next >= '1' && next <= '9') || (next === 'k' && source[i + 2] === '<')) {
          fail(source, 'uses a backreference, which can take exponential time; origins never need one')
        }
        let length = 2
        if ((next === 'u' || next === 'p' || next === 'P') && source[i + 2] === '{') {
          const close = source.indexOf('}', i + 3)
          length = close === -1 ? 2 : close - i + 1
        }
        const isLiteralEscape = length === 2 && !/[a-zA-Z0-9]/.test(next)
        literal(frame, isLiteralEscape ? (ignoreCase ? next.toLowerCase() : next) : null)
        i += length
        quantifiable = true
        if (depth === 0) lastTopTokenIsDollar = false
        break
      }
      case '[': {
        // A character class; in v mode classes nest.
        let j = i + 1
        let nesting = 1
        while (j < n && nesting > 0) {
          const c = source[j]
          if (c === '\\') j += 2
          else {
            if (c === '[' && unicodeSets) nesting++
            else if (c === ']') nesting--
            j++
          }
        }
        literal(frame, null)
        i = j
        quantifiable = true
        if (depth === 0) lastTopTokenIsDollar = false
        break
      }
      case '(': {
        let j = i + 1
        if (source[j] === '?') {
          const kind = source[j + 1]
          if (kind === ':' || kind === '=' || kind === '!') j += 2
          else if (kind === '<' && (source[j + 2] === '=' || source[j + 2] === '!')) j += 3
          else if (kind === '<') j = source.indexOf('>', j) + 1
          else j = source.indexOf(':', j) + 1 // modifiers, (?i:…)
          if (j <= 0) fail(source, 'has a malformed group')
        }
        literal(frame, null)
        stack.push({ hasRepeat: false, alternatives: [''], hasAlternation: false })
        i = j
        quantifiable = false
        if (depth === 0) lastTopTokenIsDollar = false
        break
      }
      case ')': {
        if (depth === 0) fail(source, 'has an unbalanced )')
        stack.pop()
        const parent = stack[stack.length - 1] as Frame
        if (frame.hasRepeat) parent.hasRepeat = true
        closedGroup = frame
        i++
        quantifiable = true
        if (stack.length === 1) lastTopTokenIsDollar = false
        break
      }
      case '|': {
        frame.hasAlternation = true
        if (frame.alternatives !== null) frame.alternatives.push('')
        if (depth === 0) {
          endTopAlternative()
          altHasToken = false
          altStartsWithCaret = false
        }
        i++
        quantifiable = false
        break
      }
      case '^':
      case '$': {
        literal(frame, null)
        if (depth === 0) lastTopTokenIsDollar = ch === '$'
        i++
        quantifiable = !unicode // in Annex B mode anchors are (uselessly) quantifiable
        break
      }
      case '.': {
        literal(frame, null)
        lastWasDot = true
        i++
        quantifiable = true
        if (depth === 0) lastTopTokenIsDollar = false
        break
      }
      default: {
        literal(frame, ignoreCase ? ch.toLowerCase() : ch)
        i++
        quantifiable = true
        if (depth === 0) lastTopTokenIsDollar = false
      }
    }
  }
  if (lastWasDot) lint.looseDot = true
  if (stack.length !== 1) fail(source, 'has an unbalanced (')
  endTopAlternative()
  return lint
}
