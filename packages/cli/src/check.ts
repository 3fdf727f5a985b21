import type { AllowlistReport } from 'tinyhttp-allowlist'
import { encodePath, runtimeCodings, type App, type ContentCoding, type Middleware, type ReceivedHeaders } from 'tinyhttp-core'

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
 * A middleware that records `ctx.res.reason` by the `x-check-id` request header, installed outermost in
 * the app that `--check` probes.
 *
 * @param reasons - filled with id → reason
 * @returns the middleware
 */
export function recordReasons(reasons: Map<string, string | null>): Middleware {
  return async function recordReasons(ctx, next) {
    try {
      await next()
    } finally {
      const id = ctx.req.headers.get('x-check-id')
      if (id !== undefined && id !== null) reasons.set(id, ctx.res.reason ?? null)
    }
  }
}

/**
 * Probes every allowed file (and the folder URL of each index file) with HEAD requests through the
 * app, the same way a client would, and builds the report. With `compress`, the first pass starts the
 * compression jobs; `idle` is awaited before the codings are probed, so the sizes are the final ones.
 *
 * @param app - an app built with {@link recordReasons} outermost (not listening)
 * @param reasons - the map that middleware fills
 * @param table - the allowlist table
 * @param options - root, index file name, whether precompressed siblings are served and files
 *   compressed, and how to wait for the compression jobs
 * @returns the report
 */
export async function runCheck(
  app: App,
  reasons: Map<string, string | null>,
  table: AllowlistReport,
  options: { root: string; index?: string; precompressed: boolean; compress?: boolean; idle?: () => Promise<void> },
): Promise<CheckReport> {
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
  const head = async (url: string, encoding?: string): Promise<{ status: number; headers: ReceivedHeaders; reason: string | null }> => {
    const id = String(nextId++)
    // Through the whole app in memory: the same parser, chain and respond() a client's request meets.
    const res = await app.inject({ method: 'HEAD', target: url, headers: { 'X-Check-Id': id, 'Accept-Encoding': encoding ?? 'identity' } }, { timeout: 5000 })
    const reason = reasons.get(id) ?? null
    reasons.delete(id)
    return { status: res.status, headers: res.headers, reason }
  }
  const num = (v: string | undefined): number | null => (v === undefined ? null : Number(v))

  const codings = probedCodings({ precompressed: options.precompressed, compress: options.compress ?? false })
  const results: CheckedUrl[] = new Array(paths.length)
  const each = async (visit: (i: number) => Promise<void>): Promise<void> => {
    let cursor = 0
    const worker = async (): Promise<void> => {
      while (cursor < paths.length) await visit(cursor++)
    }
    await Promise.all(Array.from({ length: Math.min(8, paths.length) }, worker))
  }
  // First pass: the representation a client without Accept-Encoding gets (starts any compression job).
  await each(async i => {
    const path = paths[i] as string
    const url = encodePath(path)
    const r = await head(url)
    results[i] = {
      url,
      path,
      status: r.status,
      type: r.headers.get('content-type') ?? null,
      size: num(r.headers.get('content-length')),
      etag: r.headers.get('etag') ?? null,
      cacheControl: r.headers.get('cache-control') ?? null,
      variants: [],
      reason: r.reason,
    }
  })
  if (codings.length > 0) {
    if (options.idle !== undefined) await options.idle()
    await each(async i => {
      const result = results[i] as CheckedUrl
      if (result.status !== 200) return
      for (const encoding of codings) {
        const v = await head(result.url, encoding)
        if (v.status === 200 && v.headers.get('content-encoding') === encoding) {
          const source = v.reason === 'static:compressed' ? 'runtime' : 'disk'
          result.variants.push({ encoding, size: num(v.headers.get('content-length')), etag: v.headers.get('etag') ?? null, source })
        }
      }
    })
  }

  return {
    root: options.root,
    served: results.filter(r => r.status === 200),
    failing: results.filter(r => r.status !== 200),
    rejected: table.rejected.map(r => ({ entry: r.entry, reason: r.reason })),
    unmatched: [...table.unmatched],
    folders: [...table.folders],
    codings: codings.filter(c => c !== 'zstd' || runtimeCodings().includes('zstd') || results.some(r => r.variants.some(v => v.encoding === 'zstd'))),
  }
}

function table(rows: string[][], indent = '  '): string[] {
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)))
  return rows.map(row => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd((widths[i] as number) + 2))).join('').trimEnd())
}

/**
 * Renders the report as aligned text tables.
 *
 * @param report - from {@link runCheck}
 * @param allowText - how the allow entries were given, for the header
 * @param hostsText - which hosts are answered (the DNS-rebinding check), for the header
 * @returns the text, ending with a newline
 */
export function formatCheck(report: CheckReport, allowText: string, hostsText?: string): string {
  const lines: string[] = [`Root: ${report.root}`, `Allow: ${allowText}`, ...(hostsText !== undefined ? [`Hosts: ${hostsText}`] : []), '']
  if (report.folders.length > 0) {
    lines.push(`Folders (${report.folders.length}):`)
    for (const f of report.folders) lines.push(`  ${f.endsWith('/') ? f : f + '/'} (folder: every non-dotfile under it)`)
    lines.push('')
  }
  lines.push(`Served (${report.served.length} URL${report.served.length === 1 ? '' : 's'}):`)
  if (report.served.length > 0) {
    const rows = [['URL', 'TYPE', 'SIZE', 'ETAG', 'CACHE-CONTROL', ...report.codings.map(c => c.toUpperCase())]]
    for (const r of report.served) {
      const cells = report.codings.map(c => {
        const v = r.variants.find(x => x.encoding === c)
        return v === undefined ? '-' : `${v.size ?? '?'} ${v.source}`
      })
      rows.push([r.url, r.type ?? '-', r.size === null ? '-' : String(r.size), r.etag ?? '-', r.cacheControl ?? '-', ...cells])
    }
    lines.push(...table(rows))
  } else {
    lines.push('  (nothing)')
  }
  if (report.failing.length > 0) {
    lines.push('', `Allowed but not served (${report.failing.length}):`)
    lines.push(...table([['URL', 'STATUS', 'REASON'], ...report.failing.map(r => [r.url, String(r.status), r.reason ?? '-'])]))
  }
  if (report.rejected.length > 0) {
    lines.push('', `Rejected (${report.rejected.length}):`)
    lines.push(...table([['ENTRY', 'REASON'], ...report.rejected.map(r => [JSON.stringify(r.entry), r.reason])]))
  }
  if (report.unmatched.length > 0) {
    lines.push('', `Unmatched (${report.unmatched.length}):`)
    lines.push(...table([['ENTRY', 'REASON'], ...report.unmatched.map(e => [JSON.stringify(e), 'matched no file'])]))
  }
  return lines.join('\n') + '\n'
}
