/**
 * The site rules of the served root: `_headers`, `_redirects` and `serve.json`, read from the root with
 * no flag (as Netlify, Cloudflare Pages and serve do), merged with the configuration file's rules, and
 * followed under `--watch`.
 *
 * @module
 */
import { watch, readFileSync, statSync, type FSWatcher } from 'node:fs'
import { join } from 'node:path'
import type { AllowlistReport } from 'tinyhttp-allowlist'
import type { SiteRules } from 'tinyhttp-rules'

/**
 * The rule files read from the root, in merge order: `_headers`, then `_redirects`, then `serve.json`
 * (route rules: the first that matches wins, so `_redirects` comes before `serve.json`; header rules: all
 * apply, a later value replacing an earlier one). They are configuration: the CLI never serves them.
 *
 * @example
 * ```ts
 * RULE_FILES.includes('_redirects') // true
 * ```
 */
export const RULE_FILES = ['_headers', '_redirects', 'serve.json'] as const

/**
 * The allow entries that name a rule file exactly (`_redirects`, `/serve.json`): they serve nothing, and
 * the CLI says so at start-up.
 *
 * @param entries - the allow entries, relative to the root
 * @returns those entries, as given
 * @example
 * ```ts
 * ruleFileEntries(['index.html', './_headers']) // ['./_headers']
 * ```
 */
export function ruleFileEntries(entries: readonly string[]): string[] {
  const names: ReadonlySet<string> = new Set(RULE_FILES)
  return entries.filter(e => names.has(e.replace(/^\.?\//, '')))
}

/** The importer of each rule file (a name of `tinyhttp-rules`, imported only when a rule file exists). */
const PARSERS = { _headers: 'parseHeaders', _redirects: 'parseRedirects', 'serve.json': 'parseServeJson' } as const

/** Larger rule files are refused (10 000 rules take well under 1 MiB). */
export const MAX_RULE_FILE_BYTES = 16 * 1024 * 1024

/**
 * A rule file that exists but cannot be used as one (a folder, too large, unreadable): not a syntax
 * fault, so not a `RulesConfigError`.
 *
 * @example
 * ```ts
 * throw new RuleFileError('public/_headers is a folder, not a file')
 * ```
 */
export class RuleFileError extends Error {
  override readonly name = 'RuleFileError'
}

/** An empty rule set. @example `mergeRules([NO_RULES, other])` */
export const NO_RULES: SiteRules = Object.freeze({ headers: Object.freeze([]), routes: Object.freeze([]) })

/**
 * Whether a rule set does nothing (no rules, no `cleanUrls`, no `trailingSlash` that acts).
 *
 * @param set - a rule set
 * @returns true when the `rules()` middleware would change no answer
 * @example
 * ```ts
 * isEmptyRules(NO_RULES) // true
 * ```
 */
export function isEmptyRules(set: SiteRules): boolean {
  return set.headers.length === 0 && set.routes.length === 0 && set.cleanUrls !== true && (set.trailingSlash === undefined || set.trailingSlash === 'ignore')
}

/** The name a file is given in messages: under the root as the user spelled it (`public/_redirects`). */
function labelOf(label: string, name: string): string {
  return label === '' ? name : join(label, name)
}

/** A rule file must be a regular file of a sane size. */
function checked(label: string, size: number, isFile: boolean): void {
  if (!isFile) throw new RuleFileError(`${label} is not a regular file`)
  if (size > MAX_RULE_FILE_BYTES) throw new RuleFileError(`${label} is larger than ${MAX_RULE_FILE_BYTES} bytes`)
}

function missing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code
  return code === 'ENOENT' || code === 'ENOTDIR'
}

function readError(label: string, err: unknown): RuleFileError {
  return new RuleFileError(`cannot read ${label}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
}

/**
 * Parses the texts found (in {@link RULE_FILES} order) and merges `extra` after them. `tinyhttp-rules` is
 * imported here, only when there is something to parse or merge: a root without rule files, served
 * without configured rules, never loads it (about 18 modules, 2 MB of RSS at start-up).
 */
async function mergeFound(found: ReadonlyArray<readonly [(typeof RULE_FILES)[number], string, string]>, extra: SiteRules | undefined): Promise<SiteRules> {
  if (found.length === 0 && extra === undefined) return NO_RULES
  const rules = await import('tinyhttp-rules')
  const sets = found.map(([name, text, label]) => rules[PARSERS[name]](text, label))
  if (extra !== undefined) sets.push(extra)
  return rules.mergeRules(sets)
}

/**
 * Reads the root's rule files and merges `extra` (the configuration file's rules) after them.
 *
 * @param root - the served root (absolute)
 * @param extra - rules merged last (`config.siteRules`), or undefined
 * @param label - how the root is named in messages (`public` gives `public/_redirects:3: …`)
 * @returns the merged rule set ({@link NO_RULES} when there is nothing)
 * @throws RulesConfigError for a fault in a file (its file and line or key), RuleFileError for a rule file
 *   that is a folder, too large or unreadable
 * The files are read synchronously (they are capped at 16 MiB; the parse and the compile that follow are
 * synchronous anyway); the promise only waits for `tinyhttp-rules` to be imported when there are rules.
 *
 * @example
 * ```ts
 * const rules = await loadSiteRules('/srv/site', config.siteRules, 'site')
 * ```
 */
export async function loadSiteRules(root: string, extra?: SiteRules, label = root): Promise<SiteRules> {
  const found: Array<readonly [(typeof RULE_FILES)[number], string, string]> = []
  for (const name of RULE_FILES) {
    const file = join(root, name)
    const shown = labelOf(label, name)
    let text: string
    try {
      const s = statSync(file)
      checked(shown, s.size, s.isFile())
      text = readFileSync(file, 'utf8')
    } catch (err) {
      if (err instanceof RuleFileError) throw err
      if (missing(err)) continue
      throw readError(shown, err)
    }
    found.push([name, text, shown])
  }
  return mergeFound(found, extra)
}

/**
 * The canonical paths the allowlist serves, as its table has them: every file, and for each listed index
 * file its folder path (`/docs/`) and the bare folder path (`/docs`, which static redirects to `/docs/`).
 *
 * @param report - the allowlist's report
 * @param index - the folder index name (`index.html`), or false
 * @returns the paths
 * @example
 * ```ts
 * servedPaths(report, 'index.html').has('/docs/') // true when docs/index.html is allowed
 * ```
 */
export function servedPaths(report: AllowlistReport, index: string | false): Set<string> {
  const paths = new Set<string>()
  for (const f of report.allowed) {
    paths.add(f.urlPath)
    if (index === false || !f.urlPath.endsWith('/' + index)) continue
    const folder = f.urlPath.slice(0, f.urlPath.length - index.length)
    paths.add(folder)
    if (folder !== '/') paths.add(folder.slice(0, -1))
  }
  return paths
}

/**
 * The `exists` of `rules()` answered from the allowlist's current table: live when the table is rebuilt
 * (`--watch`), computed once per table (one `Set` lookup per question).
 *
 * @param report - reads the allowlist's current report (`() => allow.report`)
 * @param index - the folder index name
 * @returns `exists(canonicalPath)`
 * @example
 * ```ts
 * const exists = existsInTable(() => allow.report, 'index.html')
 * rules(siteRules, { exists })
 * ```
 */
export function existsInTable(report: () => AllowlistReport, index: string | false): (canonicalPath: string) => boolean {
  let seen: AllowlistReport | undefined
  let paths = new Set<string>()
  return function exists(canonicalPath: string): boolean {
    const now = report()
    if (now !== seen) {
      seen = now
      paths = servedPaths(now, index)
    }
    return paths.has(canonicalPath)
  }
}

/**
 * Follows the root's rule files: `onChange` runs (debounced, 50 ms) after one of them is created,
 * edited, renamed or deleted. The watcher never keeps the process alive.
 *
 * @param root - the served root
 * @param onChange - called after a change settles
 * @returns stops watching
 * @example
 * ```ts
 * const stop = watchRuleFiles(config.root, () => void built.reloadRules().catch(report))
 * ```
 */
export function watchRuleFiles(root: string, onChange: () => void): () => void {
  let timer: NodeJS.Timeout | undefined
  let watcher: FSWatcher | undefined
  const names: ReadonlySet<string> = new Set(RULE_FILES)
  const schedule = (): void => {
    if (timer !== undefined) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = undefined
      onChange()
    }, 50)
    timer.unref()
  }
  try {
    watcher = watch(root, { persistent: false }, (_event, name) => {
      // Some platforms give no name: then any change may be one of ours.
      if (name === null || names.has(String(name))) schedule()
    })
    watcher.on('error', () => undefined)
  } catch {
    watcher = undefined
  }
  return () => {
    if (timer !== undefined) clearTimeout(timer)
    watcher?.close()
  }
}
