/**
 * The `serveStatic` middleware.
 *
 * @module
 */
import { createDebug, FileBody, hasNoTransform, isKnownMethod, PreparedHeaders, type CanonicalPath, type Context, type Middleware, type Next } from 'tinyhttp-core'
import { admitsExactly, resolutionOf, type AllowlistHitShape } from './allowlist-gate.js'
import { NOT_FOR_304, NOT_FOR_FAILURE, notAcceptable, notModified, outOfDescriptors, restore, strip, validatorsAfterHook } from './answers.js'
import { evaluatePreconditions, ifRangeMatches } from './conditional.js'
import { entryIsFresh, loadEntry, type CacheEntry, type CacheEntryConfig } from './cache-entry.js'
import { FileCache } from './file-cache.js'
import { sendFromDisk, sendMultipartFromDisk } from './disk-body.js'
import { isOutOfDescriptors, realPath } from './fs-ops.js'
import { redirectLocation } from './location.js'
import { multipartFromBuffer, planMultipart } from './multipart.js'
import { NegotiationMemo } from './negotiation-memo.js'
import { normalizeOptions, type ServeStaticOptions, type StaticConfig } from './options.js'
import { contentRange, parseRange, unsatisfiedRange, type ByteRange } from './range.js'
import { readRequestFields, type RequestFields } from './request-fields.js'
import { FileChanged, type Representation } from './representation.js'
import { bakedFor } from './file-headers.js'
import { hasDotSegment, resolveAdmitted, resolvePath, type Resolution } from './resolve.js'
import { chooseRepresentation } from './runtime-variants.js'
import { pageServer, type ServePage } from './serve-page.js'
import { VariantJobs } from './variant-jobs.js'

const debug = createDebug('tinyhttp:static')

/**
 * The middleware returned by {@link serveStatic}: a middleware plus `close()`.
 *
 * @example
 * ```ts
 * const mw: ServeStaticMiddleware = serveStatic('./public')
 * app.use(mw)
 * // on shutdown:
 * mw.close()
 * ```
 */
export type ServeStaticMiddleware = Middleware & {
  /** Drops the in-memory cache (checks in flight then store nothing) and the queued compression jobs. */
  close(): void
  /**
   * Drops every entry of the in-memory cache and keeps serving: the next request for each file reads
   * it again from disk, instead of waiting for the once-a-second check (for a watcher that knows files
   * changed, e.g. the CLI's `--dev` before it tells the browsers to reload).
   */
  forget(): void
  /**
   * Resolves once no compression job (option `compress`) is queued or running: every file requested so
   * far has its variants made (the CLI's `--check` waits for it). Never rejects.
   */
  idle(): Promise<void>
  /**
   * Serves a file of the root as the body of an error answer with the status given (a custom 404 page),
   * whole, never as a 304/206, without asking the allowlist; false when there is no such file. See
   * {@link ServePage}: tinyhttp-fallback's `errorPages.serve`.
   */
  servePage: ServePage
}

type Ok = Extract<CanonicalPath, { ok: true }>

const ALLOW = new PreparedHeaders([['Allow', 'GET, HEAD']])
/**
 * Serves the files below `root`: GET and HEAD with `Content-Type`, strong `ETag`, `Last-Modified`,
 * `Cache-Control`; conditional requests (RFC 9110 §13.2.2), byte ranges including multipart (§14),
 * precompressed `.br`/`.gz` siblings, directory index and a safe `/dir` → `/dir/` redirect. Small files
 * are kept in memory with their headers prepared, so a hit is one Map lookup; an entry last checked a
 * second ago or more is re-`stat`ed before the answer (one check in flight per entry, shared by the
 * requests that arrive meanwhile), so an edit is served from the first request more than 1 s after it.
 *
 * @remarks
 * Per request: canonical path (not ok → 400; `OPTIONS *` → `next()`) → resolve → method (405 + `Allow`;
 * 501 for a method not in core's `KNOWN_METHODS`) → preconditions →
 * Range → body. A path that maps to nothing (missing, dotfile, outside the root) falls through to
 * `next()`. A descriptor is opened only when bytes are sent from disk (never for 304/412/416/HEAD), is
 * checked with `fstat` against the metadata the response was built from, and is owned by the core from
 * then on. Running out of descriptors answers 503 with `Retry-After`.
 *
 * One path, one file: after an allowlist with the same root (compared by real path), the file of a path
 * it admitted is the one its hit names (`ctx.state.allowlist.file`), checked to still be a regular file
 * at that real path, not a second resolution under static's own rules; without such a hit (no
 * allowlist, another root, `/`, `/dir/`, `/dir`) static resolves the path itself
 * (docs/PLUGIN-CONTRACT.md, rule 7).
 *
 * @param root - the folder to serve
 * @param options - see {@link ServeStaticOptions}
 * @returns the middleware, with `close()` to drop its cache
 * @throws TypeError for a bad root or option
 * @example
 * ```ts
 * import { createApp } from 'tinyhttp-core'
 * import { serveStatic } from 'tinyhttp-static'
 *
 * const app = createApp()
 * app.use(serveStatic('./public', { maxAge: 3600, precompressed: true }))
 * await app.listen(8080, '127.0.0.1')
 * ```
 */
export function serveStatic(root: string, options?: ServeStaticOptions): ServeStaticMiddleware {
  const config: StaticConfig = normalizeOptions(root, options)
  const hook = config.setHeaders
  const fileHeaders = config.headers
  const acceptRanges = config.acceptRanges
  const maxRanges = config.maxRanges
  const cachingOn = config.memoryCacheMaxBytes > 0
  const entryConfig: CacheEntryConfig = {
    cacheControl: config.cacheControl,
    htmlCacheControl: config.htmlCacheControl,
    etag: config.etag,
    lastModified: config.lastModified,
    acceptRanges: config.acceptRanges,
    codings: config.codings,
    compress: cachingOn ? config.compress : null,
    followSymlinks: config.followSymlinks,
    contentTypeOf: config.contentTypeOf,
    inMemoryLimit: cachingOn ? Math.min(config.memoryCacheMaxFileSize, config.memoryCacheMaxBytes) : -1,
    htmlTransform: config.htmlTransform,
  }
  // Dot paths are resolved unless refused outright; under 'allowlisted' each request is then gated.
  const resolveOptions = { index: config.index, followSymlinks: config.followSymlinks, dotfiles: config.dotfiles !== false }
  const gateDots = config.dotfiles === 'allowlisted'

  // The root's realpath, refreshed at most once per second: a root that is itself a symlink switched by
  // a deploy (`current -> releases/v2`) must not keep confining look-ups to the previous target.
  let realRoot: string | undefined
  let realRootAt = 0
  async function getRealRoot(): Promise<string | undefined> {
    const now = Date.now()
    if (realRoot !== undefined && now - realRootAt < 1000) return realRoot
    try {
      realRoot = await realPath(config.root)
      realRootAt = now
    } catch (err) {
      realRoot = undefined
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
    return realRoot
  }

  /**
   * Resolves a canonical path and loads its entry (no cache involved). One path, one file: when the
   * request comes with an allowlist hit made for this very root (docs/PLUGIN-CONTRACT.md), the file is
   * the one the allowlist resolved, only checked to still be there; else static resolves the path itself.
   */
  async function lookup(
    key: string,
    segments: readonly string[],
    trailingSlash: boolean,
    hit: AllowlistHitShape | undefined,
  ): Promise<CacheEntry | Resolution> {
    const real = await getRealRoot()
    if (real === undefined) return { kind: 'none' }
    const taken = hit !== undefined && hit.root === real ? hit : undefined
    const resolution =
      taken === undefined
        ? await resolvePath(config.root, real, segments, trailingSlash, resolveOptions)
        : await resolveAdmitted(config.root, segments, taken.file, resolveOptions)
    if (resolution.kind !== 'file') return resolution
    return loadEntry(key, segments, trailingSlash, resolution.file, resolution.real, resolution.stats, real, entryConfig, taken)
  }

  /**
   * Whether a request that comes with `hit` resolves its path the way `entry` was resolved: both from the
   * same allowlist resolution (same file, same root), or both by static itself. (`realRoot` is the last
   * one seen: an entry is never answered from after its root moved, see `revalidate`.)
   */
  function resolvedAlike(entry: CacheEntry, hit: AllowlistHitShape | undefined): boolean {
    const taken = hit !== undefined && hit.root === realRoot ? hit : undefined
    const from = entry.admitted
    return from === taken || (from !== undefined && taken !== undefined && from.file === taken.file && from.root === taken.root)
  }

  const cache = new FileCache({
    maxBytes: config.memoryCacheMaxBytes,
    async revalidate(entry) {
      // An entry taken from an allowlist hit stands only while the hit's root is still static's root.
      const rootMoved = entry.admitted !== undefined && (await getRealRoot()) !== entry.admitted.root
      if (!rootMoved && (await entryIsFresh(entry, config.codings))) return 'fresh'
      const result = await lookup(entry.key, entry.segments, entry.trailingSlash, entry.admitted)
      return 'key' in result ? result : null
    },
  })

  const jobs = new VariantJobs({ headers: entryConfig, charge: (e, n) => cache.charge(e, n), isCurrent: e => cache.peek(e.key) === e })

  /**
   * The representation a request gets by its `Accept-Encoding`: null when nothing is acceptable, not even
   * identity (406); a promise when the only acceptable codings are still being made (then choose again).
   * The first request for a file with run-time variants starts their jobs.
   */
  const memo = new NegotiationMemo()
  const negotiate = memo.negotiate.bind(memo)
  function select(entry: CacheEntry, fields: RequestFields): Representation | null | Promise<void> {
    const made = entry.made
    if (made !== null) {
      if (!made.started) jobs.start(entry)
      return chooseRepresentation(entry.identity, made, fields.acceptEncoding, negotiate)
    }
    if (entry.codings.length === 0) return entry.identity
    const coding = negotiate(fields.acceptEncoding, entry.codings)
    if (coding === null) return null
    return coding === 'identity' ? entry.identity : (entry.variants[entry.codings.indexOf(coding)] as Representation)
  }

  /** Concurrent misses on one path (resolved the same way) share one load. */
  const loading = new Map<string, { hit: AllowlistHitShape | undefined; result: Promise<CacheEntry | Resolution> }>()
  function sharedLookup(cp: Ok, hit: AllowlistHitShape | undefined): Promise<CacheEntry | Resolution> {
    const shared = loading.get(cp.path)
    if (shared !== undefined && shared.hit === hit) return shared.result
    const settle = (): void => {
      if (loading.get(cp.path)?.result === result) loading.delete(cp.path)
    }
    const result = lookup(cp.path, cp.segments, cp.trailingSlash, hit).then(
      found => {
        settle()
        if ('key' in found && cachingOn) cache.set(found)
        return found
      },
      (err: unknown) => {
        settle()
        throw err
      },
    )
    if (shared === undefined) loading.set(cp.path, { hit, result })
    return result
  }

  function methodNotAllowed(ctx: Context, next: Next): void | Promise<void> {
    if (config.methodNotAllowed === 'next') return next()
    const res = ctx.res
    // RFC 9110 §9.1: a method the server does not implement at all (`get`, `FOO`) is 501, not 405.
    if (!isKnownMethod(ctx.req.method)) {
      res.status = 501
      res.reason = 'static:method-not-implemented'
      return
    }
    res.status = 405
    res.headers.usePrepared(ALLOW)
    res.reason = 'static:method-not-allowed'
  }

  /**
   * Answers from an entry. Synchronous (returns undefined) unless bytes must come from disk.
   */
  function serveEntry(ctx: Context, next: Next, entry: CacheEntry, fields: RequestFields): void | Promise<void> {
    const method = ctx.req.method
    const isGet = method === 'GET'
    if (!isGet && method !== 'HEAD') return methodNotAllowed(ctx, next)
    const res = ctx.res
    let rep = entry.identity
    if (entry.codings.length > 0 || entry.made !== null) {
      const chosen = select(entry, fields)
      if (chosen === null) return notAcceptable(res, entry.identity)
      if (!('encoding' in chosen)) return chosen.then(() => serveEntry(ctx, next, entry, fields))
      rep = chosen
    }
    // Other layers' headers baked into the blocks (option `headers`), onto a response with nothing set yet.
    const bare = fileHeaders !== undefined && res.headers.prepared === null && !res.headers.hasOwnFields
    const baked = bare ? bakedFor(rep, fileHeaders, entry.key, entry.segments, entry.trailingSlash) : undefined
    // The browser's revalidation: If-None-Match is exactly the current ETag and nothing else can say 412
    // first (RFC 9110 §13.2.2; If-Modified-Since is ignored beside If-None-Match) → the prepared 304 block.
    if (fields.conditional && hook === undefined) {
      const inm = fields.ifNoneMatch
      if (inm !== undefined && inm === rep.validators.etag && fields.ifMatch === undefined && fields.ifUnmodifiedSince === undefined) {
        return notModified(res, (baked ?? rep).headers304)
      }
    }
    const before = hook !== undefined && rep.made ? [...res.headers.entries()] : undefined
    res.headers.usePrepared(rep.headers200)
    let validators = rep.validators
    if (hook !== undefined) {
      hook(res, entry.file, rep.stats)
      if (before !== undefined && hasNoTransform(res.headers.get('cache-control'))) {
        // The hook forbids transformation (RFC 9111 §5.2.2.6): the file as it is, not a made variant.
        restore(res, before)
        rep = entry.identity
        res.headers.usePrepared(rep.headers200)
        hook(res, entry.file, rep.stats)
      }
      validators = validatorsAfterHook(res)
    }

    if (fields.conditional) {
      const decision = evaluatePreconditions(method, fields, validators)
      if (decision === 304) {
        if (hook === undefined) return notModified(res, (baked ?? rep).headers304)
        res.status = 304
        strip(res, validators.etag === undefined ? NOT_FOR_304 : [...NOT_FOR_304, 'last-modified'])
        res.reason = 'static:not-modified'
        return
      }
      if (decision === 412) {
        res.status = 412
        if (hook === undefined) res.headers.usePrepared(rep.headersFail)
        else strip(res, NOT_FOR_FAILURE)
        res.reason = 'static:precondition-failed'
        return
      }
    }

    if (isGet && fields.range !== undefined && acceptRanges) {
      if (fields.ifRange === undefined || ifRangeMatches(fields.ifRange, validators, Date.now())) {
        const ranges = parseRange(fields.range, rep.size, maxRanges)
        if (ranges === 'unsatisfiable') {
          res.status = 416
          if (hook === undefined) res.headers.usePrepared(rep.headersFail)
          else strip(res, NOT_FOR_FAILURE)
          res.headers.set('Content-Range', unsatisfiedRange(rep.size))
          res.headers.set('Accept-Ranges', 'bytes')
          res.reason = 'static:range-not-satisfiable'
          return
        }
        // Several ranges of an encoded variant: a multipart body with Content-Encoding would be ambiguous,
        // so those get the whole variant (200) instead.
        if (ranges !== 'ignore' && (ranges.length === 1 || rep.encoding === 'identity')) {
          res.status = 206
          if (ranges.length === 1) {
            const range = ranges[0] as ByteRange
            res.headers.set('Content-Range', contentRange(range, rep.size))
            if (rep.body !== null) {
              res.body = rep.body.subarray(range.start, range.end + 1)
              res.reason = 'static:partial'
              return
            }
            return sendFromDisk(res, rep, range.start, range.end - range.start + 1)
          }
          if (rep.body !== null) {
            const plan = planMultipart(ranges, rep.size, rep.contentType)
            res.headers.set('Content-Type', plan.contentType)
            res.body = multipartFromBuffer(plan, rep.body)
            res.reason = 'static:multipart'
            return
          }
          return sendMultipartFromDisk(res, rep, ranges)
        }
      }
    }

    res.status = 200
    if (baked !== undefined) res.headers.usePrepared(baked.headers200)
    if (rep.body !== null) {
      res.body = rep.body
      res.reason = rep.made ? 'static:compressed' : 'static:hit'
      return
    }
    if (!isGet) {
      // HEAD: the length without a descriptor (the core never opens a path body for HEAD).
      res.body = new FileBody({ path: rep.real, length: rep.size })
      res.reason = 'static:head'
      return
    }
    return sendFromDisk(res, rep, 0, rep.size)
  }

  /** The slow path: a miss, or an entry whose bytes come from disk. Retries once when a file changed. */
  async function serveSlow(
    ctx: Context,
    next: Next,
    cp: Ok,
    hit: AllowlistHitShape | undefined,
    cached: CacheEntry | undefined,
    fields: RequestFields,
  ): Promise<void> {
    const res = ctx.res
    const snapshot = [...res.headers.entries()]
    for (let attempt = 0; ; attempt++) {
      let current: CacheEntry | Resolution | undefined = attempt === 0 && cached !== undefined && resolvedAlike(cached, hit) ? cached : undefined
      try {
        if (current === undefined) {
          current = attempt === 0 ? await sharedLookup(cp, hit) : await lookup(cp.path, cp.segments, cp.trailingSlash, hit)
          if (attempt > 0 && 'key' in current && cachingOn) cache.set(current)
        }
        if ('key' in current) {
          // The file behind a dot path must be the very file the allowlist admitted.
          if (gateDots && current.dot && !admitsExactly(ctx.state.allowlist, cp.path, current.identity.real)) return await next()
          await serveEntry(ctx, next, current, fields)
          return
        }
        switch (current.kind) {
          case 'none':
            return await next()
          case 'not-a-directory':
            res.status = 404
            res.reason = 'static:not-a-directory'
            return
          case 'redirect': {
            const method = ctx.req.method
            if (method !== 'GET' && method !== 'HEAD') return await methodNotAllowed(ctx, next)
            res.status = 301
            res.headers.set('Location', redirectLocation(cp.path, ctx.req.rawQuery))
            res.reason = 'static:redirect'
            return
          }
          default:
            return
        }
      } catch (err) {
        if (err instanceof FileChanged && attempt === 0) {
          debug('%s changed while being served; retrying', cp.path)
          if (current !== undefined && 'key' in current) cache.delete(current.key, current)
          restore(res, snapshot)
          continue
        }
        if (isOutOfDescriptors(err)) {
          debug('out of file descriptors serving %s', cp.path)
          restore(res, snapshot)
          outOfDescriptors(res)
          return
        }
        throw err
      }
    }
  }

  /** Waits for the check of a due entry, then answers from what it found (a miss when the file is gone). */
  async function serveChecked(
    ctx: Context,
    next: Next,
    cp: Ok,
    hit: AllowlistHitShape | undefined,
    due: CacheEntry,
    fields: RequestFields,
  ): Promise<void> {
    return serveSlow(ctx, next, cp, hit, await cache.checked(due), fields)
  }

  const middleware = function serveStatic(ctx: Context, next: Next): void | Promise<void> {
    const cp = ctx.req.canonicalPath
    if (!cp.ok) {
      // The asterisk-form of `OPTIONS *` names no file: not ours, and not a bad path.
      if (ctx.req.rawPath === '*') return next()
      ctx.res.status = 400
      ctx.res.reason = `reject:${cp.reason}`
      return
    }
    const decision = ctx.state.allowlist
    // An allowlist declined this path and let the chain go on (onDeny: 'next'): never serve it.
    if (decision === null) return next()
    // The allowlist's resolution of this path, when static may take it (else static resolves it itself).
    const hit = resolutionOf(decision, cp.path)
    const fields = readRequestFields(ctx.req.headers.raw)
    const entry = cachingOn ? cache.get(cp.path, Date.now()) : undefined
    // Last checked a second or more ago: answer only once the one shared check says what is on disk now.
    if (entry !== undefined && entry.checking) return serveChecked(ctx, next, cp, hit, entry, fields)
    const alike = entry !== undefined && resolvedAlike(entry, hit)
    if (entry !== undefined && alike && !entry.onDisk) {
      if (entry.dot && gateDots && !admitsExactly(decision, cp.path, entry.identity.real)) return next()
      return serveEntry(ctx, next, entry, fields)
    }
    // A dot path nobody admitted costs no file-system access (the resolved file is checked again later).
    if (!alike && gateDots && hasDotSegment(cp.segments) && !admitsExactly(decision, cp.path)) return next()
    return serveSlow(ctx, next, cp, hit, entry, fields)
  } as ServeStaticMiddleware
  middleware.close = () => {
    jobs.close()
    cache.close()
  }
  middleware.forget = () => cache.clear()
  middleware.idle = () => jobs.idle()
  middleware.servePage = pageServer({
    cache: cachingOn ? cache : undefined,
    load: (cp, fresh) =>
      fresh
        ? lookup(cp.path, cp.segments, cp.trailingSlash, undefined).then(found => {
            if ('key' in found && cachingOn) cache.set(found)
            return found
          })
        : sharedLookup(cp, undefined),
    select,
    hook,
    dotfiles: config.dotfiles === true,
  })
  return middleware
}
