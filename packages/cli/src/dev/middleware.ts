/**
 * The HTTP side of `--dev`: serves the live-reload script, keeps the pages' CSP strict while allowing
 * it, turns every cache lifetime into `no-cache`, and injects the script into the SPA shell.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { etagMatches, PreparedHeaders, type Context, type Middleware } from 'tinyhttp-core'
import { DEV_CLIENT_SOURCE } from './client.js'
import { allowDevInCsp, type DevAllowance } from './csp.js'
import { DEV_SCRIPT_HASH, DEV_SCRIPT_PATH, DEV_SOCKET_PATH, injectDevScript } from './inject.js'

declare module 'tinyhttp-core' {
  interface ResponseReasonKinds {
    /** Answered by the CLI's `--dev` middleware (`dev:script`, `dev:not-modified`, `dev:method-not-allowed`). */
    dev: true
  }
}

const SCRIPT = Buffer.from(DEV_CLIENT_SOURCE, 'utf8')
const SCRIPT_ETAG = `"${createHash('sha256').update(SCRIPT).digest('base64url')}"`
const SCRIPT_HEADERS = new PreparedHeaders([
  ['Content-Type', 'text/javascript; charset=utf-8'],
  ['X-Content-Type-Options', 'nosniff'],
  ['ETag', SCRIPT_ETAG],
  ['Cache-Control', 'no-cache'],
])
const SCRIPT_304 = new PreparedHeaders([
  ['ETag', SCRIPT_ETAG],
  ['Cache-Control', 'no-cache'],
])
const ALLOW = new PreparedHeaders([['Allow', 'GET, HEAD']])
const CSP_FIELDS = ['content-security-policy', 'content-security-policy-report-only'] as const
/** A `Host` value that can go into a CSP source as it is (host, IPv4, `[IPv6]`, port). */
const SAFE_HOST = /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i

/**
 * Options of {@link devMiddleware}.
 *
 * @example
 * ```ts
 * const o: DevMiddlewareOptions = { spaFile: '/srv/site/index.html' }
 * ```
 */
export interface DevMiddlewareOptions {
  /**
   * The `--spa` shell (absolute path): answers with the reason `fallback:spa` get its current bytes with
   * the script injected (their `ETag` and length describe the injected bytes, and a 304 is decided
   * against that `ETag`). tinyhttp-fallback reads the shell once, at start-up; this one is read again
   * whenever the file's size, mtime or inode changed, so an edit of the shell reaches deep links too.
   */
  spaFile?: string
}

/**
 * The options of {@link devMiddleware} for a root and its `--spa` file.
 *
 * @param root - the root folder
 * @param spa - the `--spa` file relative to the root, or undefined
 * @returns the options
 * @example
 * ```ts
 * app.use(devMiddleware(spaOptions(config.root, config.spa)))
 * ```
 */
export function spaOptions(root: string, spa: string | undefined): DevMiddlewareOptions {
  return spa === undefined ? {} : { spaFile: join(root, spa) }
}

/**
 * The allowance of one request: the URLs as the page that made it sees them.
 *
 * @param ctx - the request
 * @returns the allowance, or undefined when the `Host` cannot be put into a CSP source
 */
function allowanceOf(ctx: Context): DevAllowance | undefined {
  const host = ctx.req.host
  if (!SAFE_HOST.test(host)) return undefined
  const secure = ctx.req.secure
  return {
    script: `${secure ? 'https' : 'http'}://${host}${DEV_SCRIPT_PATH}`,
    socket: `${secure ? 'wss' : 'ws'}://${host}${DEV_SOCKET_PATH}`,
    hash: DEV_SCRIPT_HASH,
  }
}

function isHtml(type: string | undefined): boolean {
  return type !== undefined && /^text\/html\s*(;|$)/i.test(type)
}

/** Whether the answer is a page with the script (or a 304 about one): a file of the root, or the SPA shell. */
function carriesScript(ctx: Context): boolean {
  const reason = ctx.res.reason
  if (reason === 'fallback:spa') return true
  if (reason === undefined || !reason.startsWith('static:')) return false
  return reason === 'static:not-modified' || isHtml(ctx.res.headers.get('content-type'))
}

/** Answers `/__tinyhttp/dev.js`. */
function serveScript(ctx: Context): void {
  const { req, res } = ctx
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.status = 405
    res.headers.usePrepared(ALLOW)
    res.reason = 'dev:method-not-allowed'
    return
  }
  const inm = req.headers.get('if-none-match')
  if (inm !== undefined && etagMatches(inm, SCRIPT_ETAG, false)) {
    res.status = 304
    res.headers.usePrepared(SCRIPT_304)
    res.reason = 'dev:not-modified'
    return
  }
  res.status = 200
  res.headers.usePrepared(SCRIPT_HEADERS)
  res.body = SCRIPT
  res.reason = 'dev:script'
}

/** The SPA shell with the script, its `ETag`, and the version of the file it was made from. */
interface Shell {
  body: Buffer
  etag: string
  version: string
}

/**
 * The shell as it is on disk now: the previous one while the file's version is unchanged, a fresh one
 * when it changed, the previous one (or undefined) when it cannot be read.
 */
function currentShell(file: string, previous: Shell | undefined): Shell | undefined {
  try {
    const st = statSync(file)
    const version = `${st.size}:${st.mtimeMs}:${st.ino}`
    if (previous !== undefined && previous.version === version) return previous
    const body = injectDevScript(readFileSync(file))
    return { body, etag: `"${createHash('sha256').update(body).digest('base64url')}"`, version }
  } catch {
    return previous
  }
}

/**
 * The dev middleware, placed outside everything that writes headers (cors, presets, rules, fallback), so
 * it sees the answer as the client would:
 *
 * - `GET`/`HEAD /__tinyhttp/dev.js`: the client script (`text/javascript`, strong `ETag`, `no-cache`,
 *   304 on a match); other methods 405;
 * - every `Cache-Control` of a 2xx or 304 answer becomes `no-cache` (an edit is seen on the next load,
 *   and a page from a browser's cache still revalidates and gets the script);
 * - a page that carries the script (an HTML file of the root, a custom error page, the SPA shell, and a
 *   304 about one) gets its `Content-Security-Policy` (and `-Report-Only`) rewritten by
 *   {@link allowDevInCsp}: the script's exact URL and the socket's, nothing else;
 * - the SPA shell (`fallback:spa`) gets the injected bytes of {@link DevMiddlewareOptions.spaFile}.
 *
 * HTML files of the root are injected by tinyhttp-static's `htmlTransform` (so their `ETag`,
 * `Content-Length`, ranges and compressed variants describe the injected bytes), not here.
 *
 * @param options - the SPA shell
 * @returns the middleware
 * @example
 * ```ts
 * app.use(devMiddleware({}), websocketEndpoint, cors(), fallback(), allow, serveStatic(root, { htmlTransform: injectDevScript }))
 * ```
 */
export function devMiddleware(options: DevMiddlewareOptions = {}): Middleware {
  const spaFile = options.spaFile
  let shell: Shell | undefined
  return async function devMode(ctx, next) {
    const path = ctx.req.canonicalPath
    if (path.ok && path.path === DEV_SCRIPT_PATH) return serveScript(ctx)
    await next()
    const res = ctx.res
    if (res.committed) return
    if (spaFile !== undefined && res.reason === 'fallback:spa') shell = currentShell(spaFile, shell)
    if (shell !== undefined && res.reason === 'fallback:spa') {
      res.headers.set('ETag', shell.etag)
      const inm = ctx.req.headers.get('if-none-match')
      if (inm !== undefined && etagMatches(inm, shell.etag, false)) {
        res.status = 304
        res.headers.delete('content-type')
        res.headers.delete('x-content-type-options')
        res.body = null
      } else {
        res.status = 200
        res.headers.set('Content-Type', 'text/html; charset=utf-8')
        res.headers.set('X-Content-Type-Options', 'nosniff')
        res.body = shell.body
      }
    }
    const status = res.status
    if ((status >= 200 && status < 300) || status === 304) {
      const cacheControl = res.headers.get('cache-control')
      if (cacheControl !== undefined && cacheControl !== 'no-cache') res.headers.set('Cache-Control', 'no-cache')
    }
    if (!carriesScript(ctx)) return
    let allowance: DevAllowance | undefined
    for (const name of CSP_FIELDS) {
      const value = res.headers.get(name)
      if (value === undefined) continue
      allowance ??= allowanceOf(ctx)
      if (allowance === undefined) return
      const next = allowDevInCsp(value, allowance)
      if (next !== value) res.headers.set(name, next)
    }
  }
}
