/**
 * Strong entity tags (RFC 9110 §8.8.3) and the "useful modification time" rule.
 *
 * @module
 */
export { contentEtag } from 'tinyhttp-core'

/**
 * Whether a modification time means something. Reproducible builds and some package managers stamp
 * every file with the epoch (0) or 1 s after it; such a time says nothing about the content, so neither
 * `Last-Modified` nor a time-based ETag may be derived from it (Caddy's `usefulModTime`, NixOS).
 *
 * @param mtimeMs - modification time in milliseconds since the epoch
 * @returns false for NaN and for anything before 1970-01-01T00:00:02Z
 * @example
 * ```ts
 * usefulMtime(0)             // false
 * usefulMtime(1000)          // false
 * usefulMtime(1700000000000) // true
 * ```
 */
export function usefulMtime(mtimeMs: number): boolean {
  return Number.isFinite(mtimeMs) && mtimeMs >= 2000
}

/**
 * A strong ETag from file metadata, for files streamed from disk: `"<size hex>-<mtime µs hex>"`.
 * No inode, so replicas that copied the same file agree.
 *
 * @remarks
 * It is only as strong as the file system's timestamp resolution: two writes of the same size within
 * one timestamp tick share a tag. On file systems with nanosecond times (ext4, XFS, btrfs, APFS, tmpfs)
 * that needs two writes within a microsecond. Returns undefined when the time is not useful
 * (see `usefulMtime`): then the response carries no ETag at all rather than a tag that collides.
 *
 * @param size - file size in bytes
 * @param mtimeMs - modification time in milliseconds (fractional part kept to the microsecond)
 * @returns the quoted tag, or undefined
 * @example
 * ```ts
 * statEtag(20, 1700000000123.456) // '"14-60a2a2a5bd9c0"'
 * statEtag(20, 0)                 // undefined
 * ```
 */
export function statEtag(size: number, mtimeMs: number): string | undefined {
  if (!usefulMtime(mtimeMs)) return undefined
  return `"${size.toString(16)}-${Math.round(mtimeMs * 1000).toString(16)}"`
}
