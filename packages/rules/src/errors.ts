/**
 * Where a rule came from: the file, and the line (text formats) or the key (`serve.json`).
 *
 * @example
 * ```ts
 * const where: RuleSource = { file: 'public/_redirects', line: 3 }
 * const key: RuleSource = { file: 'serve.json', key: 'redirects[0].destination' }
 * ```
 */
export interface RuleSource {
  /** The file as the caller named it (or a label such as `'options'` for rules given in code). */
  readonly file: string
  /** 1-based line number, for `_headers` and `_redirects`. */
  readonly line?: number
  /** JSON key path, for `serve.json` (`headers[2].source`). */
  readonly key?: string
}

/** Formats a {@link RuleSource} as `file:line` or `file: key`. */
function describeSource(source: RuleSource): string {
  if (source.line !== undefined) return `${source.file}:${source.line}`
  if (source.key !== undefined) return `${source.file}: ${source.key}`
  return source.file
}

const BRAND = Symbol.for('tinyhttp-rules.RulesConfigError')

/**
 * The one error every importer and the validator throw: a rule file or rule that cannot be loaded, with
 * the file and the line (or JSON key) that is wrong. Nothing else escapes a parser.
 *
 * @remarks
 * `instanceof` works across two installed copies of this package (the class is branded with
 * `Symbol.for`).
 *
 * @example
 * ```ts
 * try {
 *   parseRedirects('/a /b 299\n', '_redirects')
 * } catch (err) {
 *   if (err instanceof RulesConfigError) console.error(err.message) // "_redirects:1: status 299 is not ..."
 * }
 * ```
 */
export class RulesConfigError extends Error {
  /** The file, line or key at fault. */
  readonly source: RuleSource
  /** What is wrong, without the location. */
  readonly reason: string

  /**
   * @param source - where the fault is
   * @param reason - what is wrong (no location: it is prefixed)
   */
  constructor(source: RuleSource, reason: string) {
    super(`${describeSource(source)}: ${reason}`)
    this.name = 'RulesConfigError'
    this.source = source
    this.reason = reason
  }

  /** Brand check, so two copies of the package agree on `instanceof`. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true
  }
}
Object.defineProperty(RulesConfigError.prototype, BRAND, { value: true })
