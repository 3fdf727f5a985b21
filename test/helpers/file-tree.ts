import { mkdir, mkdtemp, realpath, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/**
 * Makes a fresh temporary folder (its real path, so symlinked /tmp does not matter) holding `files`,
 * relative path → content, with their folders.
 *
 * @param prefix - the temporary folder's name prefix
 * @param files - relative path → file content
 * @returns the folder's real path
 * @example
 * ```ts
 * const base = await writeTree('tinyhttp-x-', { 'www/index.html': '<h1>home</h1>' })
 * ```
 */
export async function writeTree(prefix: string, files: Record<string, string>): Promise<string> {
  const base = await realpath(await mkdtemp(join(tmpdir(), prefix)))
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(dirname(join(base, rel)), { recursive: true })
    await writeFile(join(base, rel), content)
  }
  return base
}
