/**
 * Line splitting shared by the text importers.
 *
 * @module
 */

/**
 * One line of a rule file, with its 1-based number and without its line terminator.
 *
 * @example `const l: NumberedLine = { number: 3, text: '/a /b 301' }`
 */
export interface NumberedLine {
  readonly number: number
  readonly text: string
}

/**
 * Splits a file into lines (`\n` or `\r\n`), dropping a leading byte-order mark.
 *
 * @param text - the whole file
 * @returns every line, numbered from 1
 * @example
 * ```ts
 * numberedLines('a\r\nb') // [{ number: 1, text: 'a' }, { number: 2, text: 'b' }]
 * ```
 */
export function numberedLines(text: string): NumberedLine[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  return body.split('\n').map((line, i) => ({ number: i + 1, text: line.endsWith('\r') ? line.slice(0, -1) : line }))
}

/**
 * Whether a line holds nothing: only spaces and tabs, or a comment (`#` after optional blanks).
 *
 * @param text - a line without its terminator
 * @returns true for blank and comment lines
 * @example
 * ```ts
 * isBlankOrComment('   # cache rules') // true
 * ```
 */
export function isBlankOrComment(text: string): boolean {
  const t = text.trim()
  return t === '' || t.startsWith('#')
}

/**
 * Splits a line into its fields, separated by spaces or tabs.
 *
 * @param text - a line
 * @returns the non-empty fields
 * @example
 * ```ts
 * fields('/a\t /b  301') // ['/a', '/b', '301']
 * ```
 */
export function fields(text: string): string[] {
  return text.split(/[ \t]+/).filter(f => f !== '')
}
