/**
 * `servePage`: a file of the root sent as the body of an error answer (a custom 404 page), with the
 * status the caller gives and the headers static gives that file, for `tinyhttp-fallback`'s `errorPages`.
 *
 * @module
 */
import { canonicalizePath, createDebug, encodePath, FileBody, hasNoTransform, type CanonicalPath, type Context, type Response, type ResponseBody, type ResponseReason } from 'tinyhttp-core'
import { restore } from './answers.js'
import type { CacheEntry } from './cache-entry.js'
import { sendFromDisk } from './disk-body.js'
import type { FileCache } from './file-cache.js'
import type { ServeStaticOptions } from './options.js'
import { readRequestFields, type RequestFields } from './request-fields.js'
import { FileChanged, type Representation } from './representation.js'
import { hasDotSegment, type Resolution } from './resolve.js'

const debug = createDebug('tinyhttp:static')

/**
 * Serves the file at a canonical path of the root as the body of an answer with `status`: the file's
 * `Content-Type`, content coding (by `Accept-Encoding`, with `Vary`), validators and `Cache-Control` as
 * static sends it, but always the whole representation: `If-None-Match`, `If-Modified-Since`, `If-Match`,
 * `If-Unmodified-Since` and `Range` are ignored (an error page is never a 304, 412, 206 or 416), no
 * `Accept-Ranges`, and a HEAD gets the same fields without the body. Fields already on the response stay
 * unless the file's block has one of the same name (`Vary` values are merged). Resolves to false, with
 * the response exactly as it was, when there is no regular file there (missing, a folder, a dot path,
 * outside the root) or it cannot be read; never rejects.
 *
 * The path is the page's, not the request's: the allowlist is not asked (the caller decided to show this
 * file instead of the answer it had), so a page is never a route of its own.
 *
 * @example
 * ```ts
 * const files = serveStatic('./public')
 * app.use(fallback({ errorPages: { paths: { 404: '/404.html' }, serve: files.servePage } }))
 * app.use(allowlist(['index.html'], { root: './public' }), files)
 * ```
 */
export type ServePage = (ctx: Context, path: string, status: number) => boolean | Promise<boolean>

type Ok = Extract<CanonicalPath, { ok: true }>

/**
 * What {@link pageServer} needs from the `serveStatic` instance it belongs to.
 *
 * @example
 * ```ts
 * const deps: PageServerDeps = { cache, load: (cp, fresh) => lookup(cp, fresh), select, hook: undefined, dotfiles: false }
 * ```
 */
export interface PageServerDeps {
  /** The memory cache (undefined when caching is off). */
  readonly cache: FileCache | undefined
  /** Loads the entry of a path as static resolves it itself (no allowlist hit); `fresh` skips a shared load. */
  readonly load: (cp: Ok, fresh: boolean) => Promise<CacheEntry | Resolution>
  /** The representation for `Accept-Encoding`: as `serveStatic` chooses it. */
  readonly select: (entry: CacheEntry, fields: RequestFields) => Representation | null | Promise<void>
  /** The `setHeaders` option. */
  readonly hook: ServeStaticOptions['setHeaders']
  /** `dotfiles: true` (else a page on a dot path is never served). */
  readonly dotfiles: boolean
}

/** The response as it was before a page was tried. */
interface Before {
  status: number
  statusSet: boolean
  body: ResponseBody
  reason: ResponseReason | undefined
  headers: Array<[string, string]>
}

function snapshot(res: Response): Before {
  return { status: res.status, statusSet: res.statusSet, body: res.body, reason: res.reason, headers: [...res.headers.entries()] }
}

function putBack(res: Response, before: Before): void {
  restore(res, before.headers)
  res.body = before.body
  if (before.statusSet) res.status = before.status
  res.reason = before.reason
}

/** The `Vary` values on the response before the file's block replaced them. */
function varyOf(res: Response): string[] {
  const value = res.headers.get('vary')
  return value === undefined ? [] : value.split(',').map(s => s.trim()).filter(s => s !== '')
}

/**
 * Makes the `servePage` of one `serveStatic` instance.
 *
 * @param deps - the instance's cache, loader and negotiation
 * @returns the function
 * @example
 * ```ts
 * middleware.servePage = pageServer({ cache, load, select, hook, dotfiles: config.dotfiles === true })
 * ```
 */
export function pageServer(deps: PageServerDeps): ServePage {
  const { cache, load, select, hook, dotfiles } = deps

  /** The representation the page is sent as: negotiated, or the original when none is ready or acceptable. */
  function pick(entry: CacheEntry, fields: RequestFields): Representation {
    if (entry.codings.length === 0 && entry.made === null) return entry.identity
    const chosen = select(entry, fields)
    return chosen === null || !('encoding' in chosen) ? entry.identity : chosen
  }

  /** Puts the page on the response; a promise only when the bytes come from disk. */
  function answer(ctx: Context, entry: CacheEntry, fields: RequestFields, status: number): void | Promise<void> {
    const res = ctx.res
    const vary = varyOf(res)
    let rep = pick(entry, fields)
    res.headers.usePrepared(rep.headers200)
    if (hook !== undefined) {
      hook(res, entry.file, rep.stats)
      if (rep !== entry.identity && hasNoTransform(res.headers.get('cache-control'))) {
        rep = entry.identity
        res.headers.usePrepared(rep.headers200)
        hook(res, entry.file, rep.stats)
      }
    }
    res.headers.delete('accept-ranges')
    if (vary.length > 0) res.headers.vary(vary)
    res.status = status
    if (rep.body !== null) res.body = rep.body
    else if (ctx.req.method === 'HEAD') res.body = new FileBody({ path: rep.real, length: rep.size })
    else return sendFromDisk(res, rep, 0, rep.size)
  }

  /** The slow way: a check due, a miss, or bytes from disk. One retry when the file changed meanwhile. */
  async function slow(ctx: Context, cp: Ok, status: number, cached: CacheEntry | undefined, fields: RequestFields, before: Before): Promise<boolean> {
    for (let attempt = 0; attempt < 2; attempt++) {
      let entry: CacheEntry | undefined = attempt === 0 ? cached : undefined
      try {
        if (entry?.checking === true && cache !== undefined) entry = await cache.checked(entry)
        if (entry === undefined) {
          const found = await load(cp, attempt > 0)
          if (!('key' in found)) return false
          entry = found
        }
        await answer(ctx, entry, fields, status)
        mark(ctx)
        return true
      } catch (err) {
        putBack(ctx.res, before)
        if (err instanceof FileChanged && attempt === 0) {
          if (entry !== undefined) cache?.delete(entry.key, entry)
          continue
        }
        debug('error page %s not served: %O', cp.path, err)
        return false
      }
    }
    return false
  }

  function mark(ctx: Context): void {
    ctx.res.reason = 'static:error-page'
  }

  return function servePage(ctx: Context, path: string, status: number): boolean | Promise<boolean> {
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new TypeError(`servePage: status must be from 400 to 599, got ${status}`)
    const cp = typeof path === 'string' ? canonicalizePath(encodePath(path)) : undefined
    if (cp === undefined || !cp.ok || cp.trailingSlash || cp.path !== path) throw new TypeError(`servePage: ${JSON.stringify(path)} is not the canonical path of a file`)
    if (!dotfiles && hasDotSegment(cp.segments)) return false
    if (ctx.res.committed) return false
    const before = snapshot(ctx.res)
    const fields = readRequestFields(ctx.req.headers.raw)
    const entry = cache?.get(cp.path, Date.now())
    if (entry !== undefined && !entry.checking && !entry.onDisk) {
      try {
        // From memory: synchronous (answer returns a promise only for bytes on disk).
        void answer(ctx, entry, fields, status)
        mark(ctx)
        return true
      } catch (err) {
        putBack(ctx.res, before)
        debug('error page %s not served: %O', cp.path, err)
        return false
      }
    }
    return slow(ctx, cp, status, entry, fields, before)
  }
}
