/**
 * Directory listings for one table build, each directory read at most once.
 *
 * @module
 */
import type { Dirent } from 'node:fs'
import { readdir } from 'node:fs/promises'

/**
 * Reads directories once per build and remembers the listings (name → entry, exact on-disk spelling).
 *
 * @example
 * ```ts
 * const lister = new DirLister()
 * const names = await lister.list('/srv/www') // Map { 'index.html' => Dirent, … } or null
 * ```
 */
export class DirLister {
  readonly #cache = new Map<string, Promise<Map<string, Dirent> | null>>()

  /**
   * Lists a directory.
   *
   * @param dir - absolute path
   * @returns name → directory entry, or null when it cannot be read (missing, not a directory, denied)
   */
  list(dir: string): Promise<Map<string, Dirent> | null> {
    let p = this.#cache.get(dir)
    if (p === undefined) {
      p = readdir(dir, { withFileTypes: true }).then(
        entries => {
          const byName = new Map<string, Dirent>()
          for (const d of entries) byName.set(d.name, d)
          return byName
        },
        () => null,
      )
      this.#cache.set(dir, p)
    }
    return p
  }

  /**
   * The directories read successfully so far (the ones worth watching).
   *
   * @returns absolute paths
   */
  async listed(): Promise<string[]> {
    const out: string[] = []
    for (const [dir, p] of this.#cache) if ((await p) !== null) out.push(dir)
    return out
  }
}
