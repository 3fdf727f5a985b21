/**
 * The text form of the `--check` report: aligned tables, the headers every URL gets, and the rules.
 *
 * @module
 */
import type { CheckReport, CheckedUrl } from './check.js'
import type { RuleEffect } from './check-rules.js'

/** Fields that differ from file to file and are in the tables (or change on every request). */
const PER_FILE = new Set(['content-type', 'content-length', 'etag', 'last-modified', 'location', 'date'])

/** Widest line the URL lists are wrapped at. */
const WIDTH = 100

/** How many URLs a rule lists in the text form (JSON lists them all). */
const MAX_LISTED = 40

function table(rows: string[][], indent = '  '): string[] {
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)))
  return rows.map(row => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd((widths[i] as number) + 2))).join('').trimEnd())
}

/** Items joined with `, `, wrapped at {@link WIDTH} columns under `indent`. */
function wrapped(items: readonly string[], indent: string): string[] {
  const lines: string[] = []
  let line = ''
  for (const [i, item] of items.entries()) {
    const piece = item + (i < items.length - 1 ? ',' : '')
    if (line !== '' && indent.length + line.length + 1 + piece.length > WIDTH) {
      lines.push(indent + line)
      line = piece
    } else {
      line = line === '' ? piece : `${line} ${piece}`
    }
  }
  if (line !== '') lines.push(indent + line)
  return lines
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** A URL with its mark: `*` a rule's example path, `→` a redirect's target. */
function marked(u: CheckedUrl): string {
  return u.probe === 'rule' ? `${u.url} *` : u.probe === 'target' ? `${u.url} →` : u.url
}

/** The URLs grouped by the header fields they get (sorted by name), groups in order of first appearance. */
function headerGroups(urls: readonly CheckedUrl[]): string[] {
  const groups = new Map<string, { fields: Array<[string, string]>; urls: string[] }>()
  for (const u of urls) {
    const fields = u.headers
      .filter(([name]) => !PER_FILE.has(name.toLowerCase()))
      .sort(([a], [b]) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0))
    const key = JSON.stringify(fields)
    let group = groups.get(key)
    if (group === undefined) groups.set(key, (group = { fields, urls: [] }))
    group.urls.push(marked(u))
  }
  const lines: string[] = []
  for (const group of groups.values()) {
    lines.push(...wrapped(group.urls, '  '))
    for (const [name, value] of group.fields) lines.push(`      ${name}: ${value}`)
    if (group.fields.length === 0) lines.push('      (no fields)')
  }
  return lines
}

/** Why a rule that matched URLs changed none of them. */
function whyUntouched(effect: RuleEffect): string {
  if (effect.untouched.length === 0) return 'matches none of the URLs probed'
  const whys = new Map<string, string[]>()
  for (const { url, why } of effect.untouched) whys.set(why, [...(whys.get(why) ?? []), url])
  const text: Record<string, string> = {
    'file served': 'a file is served there (add ! to the status to override it)',
    'earlier rule': 'an earlier rule matches first',
    'another rule': 'another rule or cleanUrls/trailingSlash answered',
    replaced: 'a later rule or a preset replaces its value',
  }
  return [...whys].map(([why, urls]) => `matches ${urls.slice(0, 3).join(', ')}${urls.length > 3 ? ` and ${urls.length - 3} more` : ''}, but ${text[why] ?? why}`).join('; ')
}

/** `Rules: dist/_headers (4), dist/_redirects (3); --cache spa`, or nothing when there are none. */
function rulesLine(rules: readonly RuleEffect[]): string[] {
  if (rules.length === 0) return []
  const files = new Map<string, number>()
  const others: string[] = []
  for (const r of rules) {
    if (r.kind === 'preset' || r.kind === 'clean') others.push(r.rule)
    else {
      const file = r.rule.replace(/(:\d+|: .*)$/, '')
      files.set(file, (files.get(file) ?? 0) + 1)
    }
  }
  const parts = [...[...files].map(([file, n]) => `${file} (${n})`), ...others]
  return [`Rules: ${parts.join(', ')}`]
}

/** The "Rules" and "Rules that touch no URL" sections. */
function ruleSections(report: CheckReport, total: number): string[] {
  if (report.rules.length === 0) return []
  const byUrl = new Map<string, CheckedUrl>()
  for (const u of [...report.served, ...report.failing, ...report.examples]) byUrl.set(u.url, u)
  const touching = report.rules.filter(r => r.urls.length > 0)
  const idle = report.rules.filter(r => r.urls.length === 0)
  const head = (r: RuleEffect): string => '  ' + [r.rule, r.pattern ?? '', r.kind === 'header' ? `sets ${r.action}` : r.action].filter(x => x !== '').join('  ')
  const lines: string[] = ['', `Rules (${report.rules.length}, in order; the URLs each one changes):`]
  for (const r of touching) {
    lines.push(head(r))
    const urls = r.urls.map(url => (byUrl.has(url) ? marked(byUrl.get(url) as CheckedUrl) : url))
    if (r.urls.length === total && total > 1) lines.push(`    every URL (${total})`)
    else if (urls.length > MAX_LISTED) lines.push(...wrapped([...urls.slice(0, MAX_LISTED), `and ${urls.length - MAX_LISTED} more (--log-format json lists them all)`], '    '))
    else lines.push(...wrapped(urls, '    '))
  }
  if (touching.length === 0) lines.push('  (none changes any URL)')
  if (idle.length > 0) {
    lines.push('', `Rules that touch no URL (${idle.length}):`)
    for (const r of idle) lines.push(head(r), `    ${whyUntouched(r)}`)
  }
  return lines
}

/**
 * Renders the report as aligned text tables: what is served, the answers to the rules' own paths, the
 * header fields every URL gets, and every rule with the URLs it changes (then those that change none).
 *
 * @param report - from `runCheck`
 * @param allowText - how the allow entries were given, for the header
 * @param hostsText - which hosts are answered (the DNS-rebinding check), for the header
 * @returns the text, ending with a newline
 * @example
 * ```ts
 * process.stdout.write(formatCheck(report, '**' + '/*', 'localhost, 127.0.0.1'))
 * ```
 */
export function formatCheck(report: CheckReport, allowText: string, hostsText?: string): string {
  const lines: string[] = [`Root: ${report.root}`, `Allow: ${allowText}`, ...(hostsText !== undefined ? [`Hosts: ${hostsText}`] : []), ...rulesLine(report.rules), '']
  if (report.folders.length > 0) {
    lines.push(`Folders (${report.folders.length}):`)
    for (const f of report.folders) lines.push(`  ${f.endsWith('/') ? f : f + '/'} (folder: every non-dotfile under it)`)
    lines.push('')
  }
  lines.push(`Served (${plural(report.served.length, 'URL')}):`)
  if (report.served.length > 0) {
    const rewritten = report.served.some(r => r.rewrittenTo !== null)
    const rows = [['URL', 'TYPE', 'SIZE', 'ETAG', 'CACHE-CONTROL', ...report.codings.map(c => c.toUpperCase()), ...(rewritten ? ['REWRITTEN TO'] : [])]]
    for (const r of report.served) {
      const cells = report.codings.map(c => {
        const v = r.variants.find(x => x.encoding === c)
        return v === undefined ? '-' : `${v.size ?? '?'} ${v.source}`
      })
      rows.push([r.url, r.type ?? '-', r.size === null ? '-' : String(r.size), r.etag ?? '-', r.cacheControl ?? '-', ...cells, ...(rewritten ? [r.rewrittenTo ?? '-'] : [])])
    }
    lines.push(...table(rows))
  } else {
    lines.push('  (nothing)')
  }
  if (report.failing.length > 0) {
    const location = report.failing.some(r => r.location !== null)
    lines.push('', `Allowed but not served (${report.failing.length}):`)
    lines.push(...table([['URL', 'STATUS', 'REASON', ...(location ? ['LOCATION'] : [])], ...report.failing.map(r => [r.url, String(r.status), r.reason ?? '-', ...(location ? [r.location ?? '-'] : [])])]))
  }
  if (report.examples.length > 0) {
    lines.push('', `Paths of the rules (${report.examples.length}; * made from a rule's pattern, → where a redirect points):`)
    const rows = [['URL', 'STATUS', 'LOCATION', 'SERVED AS', 'TYPE', 'CACHE-CONTROL']]
    for (const r of report.examples) rows.push([marked(r), String(r.status), r.location ?? '-', r.rewrittenTo ?? '-', r.type ?? '-', r.cacheControl ?? '-'])
    lines.push(...table(rows))
  }
  const every = [...report.served, ...report.failing, ...report.examples]
  if (every.length > 0) {
    lines.push('', 'Headers after all rules (every URL above, as a client gets them; Content-Type, Content-Length, ETag, Last-Modified, Location: see the tables):')
    lines.push(...headerGroups(every))
  }
  lines.push(...ruleSections(report, every.length))
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
