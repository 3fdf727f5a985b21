/**
 * The `rules()` middleware: redirects and rewrites before the chain, header rules on the way out.
 *
 * @module
 */
import { STATUS_TEXT, afterNext, canonicalizePath, encodePath, isSafeFieldValue, type Context, type Middleware, type Next } from 'tinyhttp-core'
import { resolveCleanPath, type CleanSettings } from './clean-urls.js'
import { compileRules, type RouteMatch } from './compile.js'
import { RulesConfigError } from './errors.js'
import type { RedirectRule, SiteRules } from './model.js'
import type { ValidateOptions } from './validate.js'
import { carriesEdits, headerLayer, type HeaderLayer } from './precompute.js'

/**
 * The middleware {@link rules} returns: a middleware plus its header rules as a layer static can bake
 * into its blocks (`serveStatic(root, { headers: fileHeaders(mw.headerLayer) })`).
 *
 * @example
 * ```ts
 * const mw: RulesMiddleware = rules(config, { exists })
 * app.use(mw, allow, serveStatic(root, { headers: fileHeaders(mw.headerLayer) }))
 * ```
 */
export type RulesMiddleware = Middleware & {
  /** The header rules of the rule set in force, for tinyhttp-rules' `fileHeaders` (static's option `headers`). */
  readonly headerLayer: HeaderLayer
}

/**
 * Options of {@link rules}.
 *
 * @example
 * ```ts
 * const options: RulesOptions = { allowedHosts: ['docs.example'], exists: path => table.has(path) }
 * ```
 */
export interface RulesOptions extends ValidateOptions {
  /**
   * Whether a file is served at a canonical path (`'/app.js'`): a rule without `!` (not forced) does not
   * apply where one is (Netlify's shadowing). Without it, every rule applies as if forced. `cleanUrls` and
   * `trailingSlash` need it and ask it about file paths (`/about.html`, `/about/index.html`, `/about`); a
   * path that is also a folder with an index (`/about` when `/about/index.html` exists) counts as the folder.
   */
  readonly exists?: (canonicalPath: string) => boolean
  /**
   * The index file a folder path (`/docs/`) is served from, so that header rules for `/docs/index.html`
   * apply to a file answer for `/docs/` too; `false` for none. Match it to static's `index`.
   * @defaultValue 'index.html'
   */
  readonly index?: string | false
}

/**
 * The middleware that applies a rule set: a matching redirect answers at once (its status, a `Location`
 * built only from the rule and the canonical path's values, the request's query kept unless the
 * destination has its own, and a fixed `text/plain` body that echoes nothing); a matching rewrite replaces
 * the request's canonical path (`ctx.req.rewrite`) and passes on, so the allowlist after it decides about
 * the target; on the way out, every matching header rule is applied (set, or removed for `null`) to
 * whatever answered, unless the response is already on the wire.
 *
 * @remarks
 * Matching is on `ctx.req.canonicalPath`; a path the canonicalizer refuses is passed on untouched (the
 * plugins that map paths answer 400). Route rules are matched once (a rewrite's target is not matched
 * again). Header rules match the canonical path after any rewrite, and for a file answer by static to a
 * folder path also the path of its index file (`options.index`). A rewrite without `!` needs `options.exists` (else it would hide every file); a rewrite
 * destination has no query. `cleanUrls` and `trailingSlash` (see the outcome table in the README) need
 * `options.exists` (asked about file paths: `/about.html`, `/docs/index.html`): they apply after forced
 * rules and before the others, rewrite internally or answer `GET`/`HEAD` with a 301 to a relative path.
 *
 * @param config - the rule set (from the importers, merged with `mergeRules`)
 * @param options - allowed hosts for absolute destinations, and which paths hold files
 * @returns the middleware, named `rules`, with its `headerLayer` (header rules precomputed into static's
 *   blocks: see `fileHeaders`)
 * @throws RulesConfigError for an invalid rule set, or one that needs `options.exists` without it
 * @example
 * ```ts
 * const app = createApp()
 * app.use(rules(parseRedirects(readFileSync('public/_redirects', 'utf8'), 'public/_redirects')))
 * ```
 */
export function rules(config: SiteRules, options: RulesOptions = {}): RulesMiddleware {
  const compiled = compileRules(config, options)
  refuseUnapplied(config, options)
  const exists = options.exists
  const hasHeaders = config.headers.length > 0
  const index = options.index ?? 'index.html'
  if (index !== false && (typeof index !== 'string' || index === '' || index.includes('/'))) {
    throw new TypeError('rules: index must be a file name (no "/") or false')
  }

  // A file answer of static: the header rules of its canonical path (and of the index file for a folder).
  const layer = headerLayer(
    () => compiled,
    (c, _path, segments, trailingSlash) =>
      index !== false && trailingSlash ? c.headersForFile(segments, true, [...segments, index]) : c.headers(segments, trailingSlash),
  )

  function decorate(ctx: Context): void {
    const res = ctx.res
    const path = ctx.req.canonicalPath
    if (res.committed || !path.ok) return
    const file = servedFile(res.reason)
    // Static sent a block with these very rules baked in (option `headers`): nothing to do.
    if (carriesEdits(ctx, layer, compiled, path.path, file)) return
    // A file answer for a folder path came from its index file: the rules for that file apply too.
    const fromIndex = index !== false && path.trailingSlash && file
    const fields = fromIndex ? compiled.headersForFile(path.segments, true, [...path.segments, index]) : compiled.headers(path.segments, path.trailingSlash)
    for (const [name, value] of fields) {
      if (value === null) res.headers.delete(name)
      else res.headers.set(name, value)
    }
  }

  function failed(_ctx: Context, err: unknown): never {
    throw err
  }

  const clean: CleanSettings | undefined =
    exists !== undefined && (config.cleanUrls === true || config.trailingSlash === 'add' || config.trailingSlash === 'remove')
      ? { cleanUrls: config.cleanUrls === true, trailingSlash: config.trailingSlash ?? 'ignore', index, exists }
      : undefined

  const middleware = function rules(ctx: Context, next: Next): void | Promise<void> {
    const path = ctx.req.canonicalPath
    if (!path.ok) return next()
    const hit = compiled.route(path.segments, path.trailingSlash)
    let shadowed = false
    if (clean !== undefined && (hit === undefined || !hit.rule.force)) {
      // cleanUrls / trailingSlash: after forced rules, before the others (a file here shadows them).
      const decision = resolveCleanPath(path.segments, path.trailingSlash, clean)
      if (decision.kind === 'rewrite') {
        ctx.req.rewrite(encodePath(decision.path))
        shadowed = true
      } else if (decision.kind === 'redirect') {
        shadowed = true
        const method = ctx.req.method
        const location = encodePath(decision.path)
        // Canonical paths have no empty segment, so this never starts with `//`; checked all the same.
        if ((method === 'GET' || method === 'HEAD') && !location.startsWith('//') && !location.includes('\\')) {
          answerRedirect(ctx, 301, withQuery(location, ctx.req.rawQuery))
          if (hasHeaders) decorate(ctx)
          return
        }
      }
    }
    if (hit !== undefined && !shadowed && (hit.rule.force || exists === undefined || !exists(path.path))) {
      if (hit.rule.kind === 'rewrite') {
        // Routes are matched once. A target that is not canonical although each part is (`/file~:n` with
        // n = 1 makes the 8.3 name `file~1`) is no rewrite at all: the request goes on as it came.
        if (canonicalizePath(hit.target).ok) ctx.req.rewrite(hit.target)
      } else {
        redirect(ctx, hit, hit.rule)
        if (hasHeaders) decorate(ctx)
        return
      }
    }
    if (!hasHeaders) return next()
    return afterNext(ctx, next, decorate, failed)
  } as RulesMiddleware
  Object.defineProperty(middleware, 'headerLayer', { value: layer, enumerable: true })
  return middleware
}

/** Whether static answered with (a part or the validation of) a file. */
function servedFile(reason: string | undefined): boolean {
  return (
    reason === 'static:hit' ||
    reason === 'static:compressed' ||
    reason === 'static:head' ||
    reason === 'static:disk' ||
    reason === 'static:partial' ||
    reason === 'static:multipart' ||
    reason === 'static:not-modified'
  )
}

/** Answers a redirect: status, `Location`, fixed body. */
function redirect(ctx: Context, hit: RouteMatch, rule: RedirectRule): void {
  answerRedirect(ctx, rule.status, withQuery(hit.target, ctx.req.rawQuery))
}

/** Answers a redirect to `location` with a fixed body that echoes nothing of the request. */
function answerRedirect(ctx: Context, status: number, location: string): void {
  const res = ctx.res
  res.status = status
  res.reason = 'rules:redirect'
  res.headers.set('Location', location)
  res.headers.set('Content-Type', 'text/plain; charset=utf-8')
  res.headers.set('X-Content-Type-Options', 'nosniff')
  res.body = `${status} ${STATUS_TEXT[status] ?? 'Redirect'}\n`
}

/**
 * The request's query appended to a target that has none (before a `#fragment`); dropped when it is not
 * plain visible ASCII.
 */
function withQuery(target: string, rawQuery: string): string {
  if (rawQuery === '' || target.includes('?')) return target
  if (!isSafeFieldValue(rawQuery) || /[^\x21-\x7e]/.test(rawQuery)) return target
  const hash = target.indexOf('#')
  return hash < 0 ? `${target}?${rawQuery}` : `${target.slice(0, hash)}?${rawQuery}${target.slice(hash)}`
}

/** What the middleware does not apply yet is an error, not silence. */
function refuseUnapplied(config: SiteRules, options: RulesOptions): void {
  for (const rule of config.routes) {
    if (rule.kind !== 'rewrite') continue
    if (/[?#]/.test(rule.to.text)) throw new RulesConfigError(rule.source, 'a rewrite destination with a query or a fragment is not supported')
    if (!rule.force && options.exists === undefined) {
      throw new RulesConfigError(rule.source, 'a rewrite without "!" is shadowed by existing files: pass options.exists (or force it with 200!)')
    }
  }
  if (options.exists === undefined && config.cleanUrls === true) {
    throw new RulesConfigError({ file: '(rules)', key: 'cleanUrls' }, 'cleanUrls needs options.exists (which files are served)')
  }
  if (options.exists === undefined && (config.trailingSlash === 'add' || config.trailingSlash === 'remove')) {
    throw new RulesConfigError({ file: '(rules)', key: 'trailingSlash' }, 'trailingSlash needs options.exists (which files are served)')
  }
}


