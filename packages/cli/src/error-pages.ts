/**
 * Custom error pages of the CLI: `--error-page STATUS=FILE` and the `404.html`, `403.html`, `50x.html`
 * found at the root, checked at start-up and turned into tinyhttp-fallback's `errorPages.paths`.
 *
 * @module
 */
import { realpath, stat } from 'node:fs/promises'
import { isAbsolute, join, relative } from 'node:path'
import { canonicalizePath, encodePath } from 'tinyhttp-core'
import type { ErrorPages } from 'tinyhttp-fallback'
import { usageError } from './errors.js'

/** The statuses `--error-page` takes: `50x` is every 5xx answer but 501 (a method refused, like 405). */
export type ErrorPageStatus = '403' | '404' | '50x'

/** Status → page file, relative to the root, `/`-separated (`'404.html'`, `'errors/missing.html'`). */
export type ErrorPageFiles = Partial<Record<ErrorPageStatus, string>>

const STATUSES: readonly ErrorPageStatus[] = ['403', '404', '50x']

/**
 * Configuration files of the root (read by the CLI, never served): not an error page either. The CLI
 * refuses them as pages, so that `--error-page` can never publish them.
 */
const NOT_PAGES = new Set(['_headers', '_redirects', 'serve.json'])

/** Whether a real path is the root or below it. */
function inside(root: string, real: string): boolean {
  const rel = relative(root, real)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/** Whether the file is a regular file whose real path stays in the root (a symlink out of it is not). */
async function regularFileInRoot(root: string, file: string): Promise<'ok' | 'missing' | 'not-a-file' | 'outside'> {
  let real: string
  try {
    real = await realpath(join(root, ...file.split('/')))
  } catch {
    return 'missing'
  }
  if (!inside(root, real)) return 'outside'
  try {
    return (await stat(real)).isFile() ? 'ok' : 'not-a-file'
  } catch {
    return 'missing'
  }
}

/** Checks the FILE of one `--error-page` value and spells it from the root. */
function pageFile(status: string, text: string): string {
  const where = `--error-page ${status}`
  if (text === '') throw usageError(`${where}: give a file, relative to the root (${status}=errors/${status}.html)`)
  if (isAbsolute(text) || text.startsWith('/')) throw usageError(`${where}: ${JSON.stringify(text)} must be relative to the root`)
  const file = text.replace(/^(\.\/)+/, '')
  const segments = file.split('/')
  if (segments.includes('..')) throw usageError(`${where}: ${JSON.stringify(text)} has a ".." segment: a page must be inside the root`)
  if (segments.some(s => s === '' || s === '.')) throw usageError(`${where}: ${JSON.stringify(text)} is not a file path`)
  if (segments.some(s => s.startsWith('.'))) throw usageError(`${where}: ${JSON.stringify(text)} is a dotfile or inside a dot folder: those are never served`)
  const cp = canonicalizePath(encodePath('/' + file))
  if (!cp.ok || cp.path !== '/' + file) throw usageError(`${where}: ${JSON.stringify(text)} is not a path this server can serve`)
  if (NOT_PAGES.has(file)) throw usageError(`${where}: ${file} is a configuration file of the root, never served`)
  return file
}

/**
 * Resolves the error pages: each `--error-page STATUS=FILE` (STATUS `403`, `404` or `50x`; FILE relative
 * to the root, a regular file inside it), then, for each status without one, `<status>.html` at the root
 * when it is a regular file inside the root.
 *
 * @param values - the `--error-page` values, undefined when none was given
 * @param root - the root (absolute, real path)
 * @returns status → file relative to the root
 * @throws CliError (exit code 2) for a bad STATUS, a repeated STATUS, or a FILE that is not a regular file inside the root
 * @example
 * ```ts
 * await resolveErrorPages(['404=errors/missing.html'], '/srv/site') // { '404': 'errors/missing.html', '50x': '50x.html' } when /srv/site/50x.html exists
 * ```
 */
export async function resolveErrorPages(values: readonly string[] | undefined, root: string): Promise<ErrorPageFiles> {
  const pages: ErrorPageFiles = {}
  for (const value of values ?? []) {
    const eq = value.indexOf('=')
    const status = eq < 0 ? value : value.slice(0, eq)
    if (!(STATUSES as readonly string[]).includes(status)) {
      throw usageError(`--error-page takes STATUS=FILE with STATUS 403, 404 or 50x, got ${JSON.stringify(value)}`)
    }
    const key = status as ErrorPageStatus
    if (pages[key] !== undefined) throw usageError(`--error-page ${status} is given twice`)
    const file = pageFile(status, eq < 0 ? '' : value.slice(eq + 1))
    const found = await regularFileInRoot(root, file)
    if (found === 'missing') throw usageError(`--error-page ${status}: ${file} does not exist in the root ${root}`)
    if (found === 'not-a-file') throw usageError(`--error-page ${status}: ${file} is not a file`)
    if (found === 'outside') throw usageError(`--error-page ${status}: ${file} leads out of the root ${root} (a symlink)`)
    pages[key] = file
  }
  for (const status of STATUSES) {
    if (pages[status] === undefined && (await regularFileInRoot(root, `${status}.html`)) === 'ok') pages[status] = `${status}.html`
  }
  return pages
}

/**
 * tinyhttp-fallback's `errorPages.paths` for the pages of a configuration (`50x` → `'5xx'`).
 *
 * @param files - from {@link resolveErrorPages}
 * @returns status → canonical path, or undefined when there is no page
 * @example
 * ```ts
 * errorPagePaths({ '404': '404.html', '50x': 'errors/oops.html' }) // { 404: '/404.html', '5xx': '/errors/oops.html' }
 * ```
 */
export function errorPagePaths(files: ErrorPageFiles): ErrorPages['paths'] | undefined {
  const paths: Record<string, string> = {}
  if (files['403'] !== undefined) paths['403'] = '/' + files['403']
  if (files['404'] !== undefined) paths['404'] = '/' + files['404']
  if (files['50x'] !== undefined) paths['5xx'] = '/' + files['50x']
  return Object.keys(paths).length === 0 ? undefined : paths
}

/**
 * A start-up warning when a 404 page would never be shown: with `--not-found 403` (the default) the
 * paths that are not served answer 403.
 *
 * @param files - the pages
 * @param notFound - `--not-found`
 * @returns the warning, or undefined
 * @example
 * ```ts
 * errorPageWarning({ '404': '404.html' }, 403) // '404.html is the page of 404 answers, but …'
 * ```
 */
export function errorPageWarning(files: ErrorPageFiles, notFound: 403 | 404): string | undefined {
  if (notFound !== 403 || files['404'] === undefined || files['403'] !== undefined) return undefined
  return `${files['404']} is the page of 404 answers, but paths that are not served answer 403: add --not-found 404 to show it (or a 403 page)`
}
