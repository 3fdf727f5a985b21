/**
 * The live-reload script tag `--dev` puts into HTML documents, and where it goes.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { DEV_CLIENT_SOURCE } from './client.js'

/**
 * The URL path of the live-reload script (served by the dev middleware, never a file of the root).
 *
 * @example `fetch(origin + DEV_SCRIPT_PATH)`
 */
export const DEV_SCRIPT_PATH = '/__tinyhttp/dev.js'
/**
 * The URL path of the live-reload WebSocket.
 *
 * @example `new WebSocket('ws://127.0.0.1:7878' + DEV_SOCKET_PATH)`
 */
export const DEV_SOCKET_PATH = '/__tinyhttp/dev'

/**
 * The CSP hash-source of the client script (`'sha256-…'`), the same value as the tag's `integrity`:
 * a policy with `'strict-dynamic'` (which ignores URL sources) allows the script by it.
 *
 * @example
 * ```ts
 * DEV_SCRIPT_HASH // "'sha256-…'"
 * ```
 */
export const DEV_SCRIPT_HASH = `'sha256-${createHash('sha256').update(DEV_CLIENT_SOURCE).digest('base64')}'`

/**
 * The tag injected: an external script (no inline code, so no `'unsafe-inline'` is ever needed) with
 * its Subresource Integrity hash.
 *
 * @example
 * ```ts
 * DEV_SCRIPT_TAG // '<script src="/__tinyhttp/dev.js" integrity="sha256-…"></script>'
 * ```
 */
export const DEV_SCRIPT_TAG = `<script src="${DEV_SCRIPT_PATH}" integrity="${DEV_SCRIPT_HASH.slice(1, -1)}"></script>`

const TAG_BYTES = Buffer.from(DEV_SCRIPT_TAG, 'latin1')

/** Index of the first `needle` (lower-case ASCII) in `bytes`, ASCII case-insensitively; -1 when absent. */
function indexOfTag(bytes: Buffer, needle: string, last: boolean): number {
  // latin1 keeps one character per byte, so indices are byte offsets whatever the encoding (UTF-8 included).
  const text = bytes.toString('latin1').toLowerCase()
  return last ? text.lastIndexOf(needle) : text.indexOf(needle)
}

/**
 * Puts {@link DEV_SCRIPT_TAG} into an HTML document: just before the first `</head>`, else before the
 * last `</body>`, else at the end. Tags are found ASCII case-insensitively on the bytes, so any
 * ASCII-compatible encoding (UTF-8, Latin-1…) is kept byte for byte around the tag. A document that
 * already has the tag is returned unchanged (the transform is idempotent).
 *
 * @param html - the document's bytes
 * @returns new bytes with the tag
 * @example
 * ```ts
 * injectDevScript(Buffer.from('<html><head></head><body>hi</body></html>')).toString()
 * // '<html><head><script src="/__tinyhttp/dev.js" integrity="sha256-…"></script></head><body>hi</body></html>'
 * ```
 */
export function injectDevScript(html: Buffer): Buffer {
  if (html.includes(TAG_BYTES)) return html
  let at = indexOfTag(html, '</head>', false)
  if (at < 0) at = indexOfTag(html, '</body>', true)
  if (at < 0) return Buffer.concat([html, TAG_BYTES])
  return Buffer.concat([html.subarray(0, at), TAG_BYTES, html.subarray(at)])
}
