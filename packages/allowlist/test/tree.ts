import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/** A temporary directory tree for one test. */
export interface Tree {
  /** Real path of the temporary base directory (holds `www/` and `outside/`). */
  base: string
  /** `base/www`: the root the allowlist serves. */
  root: string
  /** `base/outside`: a sibling the root must never leak. */
  outside: string
  /** Writes a file under the root (parents created). */
  file(rel: string, content?: string): Promise<string>
  /** Creates a directory under the root. */
  dir(rel: string): Promise<string>
  /** Creates a symlink under the root pointing at `target` (absolute, or relative to the link). */
  link(rel: string, target: string): Promise<string>
  /** Removes everything. */
  cleanup(): Promise<void>
}

/**
 * Makes `<tmp>/tinyhttp-allowlist-XXXX/{www,outside}` and writes `files` (relative to www) into it.
 *
 * @param files - relative path → content
 */
export async function makeTree(files: Record<string, string> = {}): Promise<Tree> {
  const base = await realpath(await mkdtemp(join(tmpdir(), 'tinyhttp-allowlist-')))
  const root = join(base, 'www')
  const outside = join(base, 'outside')
  await mkdir(root)
  await mkdir(outside)
  await writeFile(join(outside, 'secret.txt'), 'TOP SECRET')
  const tree: Tree = {
    base,
    root,
    outside,
    async file(rel, content = rel) {
      const p = join(root, rel)
      await mkdir(dirname(p), { recursive: true })
      await writeFile(p, content)
      return p
    },
    async dir(rel) {
      const p = join(root, rel)
      await mkdir(p, { recursive: true })
      return p
    },
    async link(rel, target) {
      const p = join(root, rel)
      await mkdir(dirname(p), { recursive: true })
      await symlink(target, p)
      return p
    },
    cleanup: () => rm(base, { recursive: true, force: true }),
  }
  for (const [rel, content] of Object.entries(files)) await tree.file(rel, content)
  return tree
}

/** Polls `check` every 25 ms until it returns true or `timeoutMs` passes; returns the last result. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return true
    if (Date.now() >= deadline) return false
    await new Promise(resolve => setTimeout(resolve, 25))
  }
}

/**
 * Per-test fixtures: `tree()` makes a temporary tree and `list()` an allowlist, both cleaned up in an
 * `afterEach` registered by this call.
 *
 * @param afterEach - vitest's afterEach
 * @param allowlist - the factory under test
 */
export function useFixtures<L extends { close(): void }, O>(
  afterEach: (fn: () => Promise<void>) => void,
  allowlist: (entries: string[], options: O) => L,
): { tree(files?: Record<string, string>): Promise<Tree>; list(entries: string[], options: O): L } {
  let trees: Tree[] = []
  let lists: L[] = []
  afterEach(async () => {
    for (const l of lists) l.close()
    lists = []
    await Promise.all(trees.map(t => t.cleanup()))
    trees = []
  })
  return {
    async tree(files = {}) {
      const t = await makeTree(files)
      trees.push(t)
      return t
    },
    list(entries, options) {
      const l = allowlist(entries, options)
      lists.push(l)
      return l
    },
  }
}
