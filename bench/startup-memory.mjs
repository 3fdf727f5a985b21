#!/usr/bin/env node
// Start-up memory of the CLI: for each flag set, start `node packages/cli/dist/bin.js <fixtures> --port P
// --host 127.0.0.1 --quiet <flags>`, wait for the port, sleep 2 s, read VmRSS and RssAnon of the process
// that listens, stop it, and count the modules it loaded per package (test/helpers/loaded-modules.mjs
// preloaded: the inspector's script list at exit). node-http-mem is measured the same way for reference.
// Rounds are interleaved; medians are printed. A memory reading: no lock needed. See bench/README.md.
//
//   node bench/startup-memory.mjs [--rounds N] [--flags='--listing --isolate' ...]   (the default run is always measured)
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { FIXTURES_DIR, makeFixtures } from './fixtures/make.mjs'
import { portFree, sleep, startServer, stopServer, waitForPort } from './lib/proc.mjs'
import { median } from './lib/stats.mjs'

const REPO = fileURLToPath(new URL('../', import.meta.url))
const BIN = join(REPO, 'packages/cli/dist/bin.js')
const HOOK = pathToFileURL(join(REPO, 'test/helpers/loaded-modules.mjs')).href
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, flags: { type: 'string', multiple: true, default: [] } } })
const rounds = Number(values.rounds)
const temp = mkdtempSync(join(tmpdir(), 'tinyhttp-startup-'))
makeFixtures()

const kB = (status, key) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN)

/** Starts one server, reads its memory after 2 s, stops it; returns MB and modules per package. */
async function measure(name, cmd, env, port) {
  const out = join(temp, `${name.replace(/\W+/g, '_')}-${port}.json`)
  const server = startServer({ cmd, env: { ...env, PORT: String(port), ROOT: FIXTURES_DIR, HOST: '127.0.0.1', NODE_OPTIONS: `--import=${HOOK}`, LOADED_MODULES_OUT: out }, cwd: REPO, cpuList: null })
  await waitForPort(port, 10_000, server.isRunning)
  await sleep(2000)
  const status = readFileSync(`/proc/${server.pid}/status`, 'latin1')
  await stopServer(server, 10_000) // --admin keeps its listeners 5 s (--drain-delay) before it exits
  const packages = {}
  // A process that dies of SIGTERM (node-http-mem has no handler) runs no exit listener: no list then.
  for (const url of existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : []) {
    const m = /\/packages\/([^/]+)\/dist\//.exec(url)
    if (m !== null) packages[m[1]] = (packages[m[1]] ?? 0) + 1
  }
  return { rss: kB(status, 'VmRSS') / 1024, anon: kB(status, 'RssAnon') / 1024, packages }
}

const runs = [
  ...['', ...values.flags].map(f => ({ name: `tinyhttp-cli ${f}`.trim(), cmd: ['node', BIN, FIXTURES_DIR, '--port', 'PORT', '--host', '127.0.0.1', '--quiet', ...f.split(' ').filter(Boolean)] })),
  { name: 'node-http-mem', cmd: ['node', join(REPO, 'bench/peers/node-http-mem.mjs')] },
]
const results = new Map(runs.map(r => [r.name, []]))
let port = 21500
for (let round = 0; round < rounds; round++) {
  for (const r of runs) {
    while (!(await portFree(port))) port++
    const cmd = r.cmd.map(a => (a === 'PORT' ? String(port) : a))
    results.get(r.name).push(await measure(r.name, cmd, {}, port))
    port++
  }
}
rmSync(temp, { recursive: true, force: true })
console.log(`idle after 2 s, median of ${rounds} interleaved rounds (node ${process.version})`)
for (const [name, list] of results) {
  const pk = list[0].packages
  const total = Object.values(pk).reduce((a, b) => a + b, 0)
  const mods = Object.entries(pk).sort((a, b) => b[1] - a[1]).map(([p, n]) => `${p} ${n}`).join(', ')
  console.log(`${name.padEnd(40)} VmRSS ${median(list.map(x => x.rss)).toFixed(1)} MB  RssAnon ${median(list.map(x => x.anon)).toFixed(1)} MB  ${total ? `${total} modules (${mods})` : ''}`)
}
