#!/usr/bin/env node
// Memory-cache cost: what one small file costs tinyhttp-cli's memory once it is served from memory.
// Starts the built CLI on a folder of N text files of S bytes (random words: compresses about as
// HTML does), asks every file twice with `Accept-Encoding: br, gzip` on one keep-alive connection (so
// the file and its compressed variants are in memory), waits, reads the server's RSS. The same with
// N/2 files: KB per file = (RSS(N) − RSS(N/2)) ÷ (N/2), a slope, so the fixed costs (the heap's young
// generation, code) cancel out. With and without --compress (the CLI's default keeps br and gzip copies
// of every compressible file ≥ 1 KiB). The cache's budget (tinyhttp-static's default, 64 MiB, which the
// CLI keeps) counts body bytes only (identity + variants, computed here with zlib), not the rest of a
// file's cost. docs/SCALING.md quotes it.
//
//   node bench/cache-memory.mjs [--files N] [--size BYTES] [--rounds R]
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'

const CLI = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url))
const args = process.argv.slice(2)
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? Number(args[i + 1]) : fallback
}
const FILES = opt('files', 4000)
const SIZE = opt('size', 2048)
const ROUNDS = opt('rounds', 3)
const sleep = ms => new Promise(r => setTimeout(r, ms))
const WORDS = 'the of and to in is you that it he was for on are as with his they at be this from have or one had by word but not what all were we when your can said there use an each which she do how their if will up other about out many then them these so some her would make like him into time has look two more write go see number no way could people my than first water been call who oil its now find long down day did get come made may part'.split(' ')

function site(n) {
  const dir = mkdtempSync(join(tmpdir(), 'tinyhttp-cache-memory-'))
  let seed = 12345
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % WORDS.length)
  for (let i = 0; i < n; i++) {
    let text = `<!doctype html><title>page ${i}</title>\n<p>`
    while (text.length < SIZE - 8) text += `${WORDS[rand()]} `
    writeFileSync(join(dir, `page-${i}.html`), `${text.slice(0, SIZE - 5)}</p>\n`)
  }
  return dir
}

function rssKb(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1])
}

async function start(dir, extra) {
  const child = spawn(process.execPath, [CLI, dir, '--port', '0', '-q', '--no-config', ...extra], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } })
  let out = ''
  for await (const chunk of child.stdout) {
    out += chunk
    const m = /Local:\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(out)
    if (m) return { child, port: Number(m[1]) }
  }
  throw new Error(`the CLI did not start: ${out}`)
}

/** GETs every path once, in order, on one keep-alive connection; resolves with the bytes read. */
function getAll(port, paths) {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' })
    let i = 0
    let buf = Buffer.alloc(0)
    let total = 0
    const next = () => {
      if (i === paths.length) return socket.end(), resolve(total)
      socket.write(`GET ${paths[i++]} HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: br, gzip\r\n\r\n`)
    }
    socket.on('error', reject)
    socket.on('data', chunk => {
      buf = Buffer.concat([buf, chunk])
      for (;;) {
        const end = buf.indexOf('\r\n\r\n')
        if (end < 0) return
        const len = Number(/content-length:\s*(\d+)/i.exec(buf.subarray(0, end).toString())?.[1] ?? 0)
        if (buf.length < end + 4 + len) return
        total += len
        buf = buf.subarray(end + 4 + len)
        next()
      }
    })
    socket.on('connect', next)
  })
}

async function measure(dir, n, extra) {
  const { child, port } = await start(dir, extra)
  try {
    await sleep(2000) // start-up work (compression jobs) settles
    const paths = Array.from({ length: n }, (_, i) => `/page-${i}.html`)
    await getAll(port, paths) // first pass: files read, variants made
    await sleep(n > 1 ? 3000 : 500)
    const bytes = await getAll(port, paths) // second pass: served from memory
    await sleep(1000)
    return { rss: rssKb(child.pid), bytes }
  } finally {
    child.kill('SIGTERM')
    await new Promise(r => child.once('exit', r))
  }
}

const big = site(FILES)
const half = site(FILES / 2)
let variantBytes = 0
for (let i = 0; i < FILES; i++) {
  const body = readFileSync(join(big, `page-${i}.html`))
  variantBytes += brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length + gzipSync(body, { level: 9 }).length
}
console.log(`cache memory: ${FILES} and ${FILES / 2} files of ${SIZE} B (random words), ${ROUNDS} round(s), node ${process.version}`)
try {
  for (const [label, extra, cached] of [['compress (default)', [], SIZE + variantBytes / FILES], ['--no-compress', ['--no-compress'], SIZE]]) {
    const per = []
    let sent = 0
    for (let r = 0; r < ROUNDS; r++) {
      const low = await measure(half, FILES / 2, extra)
      const high = await measure(big, FILES, extra)
      sent = high.bytes
      per.push((high.rss - low.rss) / (FILES / 2))
    }
    per.sort((a, b) => a - b)
    const kb = per[Math.floor(per.length / 2)]
    console.log(`${label}: ${kb.toFixed(2)} KB of RSS per file (median slope; rounds ${per.map(x => x.toFixed(2)).join(', ')}) = ${Math.floor((1024 * 1024) / kb)} files per GiB; the 64 MiB budget holds ${Math.floor((64 << 20) / cached)} such files (${cached.toFixed(0)} B of bodies each); ${(sent / FILES).toFixed(0)} B per answer`)
  }
} finally {
  for (const dir of [big, half]) rmSync(dir, { recursive: true, force: true })
}
