/**
 * HTML escaping for text and attribute values.
 *
 * @module
 */

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/**
 * Escapes `&`, `<`, `>`, `"` and `'`, so the result is safe as element text and inside a quoted
 * attribute value (single or double quotes). Other characters (non-ASCII included) are kept: the page is
 * UTF-8.
 *
 * @param text - any string
 * @returns the escaped string
 * @example
 * ```ts
 * escapeHtml(`<script>alert("x") & 'y'</script>`) // '&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;'
 * ```
 */
export function escapeHtml(text: string): string {
  return /[&<>"']/.test(text) ? text.replace(/[&<>"']/g, c => ESCAPES[c]!) : text
}
