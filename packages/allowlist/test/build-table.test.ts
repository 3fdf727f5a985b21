import { lstat } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join, relative } from 'node:path'
import { createRequire } from 'node:module'
import type Debug from 'debug'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTable, type Rule } from '../src/build-table.js'
import { parseEntry } from '../src/parse-entry.js'
import { allowlist, type AllowlistReport } from '../src/index.js'

/** The `debug` instance the core's `createDebug` loads (from the core package). */
const createDebug = createRequire(new URL('../../core/src/debug-log.ts', import.meta.url))('debug') as typeof Debug
import { decide } from './decide.js'
import { useFixtures } from './tree.js'

const { tree, list } = useFixtures(afterEach, allowlist)

const urls = (r: AllowlistReport): string[] => r.allowed.map(f => f.urlPath)
const rejectedAs = (r: AllowlistReport): Record<string, string> => Object.fromEntries(r.rejected.map(x => [x.entry, x.reason]))

describe('table builder: exact entries', () => {
  it('lists exact entries with size, mtime and real path, sorted by URL path', async () => {
    const t = await tree({ 'index.html': '<h1>hi</h1>', 'style.css': 'body{}', 'docs/a b.txt': 'spaced', 'café/€.txt': 'euro' })
    const r = await list(['/style.css', './index.html', 'docs/a b.txt', 'café/€.txt'], { root: t.root }).ready
    expect(urls(r)).toEqual(['/caf\u00e9/\u20ac.txt', '/docs/a b.txt', '/index.html', '/style.css'])
    const css = r.allowed.find(f => f.urlPath === '/style.css')!
    expect(css.file).toBe(join(t.root, 'style.css'))
    expect(css.size).toBe(6)
    expect(css.mtimeMs).toBe((await lstat(join(t.root, 'style.css'))).mtimeMs)
    expect(r.rejected).toEqual([])
    expect(r.unmatched).toEqual([])
  })

  it('accepts a relative root', async () => {
    const t = await tree({ 'a.txt': 'a' })
    const rel = relative(process.cwd(), t.root)
    expect(rel.startsWith('/')).toBe(false)
    const r = await list(['a.txt'], { root: rel }).ready
    expect(urls(r)).toEqual(['/a.txt'])
  })

  it('refuses invalid entries with a reason and touches nothing for them', async () => {
    const t = await tree({ 'a.txt': 'a' })
    const r = await list(['../outside/secret.txt', 'a//b', 'x\\y', 'a:b.txt', 'CON.txt', '.well-known/*', 'a.txt'], { root: t.root }).ready
    expect(urls(r)).toEqual(['/a.txt'])
    expect(rejectedAs(r)).toEqual({
      '../outside/secret.txt': 'invalid-entry',
      'a//b': 'invalid-entry',
      'x\\y': 'invalid-entry',
      'a:b.txt': 'canonical:forbidden-character',
      'CON.txt': 'canonical:reserved-name',
      '.well-known/*': 'dotfile-via-glob',
    })
    expect(r.unmatched).toEqual([])
  })

  it('a folder entry serves every non-dotfile under it (as docs/**), with or without the slash', async () => {
    const t = await tree({ 'docs/index.html': 'x', 'docs/a.txt': 'a', 'docs/sub/b.txt': 'b', 'docs/.env': 's', 'docs/.git/config': 's', 'docs/sub/.hidden': 's', 'top.txt': 't' })
    for (const entry of ['docs', '/docs/', './docs', 'docs/']) {
      const r = await list([entry], { root: t.root }).ready
      expect(urls(r), entry).toEqual(['/docs/a.txt', '/docs/index.html', '/docs/sub/b.txt'])
      expect(r.folders, entry).toEqual([entry.replace(/^\.?\//, '')])
      expect(r.rejected, entry).toEqual([])
      expect(r.unmatched, entry).toEqual([])
    }
    const mw = list(['docs'], { root: t.root })
    await mw.ready
    expect(await decide(mw, '/docs/')).toMatchObject({ nextCalled: true, hit: { kind: 'index' } })
    expect(await decide(mw, '/docs/.env')).toMatchObject({ status: 403, nextCalled: false })
    expect(await decide(mw, '/docs')).toMatchObject({ nextCalled: true, hit: { kind: 'directory' } })
  })

  it('a folder entry spelled with a dot folder serves the non-dotfiles inside it (named exactly)', async () => {
    const t = await tree({ '.well-known/acme-challenge/tok1': 'a', '.well-known/acme-challenge/.tmp': 's', '.well-known/x': 's' })
    const r = await list(['.well-known/acme-challenge'], { root: t.root }).ready
    expect(urls(r)).toEqual(['/.well-known/acme-challenge/tok1'])
    expect(r.folders).toEqual(['.well-known/acme-challenge'])
  })

  it('folder entries: a file spelled as a folder, an empty folder, a folder through a symlink leaving the root', async () => {
    const t = await tree({ 'a.txt': 'a', 'empty/.only-dot': 's' })
    await t.file('../outside/o.txt', 'OUT')
    await t.link('out', join(t.outside))
    const r = await list(['a.txt/', 'empty', 'out', 'missing/'], { root: t.root }).ready
    expect(r.allowed).toEqual([])
    expect(rejectedAs(r)).toEqual({ 'a.txt/': 'not-a-directory', out: 'symlink-outside-root' })
    expect(r.unmatched).toEqual(['empty', 'missing/'])
    expect(r.folders).toEqual(['empty'])
  })

  it('remove() of a folder excludes everything under it; a later add() of one file brings it back', async () => {
    const t = await tree({ 'docs/a.txt': 'a', 'docs/sub/b.txt': 'b', 'c.txt': 'c' })
    const mw = list(['**/*'], { root: t.root })
    await mw.ready
    expect(urls(await mw.remove('docs'))).toEqual(['/c.txt'])
    expect(urls(await mw.add('docs/sub/b.txt'))).toEqual(['/c.txt', '/docs/sub/b.txt'])
    expect(urls(await mw.remove('docs/'))).toEqual(['/c.txt'])
  })

  it('refuses a socket file (not a regular file) and reports a missing nested entry as unmatched', async () => {
    const t = await tree()
    const server = createServer()
    await new Promise<void>(resolve => server.listen(join(t.root, 'sock'), resolve))
    try {
      const r = await list(['sock', '*', 'missing/deeper.txt'], { root: t.root }).ready
      expect(r.allowed).toEqual([])
      expect(r.rejected).toEqual([{ entry: 'sock', reason: 'not-a-regular-file' }])
      expect(r.unmatched).toEqual(['missing/deeper.txt'])
    } finally {
      await new Promise(resolve => server.close(resolve))
    }
  })

  it('reports entries that match nothing (list and debug log)', async () => {
    const t = await tree({ 'a.txt': 'a' })
    const lines: string[] = []
    const previousLog = createDebug.log
    const previousNamespaces = createDebug.disable()
    createDebug.enable('tinyhttp:allowlist')
    createDebug.log = (...args: unknown[]) => void lines.push(args.map(String).join(' '))
    try {
      const r = await list(['a.txt', 'nope.txt', 'sub/nope.txt', '**/*.css'], { root: t.root }).ready
      expect(urls(r)).toEqual(['/a.txt'])
      expect(r.unmatched).toEqual(['nope.txt', 'sub/nope.txt', '**/*.css'])
    } finally {
      createDebug.log = previousLog
      createDebug.disable()
      if (previousNamespaces) createDebug.enable(previousNamespaces)
    }
    for (const u of ['nope.txt', 'sub/nope.txt', '**/*.css']) expect(lines.some(l => l.includes('unmatched') && l.includes(u))).toBe(true)
  })

  it('is case-exact: an entry A.txt does not match the file a.txt', async () => {
    const t = await tree({ 'a.txt': 'lower', 'Docs/x.txt': 'x' })
    const mw = list(['A.txt', 'docs/x.txt', 'Docs/X.txt'], { root: t.root })
    const r = await mw.ready
    expect(r.allowed).toEqual([])
    expect(r.unmatched).toEqual(['A.txt', 'docs/x.txt', 'Docs/X.txt'])
    const list2 = list(['a.txt'], { root: t.root })
    await list2.ready
    expect((await decide(list2, '/a.txt')).nextCalled).toBe(true)
    expect(await decide(list2, '/A.txt')).toMatchObject({ status: 403, nextCalled: false })
    expect(await decide(list2, '/A.TXT')).toMatchObject({ status: 403, nextCalled: false })
  })
})

describe('table builder: globs', () => {
  const files = {
    'index.html': 'i',
    'about.html': 'a',
    'style.css': 's',
    'assets/app.css': 'c',
    'assets/app.js': 'j',
    'assets/img/logo.png': 'p',
    'assets/deep/er/x.css': 'x',
    'docs/index.html': 'd',
    '.env': 'SECRET=1',
    '.git/config': 'git',
    '.hidden/x.css': 'h',
    'assets/.cache/y.css': 'y',
    'assets/.z.css': 'z',
  }

  it('**/*.css matches at every depth but never dotfiles or dot directories', async () => {
    const t = await tree(files)
    const r = await list(['**/*.css'], { root: t.root }).ready
    expect(urls(r)).toEqual(['/assets/app.css', '/assets/deep/er/x.css', '/style.css'])
  })

  it('assets/* matches one level only', async () => {
    const t = await tree(files)
    const r = await list(['assets/*'], { root: t.root }).ready
    expect(urls(r)).toEqual(['/assets/app.css', '/assets/app.js'])
  })

  it('*.html matches the root level only, and a listed index maps /', async () => {
    const t = await tree(files)
    const mw = list(['*.html'], { root: t.root })
    const r = await mw.ready
    expect(urls(r)).toEqual(['/about.html', '/index.html'])
    expect(await decide(mw, '/')).toMatchObject({ nextCalled: true, hit: { urlPath: '/', kind: 'index', file: join(t.root, 'index.html') } })
    expect(await decide(mw, '/docs/')).toMatchObject({ status: 403, nextCalled: false })
  })

  it('** alone never serves a dotfile', async () => {
    const t = await tree(files)
    const r = await list(['**'], { root: t.root }).ready
    expect(urls(r).some(u => u.split('/').some(s => s.startsWith('.')))).toBe(false)
    expect(urls(r)).toContain('/assets/img/logo.png')
  })

  it('dotfiles only by exact name', async () => {
    const t = await tree({ ...files, '.well-known/security.txt': 'contact' })
    const r = await list(['.well-known/security.txt', '.env', '*', '.well-known/*', '**/.git/*'], { root: t.root }).ready
    expect(urls(r)).toEqual(['/.env', '/.well-known/security.txt', '/about.html', '/index.html', '/style.css'])
    expect(rejectedAs(r)).toEqual({ '.well-known/*': 'dotfile-via-glob', '**/.git/*': 'dotfile-via-glob' })
  })

  it('reports files a glob found whose names core would refuse, instead of leaving them unreachable', async () => {
    const t = await tree({ 'ok.txt': 'ok', 'a:b.txt': 'colon', 'CON.txt': 'device', 'x~1.txt': 'short', 'trail .txt': 'fine' })
    const r = await list(['*.txt'], { root: t.root }).ready
    expect(urls(r)).toEqual(['/ok.txt', '/trail .txt'])
    expect(rejectedAs(r)).toEqual({
      'a:b.txt': 'canonical:forbidden-character',
      'CON.txt': 'canonical:reserved-name',
      'x~1.txt': 'canonical:reserved-name',
    })
  })

  it('a file matched by several entries appears once', async () => {
    const t = await tree(files)
    const r = await list(['style.css', '*.css', '**/*.css'], { root: t.root }).ready
    expect(urls(r).filter(u => u === '/style.css')).toHaveLength(1)
  })

  it('stops at the walk bounds and says so', async () => {
    const t = await tree(files)
    const built = await buildTable([{ op: 'include', parsed: parseEntry('**/*.css') }], {
      root: t.root,
      index: 'index.html',
      followSymlinks: false,
      maxEntries: 3,
    })
    expect(built.report.rejected).toContainEqual({ entry: '**/*.css', reason: 'walk-limit' })
    const deep = await buildTable([{ op: 'include', parsed: parseEntry('**/*.css') }], {
      root: t.root,
      index: 'index.html',
      followSymlinks: false,
      maxDepth: 1,
    })
    expect(deep.report.allowed.map(f => f.urlPath)).toEqual(['/assets/app.css', '/style.css'])
    expect(deep.report.rejected).toContainEqual({ entry: '**/*.css', reason: 'walk-limit' })
  })
})

describe('table builder: symlinks', () => {
  it('refuses a symlink pointing outside the root, and allows it with followSymlinks', async () => {
    const t = await tree({ 'a.txt': 'a' })
    await t.link('leak.txt', join(t.outside, 'secret.txt'))
    const strict = await list(['leak.txt', 'a.txt'], { root: t.root }).ready
    expect(urls(strict)).toEqual(['/a.txt'])
    expect(rejectedAs(strict)).toEqual({ 'leak.txt': 'symlink-outside-root' })

    const viaGlob = await list(['*.txt'], { root: t.root }).ready
    expect(urls(viaGlob)).toEqual(['/a.txt'])
    expect(rejectedAs(viaGlob)).toEqual({ 'leak.txt': 'symlink-outside-root' })

    const loose = await list(['leak.txt'], { root: t.root, followSymlinks: true }).ready
    expect(loose.allowed).toEqual([expect.objectContaining({ urlPath: '/leak.txt', file: join(t.outside, 'secret.txt'), size: 10 })])
  })

  it('refuses an escape through a symlinked directory', async () => {
    const t = await tree({ 'a.txt': 'a' })
    await t.link('d', t.outside)
    const r = await list(['d/secret.txt', 'd/*'], { root: t.root }).ready
    expect(r.allowed).toEqual([])
    expect(rejectedAs(r)).toEqual({ 'd/secret.txt': 'outside-root' })
    // Globs do not descend into symlinked directories unless followSymlinks.
    expect(r.unmatched).toEqual(['d/*'])
    const dirAsEntry = await list(['d', '*'], { root: t.root }).ready
    expect(rejectedAs(dirAsEntry)).toEqual({ d: 'symlink-outside-root' })

    const loose = await list(['d/*'], { root: t.root, followSymlinks: true }).ready
    expect(loose.allowed).toEqual([expect.objectContaining({ urlPath: '/d/secret.txt', file: join(t.outside, 'secret.txt') })])
  })

  it('allows a symlink to a file inside the root, serving the target', async () => {
    const t = await tree({ 'real/a.txt': 'aaa' })
    await t.link('alias.txt', 'real/a.txt')
    const r = await list(['alias.txt'], { root: t.root }).ready
    expect(r.allowed).toEqual([{ urlPath: '/alias.txt', file: join(t.root, 'real', 'a.txt'), size: 3, mtimeMs: expect.any(Number) }])
  })

  it('reports a dangling symlink as not-found', async () => {
    const t = await tree()
    await t.link('gone.txt', 'nowhere.txt')
    const r = await list(['gone.txt'], { root: t.root }).ready
    expect(rejectedAs(r)).toEqual({ 'gone.txt': 'not-found' })
  })

  it('resolves a symlinked root to its real path', async () => {
    const t = await tree({ 'a.txt': 'a' })
    const { symlink } = await import('node:fs/promises')
    const linkRoot = join(t.base, 'www-link')
    await symlink(t.root, linkRoot)
    const r = await list(['a.txt'], { root: linkRoot }).ready
    expect(r.allowed[0]!.file).toBe(join(t.root, 'a.txt'))
  })
})

describe('table builder: index mapping', () => {
  it('maps / and /dir/ to a listed index, lets /dir through for the redirect, nothing else', async () => {
    const t = await tree({ 'index.html': 'root', 'docs/index.html': 'docs', 'other/page.html': 'p' })
    const mw = list(['index.html', 'docs/index.html', 'other/page.html'], { root: t.root })
    await mw.ready
    expect((await decide(mw, '/')).hit).toMatchObject({ urlPath: '/', kind: 'index', file: join(t.root, 'index.html') })
    expect((await decide(mw, '/docs/')).hit).toMatchObject({ urlPath: '/docs/', kind: 'index', file: join(t.root, 'docs', 'index.html') })
    expect((await decide(mw, '/docs')).hit).toMatchObject({ urlPath: '/docs', kind: 'directory' })
    expect((await decide(mw, '/docs/index.html')).hit).toMatchObject({ urlPath: '/docs/index.html', kind: 'file' })
    expect(await decide(mw, '/other/')).toMatchObject({ status: 403, nextCalled: false })
    expect(await decide(mw, '/other')).toMatchObject({ status: 403, nextCalled: false })
    expect(await decide(mw, '/index.html/')).toMatchObject({ status: 403, nextCalled: false })
    // report.allowed lists files only
    expect(urls(mw.report)).toEqual(['/docs/index.html', '/index.html', '/other/page.html'])
  })

  it('does not map / when the index is not listed, honours a custom index and index: false', async () => {
    const t = await tree({ 'index.html': 'root', 'home.htm': 'home', 'a.txt': 'a' })
    const none = list(['a.txt'], { root: t.root })
    await none.ready
    expect(await decide(none, '/')).toMatchObject({ status: 403, nextCalled: false })
    const custom = list(['home.htm', 'index.html'], { root: t.root, index: 'home.htm' })
    await custom.ready
    expect((await decide(custom, '/')).hit).toMatchObject({ file: join(t.root, 'home.htm') })
    const off = list(['index.html'], { root: t.root, index: false })
    await off.ready
    expect(await decide(off, '/')).toMatchObject({ status: 403 })
    expect((await decide(off, '/index.html')).nextCalled).toBe(true)
  })
})

describe('exclusion rules', () => {
  it('the last matching rule decides', async () => {
    const t = await tree({ 'a.txt': 'a', 'b.txt': 'b' })
    const rules: Rule[] = [
      { op: 'include', parsed: parseEntry('*.txt') },
      { op: 'exclude', parsed: parseEntry('a.txt', true) },
    ]
    const built = await buildTable(rules, { root: t.root, index: 'index.html', followSymlinks: false })
    expect(built.report.allowed.map(f => f.urlPath)).toEqual(['/b.txt'])
    const again = await buildTable([...rules, { op: 'include', parsed: parseEntry('a.txt') }], {
      root: t.root,
      index: 'index.html',
      followSymlinks: false,
    })
    expect(again.report.allowed.map(f => f.urlPath)).toEqual(['/a.txt', '/b.txt'])
  })
})

describe('options', () => {
  it('throws TypeError for a bad configuration at once', () => {
    expect(() => allowlist('a.txt' as unknown as string[], { root: '.' })).toThrow(TypeError)
    expect(() => allowlist([1 as unknown as string], { root: '.' })).toThrow(TypeError)
    expect(() => allowlist([], undefined as unknown as { root: string })).toThrow(TypeError)
    expect(() => allowlist([], { root: '' })).toThrow(TypeError)
    expect(() => allowlist([], { root: '.', index: 'a/index.html' })).toThrow(TypeError)
    expect(() => allowlist([], { root: '.', index: '' })).toThrow(TypeError)
    expect(() => allowlist([], { root: '.', watch: 'yes' as unknown as boolean })).toThrow(TypeError)
    expect(() => allowlist([], { root: '.', followSymlinks: 1 as unknown as boolean })).toThrow(TypeError)
  })

  it('rejects ready and answers 500 when the root does not exist', async () => {
    const t = await tree()
    const mw = list(['a.txt'], { root: join(t.base, 'missing') })
    const pending = decide(mw, '/a.txt')
    await expect(mw.ready).rejects.toThrow()
    expect(await pending).toMatchObject({ status: 500, reason: 'error:allowlist-unavailable', body: null, nextCalled: false })
    expect(await decide(mw, '/a.txt')).toMatchObject({ status: 500, nextCalled: false })
    expect(mw.report).toEqual({ allowed: [], rejected: [], unmatched: [], folders: [] })
  })

  it('rejects ready when the root is a file', async () => {
    const t = await tree({ 'a.txt': 'a' })
    await expect(list([], { root: join(t.root, 'a.txt') }).ready).rejects.toThrow(/not a directory/)
  })
})
