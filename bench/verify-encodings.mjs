#!/usr/bin/env node
// The compression check alone, no load: starts every target of the compression run
// (or --targets) on the compression fixtures, fetches each URL with and without
// `Accept-Encoding: gzip, br`, decodes what it got with node:zlib and compares it
// with the file, then prints the codings, the size table and issue 11's size goals.
// Seconds, not minutes: the way to see whether a build of ours compresses at all.
//
//   node bench/verify-encodings.mjs [--targets a,b] [--root DIR] [--no-install]
//
// Exit code 0 when every target answered the right bytes and compressed where it
// should; 1 when one answered wrong bytes or identity where it should compress
// (both are listed); 2 on bad usage.
import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { COMPRESSION_DIR, makeCompressionFixtures } from './fixtures/make.mjs'
import { checkCompressionGoals, printSizeTable, sizeRows } from './lib/compression-report.mjs'
import { portFree, sleep, startServer, stopServer, waitForPort } from './lib/proc.mjs'
import { table } from './lib/report.mjs'
import { ensureBinary, ensureNodeModules, which } from './lib/setup.mjs'
import { compressionTargets, targetByName, unavailable } from './lib/targets.mjs'
import { verifyEncodings } from './lib/verify-encodings.mjs'

const BENCH = fileURLToPath(new URL('./', import.meta.url))
const REPO = fileURLToPath(new URL('../', import.meta.url))
const log = (s = '') => process.stdout.write(`${s}\n`)
const die = (msg) => {
  process.stderr.write(`verify-encodings: ${msg}\n`)
  process.exit(2)
}

function parseArgs(argv) {
  const o = { targets: null, root: null, install: true, portBase: 21000 }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const val = () => argv[++i] ?? die(`${a} needs a value`)
    if (a === '--targets') o.targets = val().split(',').map((s) => s.trim()).filter(Boolean)
    else if (a === '--root') o.root = val()
    else if (a === '--no-install') o.install = false
    else if (a === '--port-base') o.portBase = Number(val())
    else if (a === '-h' || a === '--help') {
      log('Usage: node bench/verify-encodings.mjs [--targets a,b] [--root DIR] [--no-install] [--port-base N]')
      process.exit(0)
    } else die(`unknown option ${a}`)
  }
  return o
}

/** Every file under dir, by path relative to it. */
function readTree(dir) {
  const out = {}
  for (const d of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!d.isFile()) continue
    const path = join(d.parentPath ?? d.path, d.name)
    out[relative(dir, path).split('\\').join('/')] = readFileSync(path)
  }
  return out
}

async function freePort(start) {
  for (let p = start; p < start + 200; p++) if (await portFree(p)) return p
  throw new Error(`no free port in ${start}..${start + 199}`)
}

async function main() {
  const o = parseArgs(process.argv.slice(2))
  for (const n of o.targets ?? []) if (!targetByName(n)) die(`unknown target ${n}`)
  const wanted = o.targets ? o.targets.map(targetByName) : compressionTargets()
  const say = (s) => log(`setup: ${s}`)
  if (o.install && wanted.some((t) => t.npm)) await ensureNodeModules(BENCH, say)
  if (o.install && wanted.some((t) => t.bin === 'nginx')) await ensureBinary('nginx', 'nginx-light', say)
  const root = o.root ?? COMPRESSION_DIR
  if (!o.root) makeCompressionFixtures(root)
  const files = readTree(root)

  const results = {}
  const measured = []
  let bad = 0
  let port = o.portBase
  for (const t of wanted) {
    const why = unavailable(t, { repo: REPO, bench: BENCH, which })
    if (why) {
      log(`skip ${t.name}: ${why}`)
      continue
    }
    port = await freePort(port + 1)
    const server = startServer({ cmd: t.cmd, env: { ...t.env, PORT: String(port), ROOT: root, NODE_ENV: 'production' }, cwd: BENCH, cpuList: null })
    try {
      if (!(await waitForPort(port, 10_000, server.isRunning))) {
        await sleep(100)
        const out = server.output().split('\n')
        log(`${t.name}: FAILED: did not listen: ${(out.find((l) => /^\s*\w*Error: /.test(l)) ?? out.find((l) => /Error\b/.test(l)))?.trim() ?? out.slice(-3).join(' | ')}`)
        bad++
        continue
      }
      const enc = await verifyEncodings(port, files, { expect: t.compression ?? null })
      results[t.name] = enc
      measured.push(t)
      const codings = Object.entries(enc.coding).map(([p, c]) => `${p} ${c}`).join(', ')
      log(`${t.name}: ${enc.ok ? 'ok' : 'FAILED'}; ${codings || 'no coding'}${t.compression ? ` (expected ${t.compression})` : ' (does not compress, by design)'}`)
      for (const f of enc.failures) log(`  - FAILED: ${f}`)
      for (const [p, w] of Object.entries(enc.notTimed)) log(`  - NOT COMPRESSED: ${p}: ${w}`)
      for (const n of enc.notes) log(`  - note: ${n}`)
      if (!enc.ok || Object.keys(enc.notTimed).length) bad++
    } finally {
      await stopServer(server)
      t.cleanup?.(port)
    }
  }
  if (measured.length === 0) {
    log('no target could be checked')
    process.exit(1)
  }

  const rows = sizeRows(results, measured)
  printSizeTable(rows, log)
  const rounds = [{ targets: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { verdict: { encodings: v } }])) }]
  for (const t of measured.filter((x) => x.ours)) {
    const goals = checkCompressionGoals(t, rounds, {}, results, [])
    log()
    log(`### Size goals (issue 11) for ${t.name}`)
    log()
    log(table(['goal', '>value', 'pass'], goals.map((g) => [g.goal, g.value, g.pass === null ? 'n/a' : g.pass ? 'yes' : 'NO'])))
  }
  log()
  log(bad ? `${bad} target(s) answered wrong bytes, failed to start, or did not compress where they should (above)` : 'every target answered the right bytes and compressed where it should')
  process.exit(bad ? 1 : 0)
}

main().catch((e) => {
  process.stderr.write(`verify-encodings: ${e.stack ?? e}\n`)
  process.exit(1)
})
