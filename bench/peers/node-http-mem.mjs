// Reference: node:http answering from memory. Files are read once at start;
// ETag + If-None-Match → 304, Content-Type, Content-Length, CORS header.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { extname, join } from 'node:path'
import { HOST, PORT, ROOT, TYPES } from './env.mjs'

const files = new Map()
for (const name of readdirSync(ROOT)) {
  if (name.startsWith('.') || !statSync(join(ROOT, name)).isFile()) continue
  const body = readFileSync(join(ROOT, name))
  const etag = `"${createHash('sha1').update(body).digest('base64url').slice(0, 27)}"`
  files.set(`/${name}`, {
    body,
    etag,
    headers: {
      'Content-Type': TYPES[extname(name)] ?? 'application/octet-stream',
      'Content-Length': body.length,
      ETag: etag,
      'Access-Control-Allow-Origin': '*',
    },
    notModified: { ETag: etag, 'Access-Control-Allow-Origin': '*' },
  })
}
if (files.has('/index.html')) files.set('/', files.get('/index.html'))

const server = createServer((req, res) => {
  const q = req.url.indexOf('?')
  const f = files.get(q === -1 ? req.url : req.url.slice(0, q))
  if (!f) {
    res.writeHead(404, { 'Content-Length': 0, 'Access-Control-Allow-Origin': '*' })
    return res.end()
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Length': 0, 'Access-Control-Allow-Origin': '*' })
    return res.end()
  }
  if (req.headers['if-none-match'] === f.etag) {
    res.writeHead(304, f.notModified)
    return res.end()
  }
  res.writeHead(200, f.headers)
  res.end(req.method === 'HEAD' ? undefined : f.body)
})
server.keepAliveTimeout = 65_000
server.listen(PORT, HOST)
