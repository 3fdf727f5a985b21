// Micro-benchmark of the request parser alone (no sockets): ns per request for a realistic browser GET
// head, a 20-request pipelined burst and a chunked POST, each fed whole and in 1-byte splits; plus the
// heap cost of a parser (fresh, and idle after one request).
//
//   node bench/parser-micro.mjs                                   # packages/core/dist, 3 rounds
//   node bench/parser-micro.mjs --dist /tmp/base/dist --dist packages/core/dist --rounds 3
//
// Every round is a fresh `node --expose-gc` child that loads every --dist build (separate module graphs)
// and alternates them sample by sample (A B A B …), so a change in the machine's load hits them alike;
// the time is CPU time of the process, not wall time. The table gives the median over rounds of each
// round's fastest of 7 samples, every round's figure in brackets, and each build against the first.
import { spawnSync } from 'node:child_process'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { resolve } from 'node:path'

const SELF = fileURLToPath(import.meta.url)
const REPO = resolve(SELF, '../..')

const args = process.argv.slice(2)
const opt = { dists: [], rounds: 3, scale: 1, child: false, only: '' }
for (let i = 0; i < args.length; i++) {
  const a = args[i]
  if (a === '--dist') opt.dists.push(resolve(args[++i]))
  else if (a === '--rounds') opt.rounds = Number(args[++i])
  else if (a === '--scale') opt.scale = Number(args[++i])
  else if (a === '--quick') opt.scale = 0.05
  else if (a === '--only') opt.only = args[++i]
  else if (a === '--child') opt.child = true
  else {
    console.error(`unknown argument ${a}`)
    process.exit(2)
  }
}
if (opt.dists.length === 0) opt.dists.push(resolve(REPO, 'packages/core/dist'))

const CRLF = '\r\n'
const BROWSER_GET = [
  'GET /assets/app.3f9c2b.js?v=12 HTTP/1.1',
  'Host: localhost:8080',
  'Connection: keep-alive',
  'sec-ch-ua: "Chromium";v="131", "Not_A Brand";v="24"',
  'sec-ch-ua-mobile: ?0',
  'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'sec-ch-ua-platform: "Linux"',
  'Accept: */*',
  'Sec-Fetch-Site: same-origin',
  'Sec-Fetch-Mode: no-cors',
  'Sec-Fetch-Dest: script',
  'Referer: http://localhost:8080/index.html',
  'Accept-Encoding: gzip, deflate, br, zstd',
  'Accept-Language: en-US,en;q=0.9,de;q=0.8',
  'If-None-Match: "1f3a-18c2b9e07d0"',
].join(CRLF) + CRLF + CRLF

const WRK_GET = `GET /index.html HTTP/1.1${CRLF}Host: 127.0.0.1:8080${CRLF}${CRLF}`

function chunkedPost() {
  let s = `POST /upload HTTP/1.1${CRLF}Host: localhost${CRLF}Content-Type: application/octet-stream${CRLF}` +
    `Transfer-Encoding: chunked${CRLF}${CRLF}`
  for (let i = 0; i < 8; i++) s += `200;n=${i}${CRLF}${'x'.repeat(0x200)}${CRLF}`
  return s + `0${CRLF}Trailer-Check: ok${CRLF}${CRLF}`
}

/** name, bytes, requests in the bytes, split (0 = whole), iterations at scale 1. */
const SCENARIOS = [
  ['browser GET, whole', BROWSER_GET, 1, 0, 60_000],
  ['browser GET, 1-byte', BROWSER_GET, 1, 1, 4_000],
  ['20 pipelined wrk GETs, whole', WRK_GET.repeat(20), 20, 0, 8_000],
  ['20 pipelined browser GETs, whole', BROWSER_GET.repeat(20), 20, 0, 2_000],
  ['20 pipelined browser GETs, 1-byte', BROWSER_GET.repeat(20), 20, 1, 150],
  ['chunked POST 8×512 B, whole', chunkedPost(), 1, 0, 25_000],
  ['chunked POST 8×512 B, 1-byte', chunkedPost(), 1, 1, 250],
]

/** CPU time of this process in ns (user + system): robust to the VM's other load, unlike wall time. */
function cpuNs() {
  const u = process.cpuUsage()
  return (u.user + u.system) * 1000
}

async function child(dists) {
  const builds = []
  for (const dist of dists) {
    const { RequestParser } = await import(pathToFileURL(resolve(dist, 'index.js')).href)
    const count = { heads: 0, body: 0, completes: 0 }
    const handler = {
      onHead(head) { count.heads += head.rawHeaders.length },
      onBody(chunk) { count.body += chunk.length },
      onComplete() { count.completes++; return false },
    }
    builds.push({ RequestParser, handler, count, out: {} })
  }
  for (const [name, text, requests, split, iterations] of SCENARIOS) {
    if (!name.includes(opt.only)) continue
    const buf = Buffer.from(text, 'latin1')
    const chunks = []
    if (split === 0) chunks.push(buf)
    else for (let i = 0; i < buf.length; i += split) chunks.push(buf.subarray(i, i + split))
    const n = Math.max(10, Math.round(iterations * opt.scale))
    const runs = builds.map(b => {
      const parser = new b.RequestParser(b.handler)
      return {
        parser,
        once() {
          for (let c = 0; c < chunks.length; c++) parser.execute(chunks[c])
        },
        samples: [],
      }
    })
    for (const r of runs) for (let i = 0; i < n; i++) r.once() // warm-up
    const before = builds.map(b => b.count.completes)
    // Samples interleaved between the builds: A B A B ..., so a change in the machine's load hits both.
    for (let s = 0; s < 7; s++) {
      for (const r of runs) {
        const t0 = cpuNs()
        for (let i = 0; i < n; i++) r.once()
        r.samples.push((cpuNs() - t0) / (n * requests))
      }
    }
    runs.forEach((r, i) => {
      const done = builds[i].count.completes - before[i]
      if (r.parser.error !== null || done !== 7 * n * requests) throw new Error(`${name}: ${r.parser.error}`)
      r.samples.sort((a, b) => a - b)
      builds[i].out[name] = r.samples[0] // the least disturbed sample: other load only ever adds
    })
  }
  // Heap per parser: fresh, idle after one request fed in two pieces (a token split across them), and
  // in the middle of a head.
  const N = 10_000
  const get = Buffer.from(BROWSER_GET, 'latin1')
  const cut = BROWSER_GET.indexOf('Mozilla') + 3
  for (const b of builds) {
    const measure = prepare => {
      const keep = new Array(N)
      globalThis.gc()
      globalThis.gc()
      const h0 = process.memoryUsage().heapUsed
      for (let i = 0; i < N; i++) keep[i] = prepare(new b.RequestParser(b.handler))
      globalThis.gc()
      globalThis.gc()
      const bytes = (process.memoryUsage().heapUsed - h0) / N
      if (keep.length !== N) throw new Error('unreachable')
      return bytes
    }
    b.out['heap B / parser, fresh'] = measure(p => p)
    b.out['heap B / parser, idle after a request'] = measure(p => {
      p.execute(get.subarray(0, cut))
      p.execute(get.subarray(cut))
      if (!p.idle) throw new Error('not idle')
      return p
    })
    b.out['heap B / parser, mid-head'] = measure(p => {
      p.execute(get.subarray(0, cut))
      return p
    })
    if (b.count.heads === 0 || b.count.body === 0) throw new Error('nothing parsed')
  }
  process.stdout.write(JSON.stringify(builds.map(b => b.out)))
}

if (opt.child) {
  await child(opt.dists)
} else {
  const results = opt.dists.map(() => [])
  for (let r = 0; r < opt.rounds; r++) {
    // Each round is a fresh process; alternate which build loads first.
    const order = opt.dists.map((_, i) => i)
    if (r % 2 === 1) order.reverse()
    const dist = order.flatMap(i => ['--dist', opt.dists[i]])
    const res = spawnSync(process.execPath, ['--expose-gc', SELF, '--child', ...dist, '--scale', String(opt.scale), '--only', opt.only], {
      encoding: 'utf8',
    })
    if (res.status !== 0) {
      console.error(res.stderr)
      process.exit(1)
    }
    const outs = JSON.parse(res.stdout)
    order.forEach((i, k) => results[i].push(outs[k]))
    process.stderr.write(`round ${r + 1}/${opt.rounds} done\n`)
  }
  const median = xs => {
    const s = [...xs].sort((a, b) => a - b)
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
  }
  const names = Object.keys(results[0][0])
  const head = ['measure', ...opt.dists.map((d, i) => `${i === 0 ? 'A' : String.fromCharCode(65 + i)}: ${d.replace(REPO + '/', '')}`)]
  if (opt.dists.length > 1) head.push(...opt.dists.slice(1).map((_, i) => `${String.fromCharCode(66 + i)}/A`))
  const rows = names.map(name => {
    const ms = results.map(runs => median(runs.map(x => x[name])))
    const unit = name.startsWith('heap') ? '' : ' ns/req'
    const cells = [name, ...ms.map((m, i) => {
      const all = results[i].map(x => x[name].toFixed(name.startsWith('heap') ? 0 : 1)).join(' / ')
      return `${m.toFixed(name.startsWith('heap') ? 0 : 1)}${unit} (${all})`
    })]
    for (let i = 1; i < ms.length; i++) cells.push(`${((ms[i] / ms[0] - 1) * 100).toFixed(1)} %`)
    return cells
  })
  console.log(`| ${head.join(' | ')} |`)
  console.log(`| ${head.map(() => '---').join(' | ')} |`)
  for (const row of rows) console.log(`| ${row.join(' | ')} |`)
  console.log(`\nnode ${process.version}, ${opt.rounds} rounds interleaved, scale ${opt.scale}; median over rounds of each round's fastest of 7 samples; CPU time`)
}
