// The --dev watcher on a real folder and a real allowlist: a burst of writes gives one batch, only
// served files count, an atomic save is one change, CSS-only batches say so. Bounded waits only.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { allowlist, type AllowlistMiddleware } from 'tinyhttp-allowlist'
import { ServedFileWatcher, type ChangeBatch } from '../../../packages/cli/src/dev/watch.js'
import { cleanupTemp, sleep, tempDir } from '../helpers.js'

afterAll(cleanupTemp)
const open: Array<{ close(): void }> = []
afterEach(() => {
  for (const o of open.splice(0)) o.close()
})

async function watched(entries: string[], files: Record<string, string>): Promise<{ root: string; batches: ChangeBatch[]; allow: AllowlistMiddleware }> {
  const root = join(tempDir('tinyhttp-dev-watch-'), 'site')
  mkdirSync(root, { recursive: true })
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true })
    writeFileSync(join(root, name), text)
  }
  const allow = allowlist(entries, { root })
  open.push(allow)
  await allow.ready
  const batches: ChangeBatch[] = []
  const { realpathSync } = await import('node:fs')
  const watcher = new ServedFileWatcher({ root: realpathSync(root), current: () => allow.report.allowed, refresh: async () => (await allow.reload()).allowed }, b => batches.push(b))
  open.push(watcher)
  watcher.start()
  return { root, batches, allow }
}

/** Waits until `n` batches arrived (at most 5 s), then a further quiet second to see no more come. */
async function settle(batches: ChangeBatch[], n: number): Promise<void> {
  for (let i = 0; i < 100 && batches.length < n; i++) await sleep(50)
  await sleep(1000)
}

describe('ServedFileWatcher', () => {
  it('a build that writes 200 files (new and edited, in folders) gives one batch naming all of them', async () => {
    const { root, batches } = await watched(['**/*'], { 'index.html': '<p>x', 'assets/a0.js': '0' })
    for (let i = 0; i < 200; i++) writeFileSync(join(root, 'assets', `a${i}.js`), `// build ${i}`)
    await settle(batches, 1)
    expect(batches.length).toBe(1)
    expect(batches[0]?.paths.length).toBe(200)
    expect(batches[0]?.paths).toContain('/assets/a199.js')
    expect(batches[0]?.css).toBe(false)
  })

  it("an editor's atomic save (write a temporary file, rename it over the page) is one change of that page", async () => {
    const { root, batches } = await watched(['**/*'], { 'index.html': '<p>x' })
    writeFileSync(join(root, '.index.html.swp'), 'swap')
    writeFileSync(join(root, 'index.html.tmp~'), '<p>y')
    renameSync(join(root, 'index.html.tmp~'), join(root, 'index.html'))
    rmSync(join(root, '.index.html.swp'))
    await settle(batches, 1)
    expect(batches).toEqual([{ paths: ['/index.html'], css: false }])
  })

  it('only served files count: a file the allowlist does not list gives nothing, a listed one right after does', async () => {
    const { root, batches } = await watched(['index.html', 'style.css'], { 'index.html': '<p>x', 'style.css': 'a{}', 'notes.txt': 'n' })
    writeFileSync(join(root, 'notes.txt'), 'edited')
    writeFileSync(join(root, 'draft.html'), 'new, not listed')
    mkdirSync(join(root, '.git'))
    writeFileSync(join(root, '.git', 'index'), 'x')
    await sleep(600)
    expect(batches).toEqual([])
    writeFileSync(join(root, 'style.css'), 'a{color:red}')
    await settle(batches, 1)
    expect(batches).toEqual([{ paths: ['/style.css'], css: true }])
  })

  it('a served file created in a new folder, and a served file removed, count', async () => {
    const { root, batches } = await watched(['**/*'], { 'index.html': '<p>x', 'old.css': 'a{}' })
    mkdirSync(join(root, 'blog', '2026'), { recursive: true })
    writeFileSync(join(root, 'blog', '2026', 'post.html'), '<p>new')
    await settle(batches, 1)
    rmSync(join(root, 'old.css'))
    await settle(batches, 2)
    expect(batches).toEqual([
      { paths: ['/blog/2026/post.html'], css: false },
      { paths: ['/old.css'], css: true },
    ])
  })

  it('an edit in a folder found later is seen (the new folder is watched after the batch)', async () => {
    const { root, batches } = await watched(['**/*'], { 'index.html': '<p>x' })
    mkdirSync(join(root, 'css'))
    writeFileSync(join(root, 'css', 'site.css'), 'a{}')
    await settle(batches, 1)
    writeFileSync(join(root, 'css', 'site.css'), 'a{color:blue}')
    await settle(batches, 2)
    expect(batches).toEqual([
      { paths: ['/css/site.css'], css: true },
      { paths: ['/css/site.css'], css: true },
    ])
  })
})
