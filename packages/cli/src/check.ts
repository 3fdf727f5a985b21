import type { AllowlistReport } from 'tinyhttp-allowlist'
import { encodePath, type App, type Middleware, type ReceivedHeaders } from 'tinyhttp-core'

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
  /** Precompressed variants served for this URL (`br`, `gzip`) and their sizes. */
  variants: Array<{ encoding: string; size: number | null; etag: string | null }>
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
 * app, the same way a client would, and builds the report.
 *
 * @param app - an app built with {@link recordReasons} outermost (not listening)
 * @param reasons - the map that middleware fills
 * @param table - the allowlist table
 * @param options - root, index file name, whether precompressed variants are served
 * @returns the report
 */
export async function runCheck(
  app: App,
  reasons: Map<string, string | null>,
  table: AllowlistReport,
  options: { root: string; index?: string; precompressed: boolean },
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

  const results: CheckedUrl[] = new Array(paths.length)
  let cursor = 0
  const worker = async (): Promise<void> => {
    while (cursor < paths.length) {
      const i = cursor++
      const path = paths[i] as string
      const url = encodePath(path)
      const r = await head(url)
      const variants: CheckedUrl['variants'] = []
      if (options.precompressed && r.status === 200) {
        for (const encoding of ['br', 'gzip']) {
          const v = await head(url, encoding)
          if (v.status === 200 && v.headers.get('content-encoding') === encoding) {
            variants.push({ encoding, size: num(v.headers.get('content-length')), etag: v.headers.get('etag') ?? null })
          }
        }
      }
      results[i] = {
        url,
        path,
        status: r.status,
        type: r.headers.get('content-type') ?? null,
        size: num(r.headers.get('content-length')),
        etag: r.headers.get('etag') ?? null,
        cacheControl: r.headers.get('cache-control') ?? null,
        variants,
        reason: r.reason,
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(8, paths.length) }, worker))

  return {
    root: options.root,
    served: results.filter(r => r.status === 200),
    failing: results.filter(r => r.status !== 200),
    rejected: table.rejected.map(r => ({ entry: r.entry, reason: r.reason })),
    unmatched: [...table.unmatched],
    folders: [...table.folders],
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
    const rows = [['URL', 'TYPE', 'SIZE', 'ETAG', 'CACHE-CONTROL', 'VARIANTS']]
    for (const r of report.served) {
      const variants = r.variants.length === 0 ? '-' : r.variants.map(v => `${v.encoding} (${v.size ?? '?'})`).join(', ')
      rows.push([r.url, r.type ?? '-', r.size === null ? '-' : String(r.size), r.etag ?? '-', r.cacheControl ?? '-', variants])
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
