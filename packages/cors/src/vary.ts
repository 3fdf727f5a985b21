import type { ResponseHeaders } from 'tinyhttp-core'

/**
 * Adds field names to `Vary` without clobbering what is there: names already listed (any case) are
 * skipped, and nothing is added when `Vary: *` is present.
 *
 * @param headers - the response headers
 * @param names - the field names to add, e.g. `['Origin']`
 * @param joined - the same names joined with `', '` (precomputed by the caller)
 * @internal
 */
export function appendVary(headers: ResponseHeaders, names: readonly string[], joined: string): void {
  const existing = headers.get('vary')
  if (existing === undefined) {
    headers.append('Vary', joined)
    return
  }
  const present = existing.toLowerCase().split(',')
  for (let i = 0; i < present.length; i++) {
    const name = (present[i] as string).trim()
    if (name === '*') return
    present[i] = name
  }
  let missing = ''
  for (const name of names) {
    if (present.includes(name.toLowerCase())) continue
    missing = missing === '' ? name : `${missing}, ${name}`
  }
  if (missing !== '') headers.append('Vary', missing)
}
