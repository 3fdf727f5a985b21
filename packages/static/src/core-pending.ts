/**
 * TEMPORARY: the shared core API of issue 11 (I11-CONTRACT.md) until tinyhttp-core has it on main.
 * Deleted at the merge of main; every import then comes from 'tinyhttp-core'.
 *
 * @module
 */
import zlib from 'node:zlib'

/** @example const c: ContentCoding = 'br' */
export type ContentCoding = 'br' | 'zstd' | 'gzip'
/** @example CODING_PREFERENCE[0] // 'br' */
export const CODING_PREFERENCE: readonly ContentCoding[] = ['br', 'zstd', 'gzip']
/** @example runtimeCodings() // ['br', 'gzip'] on Node 20 */
export function runtimeCodings(): readonly ContentCoding[] {
  return typeof (zlib as unknown as Record<string, unknown>).zstdCompress === 'function' ? CODING_PREFERENCE : ['br', 'gzip']
}

function parseQ(s: string): number {
  const n = s.length
  if (n === 0 || n > 5) return -1
  const lead = s.charCodeAt(0)
  if (lead !== 0x30 && lead !== 0x31) return -1
  if (n === 1) return lead === 0x31 ? 1000 : 0
  if (s.charCodeAt(1) !== 0x2e) return -1
  let frac = 0
  let scale = 100
  for (let i = 2; i < n; i++) {
    const d = s.charCodeAt(i) - 0x30
    if (d < 0 || d > 9) return -1
    frac += d * scale
    scale /= 10
  }
  if (lead === 0x31) return frac === 0 ? 1000 : -1
  return frac
}

/** @example negotiateEncoding('br, gzip', ['gzip']) // 'gzip' */
export function negotiateEncoding(header: string | undefined, available: readonly ContentCoding[]): ContentCoding | 'identity' | null {
  if (header === undefined) return 'identity'
  const q: Record<string, number> = { br: -1, zstd: -1, gzip: -1, identity: -1, '*': -1 }
  for (const element of header.split(',')) {
    const semi = element.indexOf(';')
    let token = (semi < 0 ? element : element.slice(0, semi)).trim().toLowerCase()
    if (token === 'x-gzip') token = 'gzip'
    if (!(token in q)) continue
    let w = 1000
    if (semi >= 0) {
      const p = element.slice(semi + 1).trim()
      if (!/^q=/i.test(p)) continue
      w = parseQ(p.slice(2).trim())
      if (w < 0) continue
    }
    q[token] = Math.max(q[token] as number, w)
  }
  let best: ContentCoding | 'identity' = 'identity'
  let bestQ = 0
  for (const c of CODING_PREFERENCE) {
    if (!available.includes(c)) continue
    const explicit = q[c] as number
    const w = explicit >= 0 ? explicit : Math.max(q['*'] as number, 0)
    if (w > bestQ) {
      best = c
      bestQ = w
    }
  }
  const idq = (q.identity as number) >= 0 ? (q.identity as number) : (q['*'] as number) >= 0 ? (q['*'] as number) : 1
  if (best === 'identity') return idq > 0 ? 'identity' : null
  return idq > bestQ ? 'identity' : best
}

/** @example hasNoTransform('public, no-transform') // true */
export function hasNoTransform(cacheControl: string | undefined): boolean {
  return cacheControl !== undefined && /(^|,)\s*no-transform\s*(,|$)/i.test(cacheControl)
}

/** @example isCompressibleType('text/css', () => undefined) // true */
export function isCompressibleType(contentType: string, mimeDbCompressible: (mediaType: string) => boolean | undefined): boolean {
  const t = (contentType.split(';')[0] as string).trim().toLowerCase()
  if (t === 'image/svg+xml' || t === 'application/wasm' || t === 'application/manifest+json') return true
  if (/^(image|audio|video)\//.test(t) || /^font\/woff2?$/.test(t) || t.startsWith('application/font-woff')) return false
  if (/^application\/(zip|gzip|x-gzip|zstd|x-bzip2|x-xz|x-7z-compressed|x-rar-compressed|vnd\.rar|octet-stream)$/.test(t)) return false
  if (t.startsWith('text/') || t.endsWith('+json') || t.endsWith('+xml')) return true
  return mimeDbCompressible(t) === true
}
