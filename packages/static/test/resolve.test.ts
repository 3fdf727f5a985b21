import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasDotSegment, isInside, joinSegments, resolvePath, type ResolveOptions } from '../src/resolve.js'

describe('resolve: pure helpers', () => {
  it('isInside is sibling-prefix safe (S1/S2)', () => {
    expect(isInside('/srv/www', '/srv/www')).toBe(true)
    expect(isInside('/srv/www', '/srv/www/a/b.txt')).toBe(true)
    expect(isInside('/srv/www', '/srv/www-secret/secret.txt')).toBe(false)
    expect(isInside('/srv/www', '/srv/wwwsecret/s.txt')).toBe(false)
    expect(isInside('/srv/www', '/srv')).toBe(false)
    expect(isInside('/', '/etc/passwd')).toBe(true)
  })
  it('hasDotSegment', () => {
    expect(hasDotSegment(['.env'])).toBe(true)
    expect(hasDotSegment(['a', '.git', 'config'])).toBe(true)
    expect(hasDotSegment(['.well-known', 'x'])).toBe(true)
    expect(hasDotSegment(['a.txt', 'b.c'])).toBe(false)
    expect(hasDotSegment([])).toBe(false)
  })
  it('joinSegments', () => {
    expect(joinSegments('/srv/www', [])).toBe('/srv/www')
    expect(joinSegments('/srv/www', ['a', 'b c.txt'])).toBe('/srv/www/a/b c.txt')
  })
})

describe('resolvePath on a real tree', () => {
  let base: string
  let root: string
  const opts: ResolveOptions = { index: 'index.html', followSymlinks: false, dotfiles: false }
  beforeAll(() => {
    base = realpathSync(mkdtempSync(path.join(tmpdir(), 'tinyhttp-resolve-')))
    root = path.join(base, 'www')
    mkdirSync(path.join(root, 'sub'), { recursive: true })
    mkdirSync(path.join(root, 'empty'))
    mkdirSync(path.join(root, '.hidden'))
    mkdirSync(path.join(base, 'www-secret'))
    writeFileSync(path.join(root, 'file.txt'), 'hello')
    writeFileSync(path.join(root, 'index.html'), '<p>root</p>')
    writeFileSync(path.join(root, 'sub', 'index.html'), '<p>sub</p>')
    writeFileSync(path.join(root, '.env'), 'SECRET=1')
    writeFileSync(path.join(root, '.hidden', 'x.txt'), 'x')
    writeFileSync(path.join(base, 'outside.txt'), 'outside')
    writeFileSync(path.join(base, 'www-secret', 'secret.txt'), 'secret')
    symlinkSync(path.join(base, 'outside.txt'), path.join(root, 'link.txt'))
    symlinkSync(path.join(root, 'file.txt'), path.join(root, 'inner-link.txt'))
    symlinkSync(path.join(base, 'www-secret'), path.join(root, 'secretdir'))
    try {
      execFileSync('mkfifo', [path.join(root, 'fifo')])
    } catch {
      // no mkfifo: that case is skipped below
    }
  })
  afterAll(() => rmSync(base, { recursive: true, force: true }))

  const resolve = (segments: string[], trailingSlash = false, o: ResolveOptions = opts) => resolvePath(root, root, segments, trailingSlash, o)

  it('a file', async () => {
    expect(await resolve(['file.txt'])).toMatchObject({ kind: 'file', file: path.join(root, 'file.txt'), real: path.join(root, 'file.txt') })
  })
  it('/file.txt/ → not-a-directory', async () => {
    expect(await resolve(['file.txt'], true)).toEqual({ kind: 'not-a-directory' })
  })
  it('/ → the root index', async () => {
    expect(await resolve([], true)).toMatchObject({ kind: 'file', file: path.join(root, 'index.html') })
  })
  it('/sub/ → its index, /sub → redirect', async () => {
    expect(await resolve(['sub'], true)).toMatchObject({ kind: 'file', file: path.join(root, 'sub', 'index.html') })
    expect(await resolve(['sub'])).toEqual({ kind: 'redirect' })
  })
  it('a directory without index → none (no redirect either)', async () => {
    expect(await resolve(['empty'])).toEqual({ kind: 'none' })
    expect(await resolve(['empty'], true)).toEqual({ kind: 'none' })
  })
  it('index: false → directories are never served', async () => {
    expect(await resolve(['sub'], false, { ...opts, index: false })).toEqual({ kind: 'none' })
    expect(await resolve(['sub'], true, { ...opts, index: false })).toEqual({ kind: 'none' })
  })
  it('missing, ENOTDIR → none', async () => {
    expect(await resolve(['nope.txt'])).toEqual({ kind: 'none' })
    expect(await resolve(['file.txt', 'x'])).toEqual({ kind: 'none' })
    expect(await resolve(['a'.repeat(300)])).toEqual({ kind: 'none' })
  })
  it('dotfiles refused unless enabled', async () => {
    expect(await resolve(['.env'])).toEqual({ kind: 'none' })
    expect(await resolve(['.hidden', 'x.txt'])).toEqual({ kind: 'none' })
    expect(await resolve(['.env'], false, { ...opts, dotfiles: true })).toMatchObject({ kind: 'file' })
  })
  it('symlinks leaving the root refused unless followSymlinks (L1/L2)', async () => {
    expect(await resolve(['link.txt'])).toEqual({ kind: 'none' })
    expect(await resolve(['secretdir', 'secret.txt'])).toEqual({ kind: 'none' })
    expect(await resolve(['link.txt'], false, { ...opts, followSymlinks: true })).toMatchObject({
      kind: 'file',
      real: path.join(base, 'outside.txt'),
    })
  })
  it('a symlink inside the root is fine', async () => {
    expect(await resolve(['inner-link.txt'])).toMatchObject({ kind: 'file', real: path.join(root, 'file.txt') })
  })
  it('a FIFO is not served', async ctx => {
    try {
      execFileSync('test', ['-p', path.join(root, 'fifo')])
    } catch {
      ctx.skip()
    }
    expect(await resolve(['fifo'])).toEqual({ kind: 'none' })
  })
})
