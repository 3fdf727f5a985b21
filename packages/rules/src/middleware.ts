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
  /**
   * The canonical path of the file that answered, when it is not the request's: for example fallback's
   * SPA shell (`ctx.res.reason === 'fallback:spa'` → `'/index.html'`) or a custom error page. Header
   * rules then match that path instead of the request's. Asked on the way out; `undefined` (or a path
   * that is not canonical) keeps the request's path.
   */
  readonly servedPath?: (ctx: Context) => string | undefined
}

/**
 * The middleware returned by {@link rules}: the middleware itself, and the rule set it applies now,
 * which {@link RulesMiddleware.update} replaces at once.
 *
 * @example
 * ```ts
 * const mw: RulesMiddleware = rules(parseRedirects(text, '_redirects'), { exists })
 * app.use(mw)
 * mw.update(parseRedirects(editedText, '_redirects')) // throws and keeps the old rules when invalid
 * ```
 */
export interface RulesMiddleware extends Middleware {
  /** The rule set applied now. */
  readonly config: SiteRules
  /**
   * Replaces the rule set atomically: the new set is validated and compiled first (with the options given
   * to {@link rules}), then one reference is swapped. A request uses the set that was current when it
   * reached the middleware, for its redirect, rewrite and header rules alike: the old set or the new one,
   * never a mix.
   *
   * @param config - the new rule set
   * @throws RulesConfigError (the old set stays in force) when the new set is invalid
   */
  update(config: SiteRules): void
  /**
   * The header rules of the set in force, as a layer static can bake into its prepared blocks
   * (`serveStatic(root, { headers: fileHeaders(mw.headerLayer) })`): a file answered from memory then
   * carries them with no work per request, and this middleware leaves such answers alone. After
   * {@link RulesMiddleware.update}, static bakes again; a request on the old set gets the old set's headers.
   */
  readonly headerLayer: HeaderLayer
}

/** A rule set ready for requests: everything {@link rules} needs, built once per set. */
interface Prepared {
  readonly config: SiteRules
  /** Nothing to do for any request: pass on at once. */
  readonly empty: boolean
  readonly compiled: ReturnType<typeof compileRules>
  readonly hasHeaders: boolean
  readonly clean: CleanSettings | undefined
  /** Applies this set's header rules on the way out (one function per set: no allocation per request). */
  readonly decorate: (ctx: Context) => void
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
 * again). Header rules match the canonical path after any rewrite (or `options.servedPath`), and for a
 * file answer by static to a folder path also the path of its index file (`options.index`). A rewrite
 * without `!` needs `options.exists` (else it would hide every file); a rewrite destination has no query.
 * `cleanUrls` and `trailingSlash` (see the outcome table in the README) need `options.exists` (asked about
 * file paths: `/about.html`, `/docs/index.html`): they apply after forced rules and before the others,
 * rewrite internally or answer `GET`/`HEAD` with a 301 to a relative path. The rule set can be replaced
 * while serving ({@link RulesMiddleware.update}); an empty set costs one call per request.
 *
 * @param config - the rule set (from the importers, merged with `mergeRules`)
 * @param options - allowed hosts for absolute destinations, which paths hold files, the index name, and
 *   the path of a file that answered for another path
 * @returns the middleware, named `rules`, with `update()` and `headerLayer` (header rules precomputed into
 *   static's blocks: see `fileHeaders`)
 * @throws RulesConfigError for an invalid rule set, or one that needs `options.exists` without it
 * @example
 * ```ts
 * const app = createApp()
 * app.use(rules(parseRedirects(readFileSync('public/_redirects', 'utf8'), 'public/_redirects')))
 * ```
 */
export function rules(config: SiteRules, options: RulesOptions = {}): RulesMiddleware {
  const exists = options.exists
  const servedPath = options.servedPath
  const index = options.index ?? 'index.html'
  if (index !== false && (typeof index !== 'string' || index === '' || index.includes('/'))) {
    throw new TypeError('rules: index must be a file name (no "/") or false')
  }
  if (servedPath !== undefined && typeof servedPath !== 'function') throw new TypeError('rules: servedPath must be a function')

  function prepare(set: SiteRules): Prepared {
    const compiled = compileRules(set, options)
    refuseUnapplied(set, options)
    const hasHeaders = set.headers.length > 0
    const clean: CleanSettings | undefined =
      exists !== undefined && (set.cleanUrls === true || set.trailingSlash === 'add' || set.trailingSlash === 'remove')
        ? { cleanUrls: set.cleanUrls === true, trailingSlash: set.trailingSlash ?? 'ignore', index, exists }
        : undefined

    function decorate(ctx: Context): void {
      const res = ctx.res
      if (res.committed) return
      let path = ctx.req.canonicalPath
      const other = servedPath?.(ctx)
      if (other !== undefined) {
        const served = canonicalizePath(other)
        if (served.ok) path = served
      }
      if (!path.ok) return
      const file = other === undefined && servedFile(res.reason)
      // Static sent a block with this very set's rules baked in (option `headers`): nothing to do.
      if (carriesEdits(ctx, layer, prepared, path.path, file)) return
      // A file answer for a folder path came from its index file: the rules for that file apply too.
      const fromIndex = file && index !== false && path.trailingSlash
      const fields = fromIndex ? compiled.headersForFile(path.segments, true, [...path.segments, index]) : compiled.headers(path.segments, path.trailingSlash)
      for (const [name, value] of fields) {
        if (value === null) res.headers.delete(name)
        else res.headers.set(name, value)
      }
    }

    const prepared: Prepared = Object.freeze({ config: set, empty: !hasHeaders && clean === undefined && set.routes.length === 0, compiled, hasHeaders, clean, decorate })
    return prepared
  }

  let current = prepare(config)
  // A file answer of static under a set: the header rules of its canonical path (and of the index file
  // for a folder path), as `decorate` computes them for a file answer.
  const layer = headerLayer(
    () => current,
    (p, _path, segments, trailingSlash) =>
      index !== false && trailingSlash ? p.compiled.headersForFile(segments, true, [...segments, index]) : p.compiled.headers(segments, trailingSlash),
  )

  function failed(_ctx: Context, err: unknown): never {
    throw err
  }

  const middleware = function rules(ctx: Context, next: Next): void | Promise<void> {
    // One read of the current set: this request uses it throughout, whatever update() does meanwhile.
    const p = current
    if (p.empty) return next()
    const path = ctx.req.canonicalPath
    if (!path.ok) return next()
    const hit = p.compiled.route(path.segments, path.trailingSlash)
    let shadowed = false
    if (p.clean !== undefined && (hit === undefined || !hit.rule.force)) {
      // cleanUrls / trailingSlash: after forced rules, before the others (a file here shadows them).
      const decision = resolveCleanPath(path.segments, path.trailingSlash, p.clean)
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
          if (p.hasHeaders) p.decorate(ctx)
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
        if (p.hasHeaders) p.decorate(ctx)
        return
      }
    }
    if (!p.hasHeaders) return next()
    return afterNext(ctx, next, p.decorate, failed)
  }

  Object.defineProperties(middleware, {
    config: { get: (): SiteRules => current.config, enumerable: true },
    headerLayer: { value: layer, enumerable: true },
    update: {
      value(next: SiteRules): void {
        current = prepare(next)
      },
      enumerable: true,
    },
  })
  return middleware as RulesMiddleware
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


