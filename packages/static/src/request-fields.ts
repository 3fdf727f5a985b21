/**
 * One pass over the request's raw header pairs collecting the fields static serving looks at.
 *
 * @module
 */

/**
 * The request fields static serving reads (combined values, or undefined when absent).
 *
 * @example
 * ```ts
 * const { range, ifRange } = readRequestFields(ctx.req.headers.raw)
 * ```
 */
export interface RequestFields {
  /** Whether any of the four precondition fields is present. */
  conditional: boolean
  ifMatch: string | undefined
  ifNoneMatch: string | undefined
  ifModifiedSince: string | undefined
  ifUnmodifiedSince: string | undefined
  ifRange: string | undefined
  range: string | undefined
  acceptEncoding: string | undefined
}

/** Case-insensitive equality of a header name with a lower-case literal, without allocating. */
function nameIs(name: string, lower: string): boolean {
  const n = lower.length
  if (name.length !== n) return false
  for (let i = 0; i < n; i++) {
    if ((name.charCodeAt(i) | 0x20) !== lower.charCodeAt(i)) return false
  }
  return true
}

function join(previous: string | undefined, value: string): string {
  return previous === undefined ? value : `${previous}, ${value}`
}

/**
 * Collects `If-Match`, `If-None-Match`, `If-Modified-Since`, `If-Unmodified-Since`, `If-Range`, `Range`
 * and `Accept-Encoding` in one loop over the raw pairs; repeated lines are joined with `, ` (RFC 9110
 * §5.3). Names are compared case-insensitively without allocating.
 *
 * @param raw - flat `[name, value, name, value, …]` as the core's `RequestHeaders.raw`
 * @returns the fields
 * @example
 * ```ts
 * readRequestFields(['Host', 'x', 'if-none-match', '"a"']).ifNoneMatch // '"a"'
 * ```
 */
export function readRequestFields(raw: readonly string[]): RequestFields {
  const f: RequestFields = {
    conditional: false,
    ifMatch: undefined,
    ifNoneMatch: undefined,
    ifModifiedSince: undefined,
    ifUnmodifiedSince: undefined,
    ifRange: undefined,
    range: undefined,
    acceptEncoding: undefined,
  }
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string
    const first = name.charCodeAt(0) | 0x20
    if (first === 0x69 /* i */) {
      if (name.length < 8 || (name.charCodeAt(2) !== 0x2d)) continue
      const value = raw[i + 1] as string
      if (nameIs(name, 'if-none-match')) {
        f.ifNoneMatch = join(f.ifNoneMatch, value)
        f.conditional = true
      } else if (nameIs(name, 'if-modified-since')) {
        f.ifModifiedSince = join(f.ifModifiedSince, value)
        f.conditional = true
      } else if (nameIs(name, 'if-match')) {
        f.ifMatch = join(f.ifMatch, value)
        f.conditional = true
      } else if (nameIs(name, 'if-unmodified-since')) {
        f.ifUnmodifiedSince = join(f.ifUnmodifiedSince, value)
        f.conditional = true
      } else if (nameIs(name, 'if-range')) {
        f.ifRange = join(f.ifRange, value)
      }
    } else if (first === 0x72 /* r */) {
      if (nameIs(name, 'range')) f.range = join(f.range, raw[i + 1] as string)
    } else if (first === 0x61 /* a */) {
      if (nameIs(name, 'accept-encoding')) f.acceptEncoding = join(f.acceptEncoding, raw[i + 1] as string)
    }
  }
  return f
}
