import { readFileSync } from 'node:fs'
import { extname, isAbsolute, resolve } from 'node:path'
import { canonicalizePath, encodePath, isToken, type Context } from 'tinyhttp-core'

/**
 * Serves the file at a canonical path (`'/404.html'`) as the body of an answer with `status`, and says
 * whether it did (false: nothing was changed). tinyhttp-static's `servePage` is one.
 *
 * @example
 * ```ts
 * const files = serveStatic('./public')
 * const serve: PageServer = files.servePage
 * ```
 */
export type PageServer = (ctx: Context, path: string, status: number) => boolean | Promise<boolean>

/**
 * Custom error pages served as files by a file server, so they get its `Content-Type`, compression and
 * validators, and (the request being rewritten to the page's path, see {@link FallbackOptions.errorPages})
 * the header rules of their own path.
 *
 * @example
 * ```ts
 * const files = serveStatic('./public')
 * const errorPages: ErrorPages = { paths: { 404: '/404.html', '5xx': '/50x.html' }, serve: files.servePage }
 * ```
 */
export interface ErrorPages {
  /**
   * Status → canonical path of the page below the file server's root (`'/404.html'`,
   * `'/errors/missing.html'`): `403`, `404`, a status from `500` to `599` but `501` (a method refused,
   * not a failure: it keeps its body like 405), and `'5xx'` for every one of those without a page of its own.
   */
  readonly paths: Partial<Record<403 | 404 | number | '5xx', string>>
  /** Serves a page: tinyhttp-static's `servePage`. */
  readonly serve: PageServer
}

/**
 * Options of {@link fallback}. Files (`pages`, `spa`) are read once, synchronously, when `fallback()`
 * is called.
 *
 * @example
 * ```ts
 * const options: FallbackOptions = {
 *   status: 404,
 *   body: 'negotiate',
 *   pages: { 404: './public/404.html' },
 *   spa: { file: 'index.html', root: './public' },
 * }
 * app.use(fallback(options))
 * ```
 */
export interface FallbackOptions {
  /** Answer for what nobody handled. @defaultValue 403 */
  status?: 403 | 404
  /** Methods served; for others nothing handled gets `methodStatus` + `Allow`. @defaultValue `['GET', 'HEAD']` */
  methods?: readonly string[]
  /** Status for a method not in `methods` (400 reproduces the original program; `Allow` is sent with both). With 405, a method not in core's `KNOWN_METHODS` (`get`, `FOO`) gets 501 instead (RFC 9110 §9.1). @defaultValue 405 */
  methodStatus?: 405 | 400
  /**
   * Answer `OPTIONS *` (asterisk-form: the server as a whole, RFC 9110 §9.3.7, a "ping") with
   * `204 No Content` + `Allow`: the `methods` and `OPTIONS`. Otherwise it is a method like any other:
   * 204 + `Allow` when `methods` lists OPTIONS, else `methodStatus` + `Allow`.
   *
   * @defaultValue false
   */
  optionsAsterisk?: boolean
  /**
   * Bodies of refusals and of what nobody handled: `'empty'`, `'text'` (the status text, text/plain),
   * `'negotiate'` (text/plain, text/html or JSON by `Accept`, with `Vary: Accept`), or `'html'` (the
   * HTML page when `Accept` prefers text/html, as a browser navigation does; empty for every other
   * client; with `Vary: Accept`).
   *
   * @defaultValue `'empty'`
   */
  body?: 'empty' | 'text' | 'negotiate' | 'html'
  /**
   * Status → one fixed sentence added to the generated bodies (`'text'`, `'negotiate'`, `'html'`): a paragraph
   * under the heading in HTML, a line after `403 Forbidden` in text, `note` in JSON. Use it to tell a
   * person what the refusal means (`'This server only serves the files it was told to serve.'`); it is
   * never request data.
   */
  notes?: Partial<Record<number, string>>
  /** Status → file whose bytes are the body (`.html`, `.htm`, `.txt` or `.json`); relative paths from the working directory. */
  pages?: Partial<Record<number, string>>
  /**
   * The single-page-app shell, served with 200 to GET/HEAD requests that accept `text/html`
   * explicitly, on a valid path whose last segment has no `.`, when nobody handled them or they were
   * refused with 403/404. A string is a file relative to the working directory.
   */
  spa?: string | { file: string; root?: string }
  /**
   * Custom error pages served by a file server (tinyhttp-static's `servePage`) for the answers whose body
   * fallback renders: a refusal 403/404 without a body (from the allowlist, or what nobody handled) and
   * errors thrown below with a status of 403, 404 or 5xx. The status is kept. Before the page is served
   * the request is rewritten to the page's path (`ctx.req.rewrite`), so what runs after on the way out
   * (`rules()` header rules when it wraps fallback, `presets()`) sees the page's canonical path; when the
   * page cannot be served (gone from disk) the path is put back and the answer is the one fallback gives
   * without a page. 400, 405, 501 and other statuses keep their bodies; a request whose path was refused
   * (`canonicalPath` not ok) never gets a page. A status may not have both a `pages` file and an error page.
   */
  errorPages?: ErrorPages
}

/** The error pages, resolved. */
export interface ResolvedErrorPages {
  /** Status → page path (5xx statuses but 501 without one of their own: `fiveXX`). */
  paths: ReadonlyMap<number, string>
  /** The page of 5xx statuses without their own, or undefined. */
  fiveXX: string | undefined
  serve: PageServer
}

/** A body read from disk at construction. */
export interface FileBodyBytes {
  type: string
  bytes: Buffer
}

/** Everything `fallback()` precomputes. */
export interface ResolvedFallback {
  status: 403 | 404
  methods: ReadonlySet<string>
  allow: string
  methodStatus: 405 | 400
  /** `Allow` of the 204 answer to `OPTIONS *`, or null when it is refused like any method not served. */
  asteriskAllow: string | null
  body: 'empty' | 'text' | 'negotiate' | 'html'
  notes: ReadonlyMap<number, string>
  pages: ReadonlyMap<number, FileBodyBytes>
  spa: Buffer | null
  errorPages: ResolvedErrorPages | null
}

const KNOWN = new Set(['status', 'methods', 'methodStatus', 'optionsAsterisk', 'body', 'notes', 'pages', 'spa', 'errorPages'])

const PAGE_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
}

function readBytes(what: string, file: string): Buffer {
  try {
    return readFileSync(file)
  } catch (cause) {
    throw new TypeError(`fallback: cannot read ${what} ${JSON.stringify(file)}: ${(cause as Error).message}`, { cause })
  }
}

function hasDotDot(file: string): boolean {
  return file.split(/[\\/]/).includes('..')
}

/**
 * The entries of a `{ status: value }` option (`notes`, `pages`), each key checked to be a status from
 * 400 to 599; entries whose value is undefined are left out.
 */
function statusEntries(name: string, what: string, option: unknown): Array<[number, unknown]> {
  if (option === undefined) return []
  if (option === null || typeof option !== 'object' || Array.isArray(option)) throw new TypeError(`fallback: ${name} must be an object { status: ${what} }`)
  const out: Array<[number, unknown]> = []
  for (const [key, value] of Object.entries(option)) {
    const status = Number(key)
    if (!Number.isInteger(status) || status < 400 || status > 599 || String(status) !== key) {
      throw new TypeError(`fallback: ${name} key ${JSON.stringify(key)} is not a status from 400 to 599`)
    }
    if (value !== undefined) out.push([status, value])
  }
  return out
}

function resolveNotes(notes: unknown): Map<number, string> {
  const out = new Map<number, string>()
  for (const [status, note] of statusEntries('notes', 'sentence', notes)) {
    // eslint-disable-next-line no-control-regex
    if (typeof note !== 'string' || note.trim() === '' || /[\x00-\x1f\x7f]/.test(note)) throw new TypeError(`fallback: notes[${status}] must be one line of text`)
    out.set(status, note)
  }
  return out
}

function resolvePages(pages: unknown): Map<number, FileBodyBytes> {
  const out = new Map<number, FileBodyBytes>()
  for (const [status, file] of statusEntries('pages', 'file', pages)) {
    if (typeof file !== 'string' || file === '' || file.includes('\0')) throw new TypeError(`fallback: pages[${status}] must be a file path`)
    const type = PAGE_TYPES[extname(file).toLowerCase()]
    if (type === undefined) throw new TypeError(`fallback: pages[${status}] must be a .html, .htm, .txt or .json file`)
    out.set(status, { type, bytes: readBytes(`pages[${status}]`, resolve(file)) })
  }
  return out
}

function resolveSpa(spa: unknown): Buffer | null {
  if (spa === undefined) return null
  let file: unknown
  let root: unknown
  if (typeof spa === 'string') file = spa
  else if (spa !== null && typeof spa === 'object') ({ file, root } = spa as { file?: unknown; root?: unknown })
  else throw new TypeError('fallback: spa must be a file path or { file, root }')
  if (typeof file !== 'string' || file === '' || file.includes('\0')) throw new TypeError('fallback: spa file must be a non-empty path')
  if (hasDotDot(file)) throw new TypeError(`fallback: spa file ${JSON.stringify(file)} must not contain '..'`)
  let path: string
  if (root === undefined) path = resolve(file)
  else {
    if (typeof root !== 'string' || root === '' || root.includes('\0')) throw new TypeError('fallback: spa root must be a non-empty path')
    if (isAbsolute(file)) throw new TypeError(`fallback: spa file ${JSON.stringify(file)} must be relative to spa root`)
    path = resolve(root, file)
  }
  return readBytes('spa file', path)
}

/** A page path: canonical (what `canonicalizePath` gives back unchanged), absolute, a file. */
function pagePath(key: string, path: unknown): string {
  if (typeof path !== 'string' || !path.startsWith('/')) throw new TypeError(`fallback: errorPages.paths[${key}] must be a path from the root like "/404.html"`)
  const cp = canonicalizePath(encodePath(path))
  if (!cp.ok || cp.path !== path || cp.trailingSlash) throw new TypeError(`fallback: errorPages.paths[${key}] ${JSON.stringify(path)} is not the canonical path of a file`)
  return path
}

function resolveErrorPages(option: unknown, pages: ReadonlyMap<number, FileBodyBytes>): ResolvedErrorPages | null {
  if (option === undefined) return null
  if (option === null || typeof option !== 'object') throw new TypeError('fallback: errorPages must be { paths, serve }')
  const { paths, serve } = option as { paths?: unknown; serve?: unknown }
  if (typeof serve !== 'function') throw new TypeError('fallback: errorPages.serve must be a function (tinyhttp-static\'s servePage)')
  if (paths === null || typeof paths !== 'object' || Array.isArray(paths)) throw new TypeError('fallback: errorPages.paths must be an object { status: path }')
  const out = new Map<number, string>()
  let fiveXX: string | undefined
  for (const [key, value] of Object.entries(paths)) {
    if (value === undefined) continue
    if (key === '5xx') {
      fiveXX = pagePath(key, value)
      continue
    }
    const status = Number(key)
    if (String(status) !== key || (status !== 403 && status !== 404 && !(status >= 500 && status <= 599 && status !== 501))) {
      throw new TypeError(`fallback: errorPages.paths key ${JSON.stringify(key)} is not 403, 404, a status from 500 to 599 (501 excepted) or "5xx"`)
    }
    out.set(status, pagePath(key, value))
  }
  for (const status of pages.keys()) {
    if (out.has(status) || (fiveXX !== undefined && status >= 500 && status !== 501)) throw new TypeError(`fallback: status ${status} has both a pages file and an error page`)
  }
  return { paths: out, fiveXX, serve: serve as PageServer }
}

/**
 * Validates the options and reads the files they name.
 *
 * @param options - what the user passed
 * @returns the resolved configuration
 * @throws TypeError for a bad option or a file that cannot be read
 * @internal
 */
export function resolveFallbackOptions(options: FallbackOptions): ResolvedFallback {
  if (options === null || typeof options !== 'object') throw new TypeError('fallback: options must be an object')
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new TypeError(`fallback: unknown option ${JSON.stringify(key)}`)
  }
  const status = options.status ?? 403
  if (status !== 403 && status !== 404) throw new TypeError('fallback: status must be 403 or 404')
  const methodStatus = options.methodStatus ?? 405
  if (methodStatus !== 405 && methodStatus !== 400) throw new TypeError('fallback: methodStatus must be 405 or 400')
  const body = options.body ?? 'empty'
  if (body !== 'empty' && body !== 'text' && body !== 'negotiate' && body !== 'html') throw new TypeError("fallback: body must be 'empty', 'text', 'negotiate' or 'html'")

  const list: unknown = options.methods ?? ['GET', 'HEAD']
  if (!Array.isArray(list) || list.length === 0) throw new TypeError('fallback: methods must be a non-empty array')
  const methods = new Set<string>()
  for (const m of list as unknown[]) {
    if (typeof m !== 'string' || !isToken(m)) throw new TypeError(`fallback: method ${JSON.stringify(m)} is not an HTTP token`)
    methods.add(m)
  }
  const optionsAsterisk = options.optionsAsterisk ?? false
  if (typeof optionsAsterisk !== 'boolean') throw new TypeError('fallback: optionsAsterisk must be a boolean')
  const allow = [...methods].join(', ')

  const pages = resolvePages(options.pages)
  return {
    status,
    methods,
    allow,
    methodStatus,
    asteriskAllow: methods.has('OPTIONS') ? allow : optionsAsterisk ? `${allow}, OPTIONS` : null,
    body,
    notes: resolveNotes(options.notes),
    pages,
    spa: resolveSpa(options.spa),
    errorPages: resolveErrorPages(options.errorPages, pages),
  }
}
