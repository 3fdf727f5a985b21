// What metrics() adds to one request: a real Response through the middleware, then res.ended() (as the
// connection does), against the same without it. Build first (npx tsc -b); run: node packages/metrics/bench/middleware.mjs
import { Response } from 'tinyhttp-core'
import { metrics } from '../dist/index.js'
const mw = metrics()
const next = () => undefined
function run(n, withMetrics) {
  const t = process.hrtime.bigint()
  for (let i = 0; i < n; i++) {
    const res = new Response()
    res.status = 200
    res.reason = 'static:hit'
    const ctx = { req: { method: 'GET' }, res }
    if (withMetrics) mw(ctx, next)
    res.ended(1234, false)
  }
  return Number(process.hrtime.bigint() - t) / n
}
for (let k = 0; k < 3; k++) { run(200000, true); run(200000, false) }
const a = [], b = []
for (let k = 0; k < 7; k++) { a.push(run(500000, true)); b.push(run(500000, false)) }
a.sort((x, y) => x - y); b.sort((x, y) => x - y)
console.log(`with metrics ${a[3].toFixed(0)} ns/request, without ${b[3].toFixed(0)} ns/request, metrics() costs ~${(a[3] - b[3]).toFixed(0)} ns`)
