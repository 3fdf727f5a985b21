// Upper bound for a Node server: bare node:net writing a canned response for
// /index.html. It parses just enough to split pipelined requests on CRLFCRLF
// (requests have no body), answers each, and writes all answers of one read
// in one write. HEAD gets the head only; `Connection: close` is honoured.
// Anything else gets an empty 404. No ETag/304, no other files: by design.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { HOST, PORT, ROOT } from './env.mjs'

const body = readFileSync(join(ROOT, 'index.html'))
const head = (conn) =>
  Buffer.from(
    'HTTP/1.1 200 OK\r\n' +
      'Content-Type: text/html; charset=utf-8\r\n' +
      `Content-Length: ${body.length}\r\n` +
      'Access-Control-Allow-Origin: *\r\n' +
      `Connection: ${conn}\r\n\r\n`,
  )
const R = {
  getKeep: Buffer.concat([head('keep-alive'), body]),
  getClose: Buffer.concat([head('close'), body]),
  headKeep: head('keep-alive'),
  headClose: head('close'),
  notFound: Buffer.from('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nAccess-Control-Allow-Origin: *\r\n\r\n'),
}
const CLOSE = /\r\nconnection:[ \t]*close/i

createServer({ noDelay: true }, (socket) => {
  let pending = ''
  socket.on('error', () => socket.destroy())
  socket.on('data', (chunk) => {
    pending += chunk.toString('latin1')
    const out = []
    let closing = false
    let end
    while ((end = pending.indexOf('\r\n\r\n')) !== -1) {
      const req = pending.slice(0, end)
      pending = pending.slice(end + 4)
      closing = CLOSE.test(req)
      if (req.startsWith('GET /index.html ')) out.push(closing ? R.getClose : R.getKeep)
      else if (req.startsWith('HEAD /index.html ')) out.push(closing ? R.headClose : R.headKeep)
      else out.push(R.notFound)
      if (closing) break
    }
    if (pending.length > 65_536) return socket.destroy()
    if (out.length === 0) return
    const buf = out.length === 1 ? out[0] : Buffer.concat(out)
    if (closing) socket.end(buf)
    else socket.write(buf)
  })
}).listen(PORT, HOST)
