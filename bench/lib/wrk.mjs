// Scenarios and the load generator. Every scenario is one wrk run
// (-t1, --timeout 5s, bench/lib/report.lua), except head: wrk 4.1 cannot
// read HEAD responses (it waits for Content-Length bytes of body that never
// come), so head runs bench/lib/headload.c, a minimal epoll client with the
// same closed loop (one request in flight per connection) and the same JSON.
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { run, tasksetPrefix } from './proc.mjs'

const LIB = fileURLToPath(new URL('./', import.meta.url))
const LUA = `${LIB}report.lua`
const HEADLOAD_SRC = `${LIB}headload.c`
const BUILD = fileURLToPath(new URL('../.build/', import.meta.url))
export const HEADLOAD_BIN = `${BUILD}headload`

/**
 * @typedef {object} Scenario
 * @property {string} name
 * @property {string} title
 * @property {string} path
 * @property {number} conns
 * @property {number} [depth] - requests per write (pipelining)
 * @property {string} [method]
 * @property {boolean} [closeConn] - Connection: close
 * @property {boolean} [cond] - If-None-Match with the target's ETag
 * @property {boolean} [files] - needs files other than index.html
 * @property {boolean} [throughput] - ratio on MB/s instead of req/s
 * @property {Record<string, string>} [headers] - request header fields added to every request
 * @property {boolean} [encoded] - the answer must be compressed: timed only for targets whose
 *   compression check (lib/verify-encodings.mjs) got a compressed answer for `path`
 * @property {'compression'|'rules'} [suite] - part of the compression run only (`run.mjs --compression`),
 *   or of the rules run (`run.mjs --rules`)
 * @property {'wrk'|'headload'} tool
 */

const AE = { 'Accept-Encoding': 'gzip, br' }

/** @type {Scenario[]} */
export const SCENARIOS = [
  { name: 'ka', title: 'keep-alive GET /index.html', path: '/index.html', conns: 50, tool: 'wrk' },
  { name: 'pipe', title: 'pipelined ×16 GET /index.html', path: '/index.html', conns: 50, depth: 16, tool: 'wrk' },
  { name: 'close', title: 'Connection: close, GET /index.html (new connection per request)', path: '/index.html', conns: 50, closeConn: true, tool: 'wrk' },
  { name: 'cond', title: 'conditional GET /index.html (If-None-Match → 304)', path: '/index.html', conns: 50, cond: true, tool: 'wrk' },
  { name: 'head', title: 'keep-alive HEAD /index.html', path: '/index.html', conns: 50, method: 'HEAD', tool: 'headload' },
  { name: 'mid', title: 'keep-alive GET /mid.bin (64 KiB)', path: '/mid.bin', conns: 50, files: true, throughput: true, tool: 'wrk' },
  { name: 'big', title: 'keep-alive GET /big.bin (1 MiB)', path: '/big.bin', conns: 8, files: true, throughput: true, tool: 'wrk' },
  // the compression run (fixtures/public-z): the bundle and the page, compressed and not, and an
  // identity file as large as our brotli output (what a compressed answer should cost at most)
  { name: 'js-z', title: 'keep-alive GET /app.js (300 KB bundle), Accept-Encoding: gzip, br', path: '/app.js', conns: 16, headers: AE, encoded: true, files: true, suite: 'compression', tool: 'wrk' },
  { name: 'js-id', title: 'keep-alive GET /app.js, no Accept-Encoding (identity)', path: '/app.js', conns: 16, files: true, suite: 'compression', tool: 'wrk' },
  { name: 'js-brsize', title: 'keep-alive GET /app.br-size.js: identity, as many bytes as app.js in brotli 11', path: '/app.br-size.js', conns: 16, files: true, suite: 'compression', tool: 'wrk' },
  { name: 'html-z', title: 'keep-alive GET /index.html, Accept-Encoding: gzip, br', path: '/index.html', conns: 50, headers: AE, encoded: true, suite: 'compression', tool: 'wrk' },
  { name: 'html-id', title: 'keep-alive GET /index.html, no Accept-Encoding (identity)', path: '/index.html', conns: 50, suite: 'compression', tool: 'wrk' },
  { name: 'html-brsize', title: 'keep-alive GET /index.br-size.html: identity, as many bytes as index.html in brotli 11', path: '/index.br-size.html', conns: 50, files: true, suite: 'compression', tool: 'wrk' },
  // the rules run (fixtures/public-rules: 200 header rules, 200 redirects): the `ka` load, against the
  // targets with rules and the same servers without (bench/lib/rules-report.mjs divides them)
  { name: 'rules', title: 'keep-alive GET /index.html: 200 header rules, 200 redirects, --cache spa vs none', path: '/index.html', conns: 50, suite: 'rules', tool: 'wrk' },
]

/** Scenarios of a default run. */
export const defaultScenarios = () => SCENARIOS.filter((s) => !s.suite)
/** Scenarios of the rules run. */
export const rulesScenarios = () => SCENARIOS.filter((s) => s.suite === 'rules')
/** Scenarios of the compression run. */
export const compressionScenarios = () => SCENARIOS.filter((s) => s.suite === 'compression')

export const scenarioByName = (name) => SCENARIOS.find((s) => s.name === name)

/** A short description of the load command, for the report. */
export function describeLoad(s) {
  if (s.tool === 'headload') return `headload -c${s.conns} HEAD ${s.path}`
  let h = s.closeConn ? " -H 'Connection: close'" : s.cond ? " -H 'If-None-Match: <etag>'" : ''
  for (const [k, v] of Object.entries(s.headers ?? {})) h += ` -H '${k}: ${v}'`
  return `wrk -t1 -c${s.conns}${h} ${s.path}${s.depth ? ` -- ${s.depth}` : ''}`
}

/**
 * Why a scenario cannot run against a target, or null.
 * @param {Scenario} s
 * @param {import('./targets.mjs').Target} t
 * @param {{ supports304: boolean, etag: string|null }} verdict
 */
export function scenarioSkip(s, t, verdict) {
  if (t.indexOnly && (s.files || s.cond)) return 'index-only by design'
  if (s.cond && !verdict.supports304) {
    if (verdict.etag) return `ETag ${verdict.etag} sent, but If-None-Match never gives 304`
    return verdict.indexHeaders?.['last-modified'] ? 'no ETag (Last-Modified only)' : 'no ETag'
  }
  if (s.tool === 'headload' && !existsSync(HEADLOAD_BIN)) return 'headload not built (no C compiler)'
  if (s.encoded) {
    if (!t.compression) return 'does not compress (by design)'
    if (!verdict.encodings) return 'compression not verified'
    const why = verdict.encodings.notTimed[s.path]
    if (why) return why
  }
  return null
}

/**
 * Builds bench/.build/headload from lib/headload.c when missing or older.
 * @returns {Promise<string|null>} an error message, or null
 */
export async function buildHeadload() {
  if (existsSync(HEADLOAD_BIN) && statSync(HEADLOAD_BIN).mtimeMs >= statSync(HEADLOAD_SRC).mtimeMs) return null
  mkdirSync(BUILD, { recursive: true })
  const r = await run(['cc', '-O2', '-o', HEADLOAD_BIN, HEADLOAD_SRC], { timeoutMs: 60_000 })
  return r.code === 0 ? null : `cc failed: ${(r.stderr || r.stdout).trim().slice(0, 400)}`
}

/**
 * @typedef {object} LoadResult
 * @property {number} requests
 * @property {number} bytes - headers included
 * @property {number} durationS
 * @property {number} rps
 * @property {number} mbps - bytes / duration / 1e6
 * @property {number} p50ms
 * @property {number} p99ms
 * @property {number} errors - connect+read+write+timeout+status(non-2xx/3xx)
 * @property {Record<string, number>} errorDetail
 */

/**
 * Runs one load against 127.0.0.1:port.
 * @param {Scenario} s
 * @param {{ port: number, durationS: number, etag?: string|null, cpuList: string|null }} o
 * @returns {Promise<LoadResult>}
 */
export async function runLoad(s, { port, durationS, etag, cpuList }) {
  let argv
  if (s.tool === 'headload') {
    argv = [HEADLOAD_BIN, String(port), s.path, String(s.conns), String(durationS), '5', s.method ?? 'HEAD']
  } else {
    argv = ['wrk', '-t1', `-c${s.conns}`, `-d${durationS}s`, '--timeout', '5s', '-s', LUA]
    if (s.closeConn) argv.push('-H', 'Connection: close')
    if (s.cond) argv.push('-H', `If-None-Match: ${etag}`)
    for (const [k, v] of Object.entries(s.headers ?? {})) argv.push('-H', `${k}: ${v}`)
    argv.push(`http://127.0.0.1:${port}${s.path}`, '--', String(s.depth ?? 1), s.method ?? 'GET')
  }
  const r = await run([...tasksetPrefix(cpuList), ...argv], { timeoutMs: (durationS + 30) * 1000 })
  const line = r.stdout.split('\n').find((l) => l.startsWith('BENCHJSON '))
  if (!line) throw new Error(`${argv[0].split('/').pop()} printed no result (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(0, 300)}`)
  const j = JSON.parse(line.slice('BENCHJSON '.length))
  const durationSec = j.duration_us / 1e6
  const e = j.errors
  return {
    requests: j.requests,
    bytes: j.bytes,
    durationS: durationSec,
    rps: j.requests / durationSec,
    mbps: j.bytes / durationSec / 1e6,
    p50ms: j.latency_us.p50 / 1000,
    p99ms: j.latency_us.p99 / 1000,
    errors: e.connect + e.read + e.write + e.timeout + e.status,
    errorDetail: e,
  }
}
