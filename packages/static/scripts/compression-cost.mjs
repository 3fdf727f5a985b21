// One-time cost of compressing a file at each quality static considers, and the per-request cost of
// stream-compressing it at gzip level 1 (what serving big files compressed would cost every time).
// Usage: node packages/static/scripts/compression-cost.mjs <file> [<file>…]
// Numbers in packages/static/README.md ("Compression") and src/encode.ts come from this script.
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import zlib from 'node:zlib'

const br = promisify(zlib.brotliCompress)
const gz = promisify(zlib.gzip)

async function time(label, run, times = 1) {
  const cpu = process.cpuUsage()
  let out
  for (let i = 0; i < times; i++) out = await run()
  const used = process.cpuUsage(cpu)
  console.log(`  ${label}: ${out.length} B, cpu ${((used.user + used.system) / 1000 / times).toFixed(1)} ms`)
}

function streamGzip1(buf) {
  return new Promise(resolve => {
    const z = zlib.createGzip({ level: 1 })
    let length = 0
    z.on('data', chunk => (length += chunk.length))
    z.on('end', () => resolve({ length }))
    for (let o = 0; o < buf.length; o += 65536) z.write(buf.subarray(o, o + 65536))
    z.end()
  })
}

for (const file of process.argv.slice(2)) {
  const buf = readFileSync(file)
  console.log(`${file}: ${buf.length} B`)
  const c = zlib.constants
  for (const q of [11, 9, 5]) {
    await time(`br ${q}`, () => br(buf, { params: { [c.BROTLI_PARAM_QUALITY]: q, [c.BROTLI_PARAM_SIZE_HINT]: buf.length, [c.BROTLI_PARAM_MODE]: c.BROTLI_MODE_TEXT } }))
  }
  await time('gzip 9', () => gz(buf, { level: 9 }))
  await time('gzip 1, streamed in 64 KiB chunks (per request)', () => streamGzip1(buf), 10)
}
