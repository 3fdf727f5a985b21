// Cost of tinyhttp-listing's work, without a socket: building the folder index from a table of 2500
// files, and rendering one 1000-entry page (HTML by name, HTML by size descending, JSON), then the same
// request through the middleware twice (the second answered from its memo of rendered bodies).
// Prints timings; asserts nothing.
//
//   npx tsc -b && node packages/listing/bench/render.mjs
import { createApp } from 'tinyhttp-core'
import { buildFolderIndex, listing, pageOf, readView, renderHtml, renderJson } from '../dist/index.js'

const FILES = 2500
const files = Array.from({ length: FILES }, (_, i) => ({ urlPath: `/many/f${String(i).padStart(4, '0')}.txt`, size: i, mtimeMs: 1e12 + i }))

const micros = (start, runs) => (Number(process.hrtime.bigint() - start) / runs / 1e3).toFixed(0)

let t = process.hrtime.bigint()
let index
for (let i = 0; i < 100; i++) index = buildFolderIndex(files, 'index.html')
console.log(`buildFolderIndex, ${FILES} files: ${micros(t, 100)} µs`)

const folder = index.get('/many/')
const byName = readView(new URLSearchParams(''), undefined)
const bySize = readView(new URLSearchParams('sort=size&order=desc'), undefined)
for (const [name, view, render] of [
  ['HTML, name', byName, renderHtml],
  ['HTML, size desc', bySize, renderHtml],
  ['JSON, name', { ...byName, format: 'json' }, renderJson],
]) {
  for (let i = 0; i < 20; i++) render('/many/', pageOf(folder.entries, view, 1000), view)
  t = process.hrtime.bigint()
  let length = 0
  for (let i = 0; i < 200; i++) length = render('/many/', pageOf(folder.entries, view, 1000), view).length
  console.log(`render ${name}, 1000-entry page: ${micros(t, 200)} µs (${length} characters)`)
}

const app = createApp()
app.use(listing({ report: { allowed: files } }))
const ask = () => app.inject({ target: '/many/', headers: { Host: 'x' } })
t = process.hrtime.bigint()
await ask()
console.log(`first request through the middleware (index + render): ${micros(t, 1)} µs`)
for (let i = 0; i < 20; i++) await ask()
t = process.hrtime.bigint()
for (let i = 0; i < 200; i++) await ask()
console.log(`repeat request (memo hit, app.inject round trip included): ${micros(t, 200)} µs`)
