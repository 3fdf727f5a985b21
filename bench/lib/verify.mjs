// Correctness checks run against every target before it is measured, in
// every round. A target that fails gets no numbers for that round: nobody
// wins by answering wrong.
import { Conn, request } from './http-client.mjs'

/**
 * @typedef {object} Verdict
 * @property {boolean} ok - every required check passed
 * @property {string[]} failures - why not
 * @property {string|null} etag - the ETag of /index.html (for the cond scenario)
 * @property {boolean} supports304 - If-None-Match with that ETag gives 304
 * @property {string[]} notes - non-fatal observations
 * @property {Record<string, string>} indexHeaders - headers of GET /index.html
 */

const CHECK_TIMEOUT_MS = 5000

/**
 * @param {number} port
 * @param {Record<string, Buffer>} files - fixture name → expected bytes
 * @param {{ indexOnly?: boolean }} [opts] - the target serves /index.html only (raw-net)
 * @returns {Promise<Verdict>}
 */
export async function verifyTarget(port, files, opts = {}) {
  const failures = []
  const notes = []
  let etag = null
  let supports304 = false
  let indexHeaders = {}
  const index = files['index.html']

  /** Runs one named check; an exception is a failure. */
  const check = async (name, fn) => {
    const conns = []
    const open = () => {
      const c = new Conn(port, CHECK_TIMEOUT_MS)
      conns.push(c)
      return c
    }
    try {
      await fn(open)
    } catch (e) {
      failures.push(`${name}: ${e.message}`)
    } finally {
      for (const c of conns) c.close()
    }
  }
  const expectBody = (res, bytes, what) => {
    if (res.status !== 200) throw new Error(`${what}: status ${res.status}, expected 200`)
    if (!res.body.equals(bytes)) throw new Error(`${what}: body ${res.body.length} B differs from the file (${bytes.length} B)`)
  }
  const expectCors = (res, what) => {
    if (res.headers['access-control-allow-origin'] !== '*')
      throw new Error(`${what}: Access-Control-Allow-Origin is ${JSON.stringify(res.headers['access-control-allow-origin'] ?? null)}, expected "*"`)
  }

  await check('GET /index.html + keep-alive reuse', async (open) => {
    const c = open()
    await c.send(request('GET', '/index.html', port))
    const a = await c.read()
    expectBody(a, index, 'GET /index.html')
    const ct = a.headers['content-type'] ?? ''
    if (!/^text\/html/i.test(ct)) throw new Error(`Content-Type ${JSON.stringify(ct)}, expected text/html…`)
    expectCors(a, 'GET /index.html')
    indexHeaders = a.headers
    if (/\bclose\b/i.test(a.headers.connection ?? '')) throw new Error('answered Connection: close to a keep-alive request')
    if (c.leftover) throw new Error(`${c.leftover} unexpected bytes after the response`)
    await c.send(request('GET', '/index.html', port))
    const b = await c.read()
    expectBody(b, index, 'second GET on the same connection')
    etag = a.headers.etag ?? null
  })

  await check('16 pipelined requests', async (open) => {
    const c = open()
    const paths = Array.from({ length: 16 }, (_, i) => (opts.indexOnly || i % 2 === 0 ? 'index.html' : 'style.css'))
    await c.send(paths.map((p) => request('GET', `/${p}`, port)).join(''))
    for (let i = 0; i < paths.length; i++) {
      const r = await c.read()
      expectBody(r, files[paths[i]], `pipelined response ${i + 1}/16 (/${paths[i]})`)
    }
  })

  await check('Connection: close', async (open) => {
    const c = open()
    await c.send(request('GET', '/index.html', port, { Connection: 'close' }))
    const r = await c.read()
    expectBody(r, index, 'GET with Connection: close')
    if (!(await c.waitClosed(2000))) throw new Error('server kept the connection open after Connection: close')
    if (c.leftover) throw new Error(`${c.leftover} unexpected bytes after the response`)
    if (!/\bclose\b/i.test(r.headers.connection ?? '')) notes.push('closes without a Connection: close header')
  })

  await check('HEAD /index.html', async (open) => {
    const c = open()
    // HEAD then GET on one connection: a body after HEAD breaks the next response.
    await c.send(request('HEAD', '/index.html', port) + request('GET', '/index.html', port))
    const h = await c.read({ head: true })
    if (h.status !== 200) throw new Error(`HEAD status ${h.status}`)
    expectCors(h, 'HEAD /index.html')
    const cl = h.headers['content-length']
    if (cl !== undefined && Number(cl) !== index.length) throw new Error(`HEAD Content-Length ${cl}, GET has ${index.length}`)
    const g = await c.read().catch((e) => {
      throw new Error(`the response after HEAD is unreadable (a body after HEAD?): ${e.message}`)
    })
    expectBody(g, index, 'GET after HEAD (HEAD must not carry a body)')
  })

  if (!opts.indexOnly) {
    await check('GET /mid.bin, /big.bin, /style.css', async (open) => {
      const c = open()
      for (const name of ['style.css', 'mid.bin', 'big.bin']) {
        await c.send(request('GET', `/${name}`, port))
        const r = await c.read()
        expectBody(r, files[name], `GET /${name}`)
        expectCors(r, `GET /${name}`)
      }
    })

    if (etag) {
      await check('If-None-Match → 304', async (open) => {
        const c = open()
        await c.send(request('GET', '/index.html', port, { 'If-None-Match': etag }) + request('GET', '/index.html', port))
        const r = await c.read()
        if (r.status === 304) {
          supports304 = true
          const g = await c.read().catch((e) => {
            throw new Error(`the response after 304 is unreadable (a body after 304?): ${e.message}`)
          })
          expectBody(g, index, 'GET after 304 (304 must not carry a body)')
        } else if (r.status === 200) {
          expectBody(r, index, 'GET with If-None-Match')
        } else {
          throw new Error(`If-None-Match gave status ${r.status}`)
        }
      })
    }
  }

  return { ok: failures.length === 0, failures, etag, supports304, notes, indexHeaders }
}
