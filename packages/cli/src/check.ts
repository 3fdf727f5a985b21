import type { AllowlistReport } from 'tinyhttp-allowlist'
import { canonicalizePath, encodePath, runtimeCodings, type App, type ContentCoding, type Middleware, type ReceivedHeaders } from 'tinyhttp-core'
import type { SiteRules } from 'tinyhttp-rules'
import { exampleUrl, ruleEffects, type CheckPresets, type RuleEffect } from './check-rules.js'

/** One URL as `--check` sees it, from a real HEAD request through the whole chain. */
export interface CheckedUrl {
  /** The URL path as a client sends it (percent-encoded). */
  url: string
  /** The same path decoded. */
  path: string
  /** The status the server answers (200 when served). */
  status: number
  /** `Content-Type`. */
  type: string | null
  /** `Content-Length` in bytes. */
  size: number | null
  /** `ETag`. */
  etag: string | null
  /** `Cache-Control`. */
  cacheControl: string | null
  /**
   * The encoded representations a client that accepts each coding gets (`br`, `gzip`, `zstd`): size,
   * ETag, and where the bytes come from: `disk` (a `--precompressed` sibling) or `runtime` (made by
   * `--compress`). A coding the client would not get (no sibling, not compressed) is absent.
   */
  variants: Array<{ encoding: ContentCoding; size: number | null; etag: string | null; source: 'disk' | 'runtime' }>
  /** `ctx.res.reason` of the answer. */
  reason: string | null
  /** `Location` (a redirect). */
  location: string | null
  /** Every field of the answer to HEAD as a client gets it, in order (`Date` left out: it changes). */
  headers: Array<[string, string]>
  /** The canonical path the answer was made for after every rewrite, when it is not the URL's own. */
  rewrittenTo: string | null
  /**
   * Why it was probed: `allowed` (an allowed file, or the folder URL of an index file), `rule` (a path a
   * redirect or rewrite rule matches, made from its pattern), `target` (where a redirect points).
   */
  probe: 'allowed' | 'rule' | 'target'
}

/** What `--check` prints. */
export interface CheckReport {
  /** The root folder. */
  root: string
  /** URLs answered with 200. */
  served: CheckedUrl[]
  /** Allowed files the server would not answer with 200 (e.g. removed since the table was built). */
  failing: CheckedUrl[]
  /** Allow entries refused, with the reason. */
  rejected: Array<{ entry: string; reason: string }>
  /** Allow entries that matched no file. */
  unmatched: string[]
  /** Allow entries that name a folder, served as every non-dotfile under it (`docs` = `docs/**`). */
  folders: string[]
  /** The codings probed for each URL, in column order (`zstd` only where it can be served). */
  codings: ContentCoding[]
  /** URLs probed for the rules that are not allowed files: rules' example paths and redirects' targets. */
  examples: CheckedUrl[]
  /** Every header rule, route rule and preset, with the URLs it touches (empty: none). */
  rules: RuleEffect[]
}

/**
 * What {@link recordReasons} keeps of one probe.
 *
 * @example `const r: ProbeRecord = { reason: 'static:hit', finalPath: '/index.html' }`
 */
export interface ProbeRecord {
  /** `ctx.res.reason`. */
  reason: string | null
  /** The canonical path after every rewrite. */
  finalPath: string | null
}

/**
 * The codings `--check` probes: br and gzip, zstd when this Node makes it or `.zst` siblings are served.
 *
 * @param options - whether siblings are served and files compressed
 * @returns the codings, in column order; empty when neither is on
 */
function probedCodings(options: { precompressed: boolean; compress: boolean }): ContentCoding[] {
  if (!options.precompressed && !options.compress) return []
  const zstd = options.precompressed || runtimeCodings().includes('zstd')
  return zstd ? ['br', 'gzip', 'zstd'] : ['br', 'gzip']
}

/**
 * A middleware that records `ctx.res.reason` and the canonical path after every rewrite by the
 * `x-check-id` request header, installed outermost in the app that `--check` probes.
 *
 * @param reasons - filled with id → record
 * @returns the middleware
 * @example
 * ```ts
 * const reasons = new Map<string, ProbeRecord>()
 * const built = buildApp(config, recordReasons(reasons))
 * ```
 */
export function recordReasons(reasons: Map<string, ProbeRecord>): Middleware {
  return async function recordReasons(ctx, next) {
    try {
      await next()
    } finally {
      const id = ctx.req.headers.get('x-check-id')
      const path = ctx.req.canonicalPath
      if (id !== undefined && id !== null) reasons.set(id, { reason: ctx.res.reason ?? null, finalPath: path.ok ? path.path : null })
    }
  }
}

/**
 * Options of {@link runCheck}.
 *
 * @example `const o: CheckOptions = { root: '/srv/dist', precompressed: false, rules: built.siteRules, presets: { cache: 'spa' } }`
 */
export interface CheckOptions {
  root: string
  /** The index file name. @defaultValue 'index.html' */
  index?: string
  precompressed: boolean
  compress?: boolean
  /** Resolves once the compression jobs are done. */
  idle?: () => Promise<void>
  /** The site rules in force (the root's rule files and the configuration file's). */
  rules?: SiteRules
  /** The presets on. */
  presets?: CheckPresets
  /** The `--spa` file (relative to the root). */
  spa?: string
}

/**
 * Probes every allowed file (and the folder URL of each index file) with HEAD requests through the
 * app, the same way a client would, and builds the report. With `compress`, the first pass starts the
 * compression jobs; `idle` is awaited before the codings are probed, so the sizes are the final ones.
 * With site rules, a path made from each redirect and rewrite rule's pattern is probed too (unless an
 * allowed URL already is one), then the on-site target of every redirect met; every rule is reported
 * with the URLs it touches.
 *
 * @param app - an app built with {@link recordReasons} outermost (not listening)
 * @param reasons - the map that middleware fills
 * @param table - the allowlist table
 * @param options - root, index file name, codings, rules and presets
 * @returns the report
 * @example
 * ```ts
 * const report = await runCheck(built.app, reasons, await built.allowlist.ready, { root, precompressed: false })
 * ```
 */
export async function runCheck(app: App, reasons: Map<string, ProbeRecord>, table: AllowlistReport, options: CheckOptions): Promise<CheckReport> {
  const index = options.index ?? 'index.html'
  const paths: string[] = []
  const seen = new Set<string>()
  const add = (p: string): void => {
    if (!seen.has(p)) {
      seen.add(p)
      paths.push(p)
    }
  }
  for (const file of [...table.allowed].sort((a, b) => (a.urlPath < b.urlPath ? -1 : a.urlPath > b.urlPath ? 1 : 0))) {
    if (file.urlPath === '/' + index || file.urlPath.endsWith('/' + index)) add(file.urlPath.slice(0, -index.length))
    add(file.urlPath)
  }

  let nextId = 0
  const head = async (url: string, encoding?: string): Promise<{ status: number; headers: ReceivedHeaders; record: ProbeRecord }> => {
    const id = String(nextId++)
    // Through the whole app in memory: the same parser, chain and respond() a client's request meets.
    const res = await app.inject({ method: 'HEAD', target: url, headers: { 'X-Check-Id': id, 'Accept-Encoding': encoding ?? 'identity' } }, { timeout: 5000 })
    const record = reasons.get(id) ?? { reason: null, finalPath: null }
    reasons.delete(id)
    return { status: res.status, headers: res.headers, record }
  }
  const num = (v: string | undefined): number | null => (v === undefined ? null : Number(v))
  const each = async <T>(items: readonly T[], visit: (item: T, i: number) => Promise<void>): Promise<void> => {
    let cursor = 0
    const worker = async (): Promise<void> => {
      while (cursor < items.length) {
        const i = cursor++
        await visit(items[i] as T, i)
      }
    }
    await Promise.all(Array.from({ length: Math.min(8, items.length) }, worker))
  }
  const probe = async (urls: readonly string[], kind: CheckedUrl['probe']): Promise<CheckedUrl[]> => {
    const out: CheckedUrl[] = new Array(urls.length)
    await each(urls, async (url, i) => {
      const r = await head(url)
      const decoded = canonicalizePath(url)
      const path = decoded.ok ? decoded.path : url
      out[i] = {
        url,
        path,
        status: r.status,
        type: r.headers.get('content-type') ?? null,
        size: num(r.headers.get('content-length')),
        etag: r.headers.get('etag') ?? null,
        cacheControl: r.headers.get('cache-control') ?? null,
        variants: [],
        reason: r.record.reason,
        location: r.headers.get('location') ?? null,
        headers: [...r.headers].filter(([name]) => name.toLowerCase() !== 'date'),
        rewrittenTo: r.record.finalPath !== null && r.record.finalPath !== path ? r.record.finalPath : null,
        probe: kind,
      }
    })
    return out
  }

  const codings = probedCodings({ precompressed: options.precompressed, compress: options.compress ?? false })
  // First pass: the representation a client without Accept-Encoding gets (starts any compression job).
  const results = await probe(paths.map(encodePath), 'allowed')
  if (codings.length > 0) {
    if (options.idle !== undefined) await options.idle()
    await each(results, async result => {
      if (result.status !== 200) return
      for (const encoding of codings) {
        const v = await head(result.url, encoding)
        if (v.status === 200 && v.headers.get('content-encoding') === encoding) {
          const source = v.record.reason === 'static:compressed' ? 'runtime' : 'disk'
          result.variants.push({ encoding, size: num(v.headers.get('content-length')), etag: v.headers.get('etag') ?? null, source })
        }
      }
    })
  }

  // The rules' own paths, then where the redirects among all answers point (one step: no chains).
  const probed = new Set(results.map(r => r.url))
  const fresh = (urls: Iterable<string>): string[] => [...new Set(urls)].filter(u => !probed.has(u) && (probed.add(u), true))
  const examples = await probe(fresh((options.rules?.routes ?? []).map(r => exampleUrl(r.pattern))), 'rule')
  const targets = fresh([...results, ...examples].map(r => onSiteTarget(r.location)).filter((u): u is string => u !== undefined))
  examples.push(...(await probe(targets, 'target')))

  const all = [...results, ...examples]
  const spaPath = options.spa === undefined ? undefined : '/' + options.spa
  const rules = ruleEffects(options.rules, options.presets ?? {}, all.map(r => ({ ...r, finalPath: r.rewrittenTo ?? r.path })), { index, ...(spaPath !== undefined ? { spaPath } : {}) })
  return {
    root: options.root,
    served: results.filter(r => r.status === 200),
    failing: results.filter(r => r.status !== 200),
    rejected: table.rejected.map(r => ({ entry: r.entry, reason: r.reason })),
    unmatched: [...table.unmatched],
    folders: [...table.folders],
    codings: codings.filter(c => c !== 'zstd' || runtimeCodings().includes('zstd') || results.some(r => r.variants.some(v => v.encoding === 'zstd'))),
    examples,
    rules,
  }
}

/** The path of a `Location` on this site (`/guide/?a=1` → `/guide/`), or undefined for another host. */
function onSiteTarget(location: string | null): string | undefined {
  if (location === null || !location.startsWith('/') || location.startsWith('//')) return undefined
  const path = location.split(/[?#]/)[0] as string
  return canonicalizePath(path).ok ? path : undefined
}
