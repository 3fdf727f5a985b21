// Load test for tinyhttp-rules: builds _redirects and _headers files with up to 10 000 rules, times
// parsing + validation + compilation, then times lookups, to show that a lookup costs the same with 100
// rules as with 10 000 (the trie walks the path, not the rule list), next to a linear scan of one regular
// expression per rule. Prints timings; asserts nothing.
//
//   npx tsc -b && node packages/rules/bench/load.mjs
import { canonicalizePath } from 'tinyhttp-core'
import { compileRules, mergeRules, parseHeaders, parseRedirects } from '../dist/index.js'

const LOOKUPS = 200_000

/** A rule set of `n` rules: fixed redirects, placeholder redirects, splat redirects and header rules. */
function files(n) {
  const redirects = []
  const headers = []
  for (let i = 0; i < n; i++) {
    switch (i % 5) {
      case 0:
      case 1:
        redirects.push(`/old/section-${i}/page-${i % 97}   /new/section-${i}/page   301`)
        break
      case 2:
        redirects.push(`/blog-${i}/:year/:slug   /posts/${i}/:year/:slug   308`)
        break
      case 3:
        redirects.push(`/area-${i}/*   /zone-${i}/:splat   302`)
        break
      default:
        headers.push(`/assets-${i}/*\n  Cache-Control: public, max-age=31536000, immutable\n  X-Rule: ${i}`)
    }
  }
  redirects.push('/*   /index.html   200')
  return { redirects: redirects.join('\n') + '\n', headers: headers.join('\n') + '\n' }
}

function paths(n) {
  const raw = []
  for (let i = 0; i < 200; i++) {
    const k = (i * 7919) % n
    raw.push(
      [`/old/section-${k - (k % 5)}/page-${(k - (k % 5)) % 97}`, `/blog-${k - (k % 5) + 2}/2024/hello`, `/area-${k - (k % 5) + 3}/a/b/c.js`, `/assets-${k - (k % 5) + 4}/app.3f9a1c2e.js`, `/no/such/page`][i % 5],
    )
  }
  return raw.map(p => canonicalizePath(p)).filter(p => p.ok)
}

for (const n of [100, 1000, 10_000]) {
  const { redirects, headers } = files(n)
  const t0 = process.hrtime.bigint()
  const compiled = compileRules(mergeRules([parseHeaders(headers, '_headers'), parseRedirects(redirects, '_redirects')]))
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6
  const sample = paths(n)
  let hits = 0
  const time = (fn, lookups = LOOKUPS) => {
    for (let i = 0; i < lookups / 10; i++) fn(sample[i % sample.length]) // warm-up
    const t = process.hrtime.bigint()
    for (let i = 0; i < lookups; i++) fn(sample[i % sample.length])
    return (Number(process.hrtime.bigint() - t) / lookups).toFixed(0).padStart(5)
  }
  const route = time(p => {
    if (compiled.route(p.segments, p.trailingSlash) !== undefined) hits++
  })
  const headerNs = time(p => {
    hits += compiled.headers(p.segments, p.trailingSlash).length
  })
  // Baseline: the same routes as a list of regular expressions tried in order (what a linear matcher does).
  const regexps = compiled.rules.routes.map(r => {
    const body = r.pattern.segments
      .map(seg => (seg.kind === 'literal' ? '/' + seg.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '/([^/]+)'))
      .join('')
    return new RegExp('^' + body + (r.pattern.splat ? '(?:/(.*))?$' : '/?$'))
  })
  const linear = time(p => {
    for (const re of regexps) {
      if (re.test(p.path)) {
        hits++
        break
      }
    }
  }, Math.max(1000, LOOKUPS / n))
  console.log(
    `${String(n).padStart(6)} rules: load (parse + validate + compile) ${loadMs.toFixed(1).padStart(7)} ms; ` +
      `per lookup: route ${route} ns, headers ${headerNs} ns, linear regexp scan ${linear} ns (${sample.length} distinct paths; ${hits} hits)`,
  )
}
