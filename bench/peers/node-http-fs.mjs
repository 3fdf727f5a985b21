// node:http + fs.readFile per request (what a naive server does). No ETag, no 304.
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { extname, join } from 'node:path'
import { HOST, PORT, ROOT, TYPES } from './env.mjs'

const server = createServer(async (req, res) => {
  const q = req.url.indexOf('?')
  let path = decodeURIComponent(q === -1 ? req.url : req.url.slice(0, q))
  if (path === '/') path = '/index.html'
  if (path.includes('..') || path.includes('\0') || path.includes('/.')) {
    res.writeHead(403, { 'Content-Length': 0, 'Access-Control-Allow-Origin': '*' })
    return res.end()
  }
  try {
    const body = await readFile(join(ROOT, path))
    res.writeHead(200, {
      'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Access-Control-Allow-Origin': '*',
    })
    res.end(req.method === 'HEAD' ? undefined : body)
  } catch {
    res.writeHead(404, { 'Content-Length': 0, 'Access-Control-Allow-Origin': '*' })
    res.end()
  }
})
server.keepAliveTimeout = 65_000
server.listen(PORT, HOST)
