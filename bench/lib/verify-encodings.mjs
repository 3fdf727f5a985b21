// Compression checks, run before any compression scenario is timed (and alone by
// bench/verify-encodings.mjs): every URL the compression run uses is fetched with
// `Accept-Encoding: gzip, br` and without it, over raw sockets. The encoded body is
// decoded with node:zlib and must equal the file; the identity answer must carry no
// Content-Encoding. A target that answers identity where it should compress is
// reported as such (its compressed scenarios are not timed), never timed as if it
// compressed. The bytes each answer took on the wire feed the size table.
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib'
import { Conn, request } from './http-client.mjs'

/** What the compressed scenarios send: what browsers send over plain HTTP, plus br. */
export const ACCEPT = 'gzip, br'
/** The codings a response to ACCEPT may carry (identity = no Content-Encoding). */
const ACCEPTABLE = new Set(['gzip', 'x-gzip', 'br', 'identity'])

/** The URLs of the compressed scenarios: every compressing target must compress them. */
export const ENCODED_PATHS = ['/app.js', '/index.html']
/** For each of them, the file of the same size as its brotli 11 output (identity of the same wire size). */
export const SAME_SIZE_PATHS = { '/app.js': '/app.br-size.js', '/index.html': '/index.br-size.html' }
/** Pages whose total bytes on the wire (compressed vs identity) the size table shows. */
export const SITES = {
  'bench page': ['/index.html', '/style.css', '/app.js'],
  demo: ['/demo/index.html', '/demo/style.css', '/demo/cors.html', '/demo/data.json'],
}

const CHECK_TIMEOUT_MS = 5000
/** Poll interval while a target makes a variant in the background (ours: first request → identity). */
const READY_POLL_MS = 100
/** Wait before asking again for the other URLs a compressing target answered identity. */
const LATE_RECHECK_MS = 300

/**
 * @typedef {object} Answer
 * @property {number} status
 * @property {string} coding - Content-Encoding, lower-cased; 'identity' when absent
 * @property {number} wire - bytes on the wire (head + body)
 * @property {number} body - body bytes as sent (encoded)
 * @property {string|null} etag
 * @property {string|null} vary
 */

/**
 * @typedef {object} EncodingsVerdict
 * @property {boolean} ok - no wrong bytes, no unacceptable coding, every required URL answered 200
 * @property {string[]} failures
 * @property {string[]} notes - non-fatal: missing Vary, the same ETag on two representations, …
 * @property {Record<string, string>} coding - ENCODED_PATHS → the coding of the answer to ACCEPT (after warm-up)
 * @property {Record<string, string>} notTimed - ENCODED_PATHS this target should have compressed and did not → why
 * @property {Record<string, { z: Answer|null, id: Answer|null }>} sizes - every URL checked
 * @property {Record<string, number>} readyAfterMs - URLs first answered identity, then compressed after this long
 */

/**
 * Decodes a body by its Content-Encoding.
 * @param {string} coding
 * @param {Buffer} body
 * @returns {Buffer}
 */
export function decode(coding, body) {
  switch (coding) {
    case 'identity':
      return body
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body)
    case 'br':
      return brotliDecompressSync(body)
    case 'deflate':
      try {
        return inflateSync(body)
      } catch {
        return inflateRawSync(body)
      }
    default:
      throw new Error(`unknown coding ${coding}`)
  }
}

/** The answer's facts for the size table. */
function answerOf(res) {
  return {
    status: res.status,
    coding: (res.headers['content-encoding'] ?? 'identity').trim().toLowerCase() || 'identity',
    wire: res.wire,
    body: res.body.length,
    etag: res.headers.etag ?? null,
    vary: res.headers.vary ?? null,
  }
}

const variesOnEncoding = (vary) => vary !== null && /(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(vary)

/**
 * Fetches `path` twice on one keep-alive connection (without Accept-Encoding, then with ACCEPT)
 * and checks both answers against the file.
 * @returns {Promise<{ id: Answer, z: Answer }>}
 */
async function fetchBoth(port, path, bytes) {
  const c = new Conn(port, CHECK_TIMEOUT_MS)
  try {
    await c.send(request('GET', path, port))
    const idRes = await c.read()
    await c.send(request('GET', path, port, { 'Accept-Encoding': ACCEPT }))
    const zRes = await c.read()
    const id = answerOf(idRes)
    const z = answerOf(zRes)
    if (id.status === 200) {
      if (id.coding !== 'identity') throw new Error(`GET ${path} without Accept-Encoding: Content-Encoding ${id.coding} (must be identity)`)
      if (!idRes.body.equals(bytes)) throw new Error(`GET ${path} without Accept-Encoding: body ${idRes.body.length} B differs from the file (${bytes.length} B)`)
    }
    if (z.status === 200) {
      if (!ACCEPTABLE.has(z.coding)) throw new Error(`GET ${path} with Accept-Encoding: ${ACCEPT}: Content-Encoding ${z.coding}, which the client did not accept`)
      let decoded
      try {
        decoded = decode(z.coding, zRes.body)
      } catch (e) {
        throw new Error(`GET ${path} (${z.coding}): the body does not decode: ${e.message}`)
      }
      if (!decoded.equals(bytes)) throw new Error(`GET ${path} (${z.coding}): decoded body ${decoded.length} B differs from the file (${bytes.length} B)`)
      const cl = zRes.headers['content-length']
      if (cl !== undefined && Number(cl) !== zRes.body.length) throw new Error(`GET ${path} (${z.coding}): Content-Length ${cl}, body ${zRes.body.length} B`)
    }
    return { id, z }
  } finally {
    c.close()
  }
}

/**
 * Runs the compression checks against 127.0.0.1:port.
 * @param {number} port
 * @param {Record<string, Buffer>} files - fixture name (relative to the root) → bytes
 * @param {{ expect?: string|null, readyTimeoutMs?: number }} [opts] - expect: the coding the target
 *   should answer to ACCEPT for ENCODED_PATHS (null/undefined: it does not compress, by design);
 *   readyTimeoutMs: how long to wait for a variant made in the background (default 5000)
 * @returns {Promise<EncodingsVerdict>}
 */
export async function verifyEncodings(port, files, opts = {}) {
  const expect = opts.expect ?? null
  const readyTimeoutMs = opts.readyTimeoutMs ?? 5000
  const failures = []
  const notes = []
  const sizes = {}
  const coding = {}
  const notTimed = {}
  const readyAfterMs = {}
  /** Observations by kind → URLs, printed as one note per kind. */
  const seen = { sameEtag: [], noVaryZ: [], noVaryId: [], notFound: [] }
  /** Headers worth a note on a compressed answer and its identity sibling. */
  const observe = (path, { id, z }) => {
    if (z.coding === 'identity') return
    if (!variesOnEncoding(z.vary)) seen.noVaryZ.push(path)
    if (z.etag && z.etag === id.etag) seen.sameEtag.push(path)
    if (!variesOnEncoding(id.vary)) seen.noVaryId.push(path)
  }
  const required = new Set([...ENCODED_PATHS, ...ENCODED_PATHS.map((p) => SAME_SIZE_PATHS[p])])
  const paths = [...new Set([...required, ...Object.values(SITES).flat()])]

  // A target that makes its variants in the background makes them at the first request for a file:
  // one request for every URL first, so that the sizes below are the steady state, not the first answer.
  if (expect) for (const path of paths) if (files[path.slice(1)]) await fetchBoth(port, path, files[path.slice(1)]).catch(() => {})

  for (const path of paths) {
    const bytes = files[path.slice(1)]
    if (!bytes) {
      if (required.has(path)) failures.push(`${path}: not in the fixtures`)
      continue
    }
    let answers
    try {
      answers = await fetchBoth(port, path, bytes)
      const t0 = Date.now()
      // A target that makes its variants in the background answers identity until one is ready.
      while (expect && ENCODED_PATHS.includes(path) && answers.z.status === 200 && answers.z.coding !== expect && Date.now() - t0 < readyTimeoutMs) {
        await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS))
        const first = answers.z.coding
        answers = await fetchBoth(port, path, bytes)
        if (first === 'identity' && answers.z.coding !== 'identity') readyAfterMs[path] = Date.now() - t0
      }
    } catch (e) {
      failures.push(e.message)
      sizes[path] = { z: null, id: null }
      continue
    }
    sizes[path] = answers
    const { id, z } = answers
    if (id.status !== 200 || z.status !== 200) {
      if (required.has(path)) failures.push(`${path}: status ${id.status} without Accept-Encoding, ${z.status} with it`)
      else seen.notFound.push(`${path} (${id.status}/${z.status})`)
      continue
    }
    observe(path, answers)
    if (!ENCODED_PATHS.includes(path)) continue
    coding[path] = z.coding
    if (!expect) continue
    if (z.coding === 'identity') {
      notTimed[path] = `answered identity to Accept-Encoding: ${ACCEPT} (expected ${expect}${readyTimeoutMs > 0 ? ` within ${readyTimeoutMs} ms` : ''}): not timed`
    } else if (z.coding !== expect) {
      notes.push(`${path}: answered ${z.coding} to Accept-Encoding: ${ACCEPT} (expected ${expect})`)
    }
  }
  // Other URLs answered identity by a compressing target: asked once more a moment later (a variant
  // still being made); a small or incompressible file stays identity, and that is what is recorded.
  const late = expect ? paths.filter((p) => !ENCODED_PATHS.includes(p) && sizes[p]?.z?.status === 200 && sizes[p].z.coding === 'identity') : []
  if (late.length) {
    await new Promise((resolve) => setTimeout(resolve, LATE_RECHECK_MS))
    for (const path of late) {
      const again = await fetchBoth(port, path, files[path.slice(1)]).catch((e) => {
        failures.push(e.message)
        return null
      })
      if (again && again.z.coding !== 'identity') {
        sizes[path] = again
        observe(path, again)
        notes.push(`${path}: identity at first, ${again.z.coding} ${LATE_RECHECK_MS} ms later`)
      }
    }
  }
  const list = (xs) => xs.join(', ')
  if (seen.notFound.length) notes.push(`not served (status without/with Accept-Encoding): ${list(seen.notFound)}`)
  if (seen.sameEtag.length) notes.push(`the same ETag on the compressed and the identity bytes (RFC 9110 §8.8.3): ${list(seen.sameEtag)}`)
  if (seen.noVaryZ.length) notes.push(`compressed answer without Vary: Accept-Encoding: ${list(seen.noVaryZ)}`)
  if (seen.noVaryId.length) notes.push(`identity answer of a resource it compresses without Vary: Accept-Encoding: ${list(seen.noVaryId)}`)
  for (const [path, ms] of Object.entries(readyAfterMs)) notes.push(`${path}: identity at first, ${coding[path]} after ${ms} ms (variant made in the background)`)
  return { ok: failures.length === 0, failures, notes, coding, notTimed, sizes, readyAfterMs }
}

/**
 * Bytes on the wire of a set of URLs, compressed (answers to ACCEPT) and identity.
 * @param {EncodingsVerdict['sizes']} sizes
 * @param {string[]} paths
 * @returns {{ z: number, id: number, ratio: number } | null} null when a URL was not answered 200
 */
export function siteBytes(sizes, paths) {
  let z = 0
  let id = 0
  for (const p of paths) {
    const s = sizes?.[p]
    if (!s?.z || !s?.id || s.z.status !== 200 || s.id.status !== 200) return null
    z += s.z.wire
    id += s.id.wire
  }
  return { z, id, ratio: id > 0 ? z / id : NaN }
}
