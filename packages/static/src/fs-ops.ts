/**
 * The few file-system calls this package makes, on raw descriptors (no `FileHandle`: a handle that is
 * garbage-collected closes "its" descriptor again, which may by then belong to someone else).
 *
 * @module
 */
import fs, { type Stats } from 'node:fs'

const C = fs.constants
/**
 * Flags for opening a file to serve: read-only, never through a symlink in the last component (the path
 * opened is the realpath, so a symlink there means the file was swapped after the check), and
 * non-blocking so a FIFO swapped in cannot hang a thread-pool thread. Flags missing on the platform
 * are 0.
 * @example
 * ```ts
 * fs.open(realpath, OPEN_FLAGS, (err, fd) => {})
 * ```
 */
export const OPEN_FLAGS: number = C.O_RDONLY | (C.O_NOFOLLOW ?? 0) | (C.O_NONBLOCK ?? 0)

/**
 * Opens a file for reading.
 *
 * @param path - absolute path
 * @returns the descriptor (the caller owns it)
 * @example
 * ```ts
 * const fd = await openFile('/srv/www/big.bin')
 * ```
 */
export function openFile(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.open(path, OPEN_FLAGS, (err, fd) => (err ? reject(err) : resolve(fd)))
  })
}

/**
 * `fstat` on a descriptor.
 *
 * @param fd - an open descriptor
 * @returns its stats
 * @example
 * ```ts
 * const { size } = await fstat(fd)
 * ```
 */
export function fstat(fd: number): Promise<Stats> {
  return new Promise((resolve, reject) => {
    fs.fstat(fd, (err, stats) => (err ? reject(err) : resolve(stats)))
  })
}

/**
 * Closes a descriptor, ignoring errors.
 *
 * @param fd - the descriptor
 * @example
 * ```ts
 * closeFile(fd)
 * ```
 */
export function closeFile(fd: number): void {
  fs.close(fd, () => {})
}

/**
 * Reads exactly `length` bytes from `position`, or fewer at end of file.
 *
 * @param fd - an open descriptor
 * @param length - bytes wanted
 * @param position - file offset
 * @returns the bytes read (shorter than `length` at end of file)
 * @example
 * ```ts
 * const head = await readAt(fd, 16, 0) // the first 16 bytes
 * ```
 */
export async function readAt(fd: number, length: number, position: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length)
  let got = 0
  while (got < length) {
    const n = await new Promise<number>((resolve, reject) => {
      fs.read(fd, buf, got, length - got, position + got, (err, bytes) => (err ? reject(err) : resolve(bytes)))
    })
    if (n === 0) break
    got += n
  }
  return got === length ? buf : buf.subarray(0, got)
}

/**
 * `stat` (follows symlinks).
 *
 * @param path - the path
 * @returns its stats
 * @example
 * ```ts
 * const stats = await statPath('/srv/www/a.txt')
 * ```
 */
export function statPath(path: string): Promise<Stats> {
  return fs.promises.stat(path)
}

/**
 * `realpath`.
 *
 * @param path - the path
 * @returns the canonical absolute path with every symlink resolved
 * @example
 * ```ts
 * await realPath('/srv/www/link.txt') // '/srv/outside.txt'
 * ```
 */
export function realPath(path: string): Promise<string> {
  return fs.promises.realpath(path)
}

/**
 * Error codes meaning "there is no such file here": the request falls through.
 *
 * @example
 * ```ts
 * try { await statPath(p) } catch (err) { if (isNotFound(err)) return next() }
 * ```
 */
export function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG'
}

/**
 * Error codes meaning "out of descriptors": 503 + Retry-After rather than a crash or a 500.
 *
 * @example
 * ```ts
 * catch (err) { if (isOutOfDescriptors(err)) ctx.res.status = 503 }
 * ```
 */
export function isOutOfDescriptors(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code
  return code === 'EMFILE' || code === 'ENFILE'
}

/**
 * Whether two stats describe the same file (device and inode).
 *
 * @example
 * ```ts
 * if (!sameFile(await fstat(fd), decided)) throw new FileChanged(path)
 * ```
 */
export function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino
}

/**
 * Whether two stats describe the same file with the same content metadata (size, mtime, ctime).
 *
 * @example
 * ```ts
 * const unchanged = sameVersion(await statPath(file), entry.identity.stats)
 * ```
 */
export function sameVersion(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs
}
