// Label sets stay bounded: 10 000 requests with random methods, hosts and paths (valid, odd and
// malformed, so the parser refuses some) through the real chain leave at most the series the closed
// sets allow, and none of what the requests carried appears in the scrape.
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { allowlist } from 'tinyhttp-allowlist'
import { createApp, WIRE_REJECTION_STATUS } from 'tinyhttp-core'
import { fallback } from 'tinyhttp-fallback'
import {
  CACHE_RESULTS,
  DURATION_BUCKETS,
  ENCODINGS,
  METHODS,
  REFUSAL_REASONS,
  STATUS_CLASSES,
  metrics,
  toPrometheusText,
  wireMetrics,
} from 'tinyhttp-metrics'
import { serveStatic } from 'tinyhttp-static'
import { writeTree } from '../helpers/file-tree.js'
import { seeded } from '../helpers/seeded.js'

let root: string
beforeAll(async () => {
  root = await writeTree('tinyhttp-cardinality-', { 'index.html': '<h1>hi</h1>', 'a/b.css': 'b{}', 'app.js': 'x'.repeat(4000) })
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

const TCHAR = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
const ANY = ' !"#$%&\'()*+,-./0123456789:;<=>?@[\\]^_`{|}~AZaz\x7f\x01é'

function requestBytes(next: () => number, i: number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T
  const text = (alphabet: string, max: number): string => {
    let out = ''
    const n = 1 + Math.floor(next() * max)
    for (let k = 0; k < n; k++) out += alphabet[Math.floor(next() * alphabet.length)]
    return out
  }
  const r = next()
  const method = r < 0.4 ? pick(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) : r < 0.9 ? `M${i}${text(TCHAR, 10)}` : text(ANY, 8)
  const h = next()
  const host = h < 0.3 ? 'localhost' : h < 0.9 ? `h${i}-${text('abcdefghijklmnopqrstuvwxyz0123456789-.', 20)}.example` : text(ANY, 10)
  const p = next()
  const path =
    p < 0.3
      ? pick(['/', '/index.html', '/a/b.css', '/app.js', '/missing', '/a/'])
      : p < 0.9
        ? `/p${i}/${text('abcdefghijklmnopqrstuvwxyz0123456789%./~-_', 30)}`
        : text(ANY, 30)
  const extra = next() < 0.1 ? 'Accept-Encoding: br, gzip\r\n' : ''
  return `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n${extra}\r\n`
}

/** Sample lines of a scrape (each one series). */
function seriesOf(scrape: string): string[] {
  return scrape.split('\n').filter(line => line !== '' && !line.startsWith('#')).map(line => line.slice(0, line.lastIndexOf(' ')))
}

describe('label cardinality', () => {
  it('10 000 random requests: series stay within the closed sets, and no request text becomes a label', async () => {
    const app = createApp({ checkMissingAwait: false })
    const observe = metrics()
    wireMetrics(observe.registry, app)
    const files = serveStatic(root, { compress: true })
    app.use(observe, fallback(), allowlist(['**/*'], { root }), files)
    const bound =
      METHODS.length * STATUS_CLASSES.length +
      REFUSAL_REASONS.length +
      ENCODINGS.length +
      CACHE_RESULTS.length +
      (DURATION_BUCKETS.length + 1 + 2) + // buckets, +Inf, _sum, _count
      3 + // body bytes, aborted, in flight
      3 + // connections opened, open, active
      Object.keys(WIRE_REJECTION_STATUS).length

    const next = seeded(13)
    const sent: string[] = []
    const send = async (count: number): Promise<void> => {
      for (let i = 0; i < count; i++) {
        const bytes = requestBytes(next, sent.length)
        sent.push(bytes)
        await app.inject(bytes, { timeout: 5000 })
      }
    }
    await send(500)
    const before = seriesOf(toPrometheusText(observe.registry.snapshot()))
    await send(9500)
    const scrape = toPrometheusText(observe.registry.snapshot())
    const after = seriesOf(scrape)
    files.close()
    await app.close(0)

    expect(sent).toHaveLength(10_000)
    expect(new Set(after).size).toBe(after.length)
    expect(after.length).toBeLessThanOrEqual(bound)
    // 9 500 more requests, each with a method, host and path never seen before, add only a few series.
    expect(after.length - before.length).toBeLessThanOrEqual(bound - before.length)
    expect(after.length).toBeLessThan(100)
    // Every answer was counted once: by the chain, or by the wire when the parser refused it.
    const total = (name: string): number =>
      scrape
        .split('\n')
        .filter(l => l.startsWith(name))
        .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0)
    expect(total('tinyhttp_http_requests_total') + total('tinyhttp_wire_rejections_total')).toBe(10_000)
    expect(total('tinyhttp_wire_rejections_total')).toBeGreaterThan(100)
    // What the requests carried never became a label value.
    for (const line of after) {
      expect(line).not.toMatch(/\bM\d+|h\d+-|\/p\d+\/|example/)
      const labels = [...line.matchAll(/="([^"]*)"/g)].map(m => m[1] as string)
      for (const value of labels) expect(value).toMatch(/^[A-Za-z0-9_:.+\-]*$/)
    }
  }, 120_000)
})
