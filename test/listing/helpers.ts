// Shared set-up for the listing tests: a site with the cases a listing must hide or show, and the chain
// `fallback → listing → allowlist → static` the CLI uses, answered through app.inject().
import { createHash } from 'node:crypto'
import { mkdir, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { allowlist, type AllowlistMiddleware, type AllowlistOptions } from 'tinyhttp-allowlist'
import { createApp, type App, type InjectResult } from 'tinyhttp-core'
import { fallback } from 'tinyhttp-fallback'
import { listing, type ListingMiddleware, type ListingOptions } from 'tinyhttp-listing'
import { serveStatic } from 'tinyhttp-static'
import { writeTree } from '../helpers/file-tree.js'

/** Names that need escaping in HTML or encoding in a URL, and that the canonical path accepts. */
export const SPECIAL_NAMES = ["R&D's notes.txt", '100%.txt', 'café ☕.txt', 'x#y.txt', 'a+b=c;d.txt']

/** Names the canonical path refuses (`<`, `>`, `"`): never served, so never listed. */
export const HOSTILE_NAMES = ['<img src=x onerror=alert(1)>.txt', '"quoted".txt', '<script>alert(1)<!--.txt']

/**
 * The site: `www/` is the root; `outside/` lies next to it (symlink targets).
 *
 * @returns the base folder and the root
 */
export async function makeSite(): Promise<{ base: string; root: string }> {
  const files: Record<string, string> = {
    'www/index.html': '<h1>home</h1>',
    'www/docs/readme.txt': 'read me',
    'www/docs/big.bin': 'x'.repeat(5000),
    'www/docs/sub/deep.txt': 'deep',
    'www/docs/private/key.txt': 'denied by remove()',
    'www/docs/secret.txt': 'denied by remove()',
    'www/docs/.env': 'DOTFILE=1',
    'www/docs/.hidden/inside.txt': 'in a dot folder',
    'www/docs/only-denied/x.txt': 'denied',
    'www/.well-known/security.txt': 'Contact: mailto:security@example.test',
    'www/guide/index.html': '<h1>guide</h1>',
    'www/guide/page.html': '<h1>page</h1>',
    'outside/secret.txt': 'SECRET OUTSIDE',
    'outside/dir/file.txt': 'OUTSIDE DIR',
  }
  for (const name of [...SPECIAL_NAMES, ...HOSTILE_NAMES]) files[`www/docs/${name}`] = `content of ${name}`
  const base = await writeTree('tinyhttp-listing-', files)
  const root = join(base, 'www')
  await mkdir(join(root, 'docs', 'empty'))
  await symlink('../../outside/secret.txt', join(root, 'docs', 'link-out.txt'))
  await symlink('../../outside/dir', join(root, 'docs', 'link-dir'))
  await symlink('readme.txt', join(root, 'docs', 'link-in.txt'))
  return { base, root }
}

/** An app with the CLI's order, and its allowlist and listing. */
export interface ListingApp {
  app: App
  list: AllowlistMiddleware
  mw: ListingMiddleware
}

/**
 * `fallback(404) → listing → allowlist → static` over `root`.
 *
 * @param root - the served folder
 * @param entries - allow entries
 * @param options - allowlist and listing options
 */
export async function listingApp(
  root: string,
  entries: string[] = ['**/*', '.well-known/security.txt'],
  options: { allow?: Partial<AllowlistOptions>; listing?: ListingOptions } = {},
): Promise<ListingApp> {
  const list = allowlist(entries, { root, ...options.allow })
  await list.ready
  const mw = listing(list, options.listing)
  const app = createApp()
  app.use(fallback({ status: 404 }), mw, list, serveStatic(root))
  return { app, list, mw }
}

/** A GET (or HEAD) through inject. */
export function get(app: App, target: string, headers: Record<string, string> = {}, method = 'GET'): Promise<InjectResult> {
  return app.inject({ method, target, headers: { Host: 'localhost', ...headers } })
}

/** Every value of a header field, line by line, read from the raw bytes. */
export function fieldLines(res: InjectResult, name: string): string[] {
  const head = res.raw.toString('latin1').split('\r\n\r\n', 1)[0]!
  const lower = name.toLowerCase() + ':'
  return head
    .split('\r\n')
    .filter(l => l.toLowerCase().startsWith(lower))
    .map(l => l.slice(lower.length).trim())
}

/** The `sha256-…` source of a style element's text. */
export function styleHash(style: string): string {
  return `'sha256-${createHash('sha256').update(style).digest('base64')}'`
}

/** The names of a JSON listing's entries. */
export function jsonNames(res: InjectResult): string[] {
  return (JSON.parse(res.body.toString('utf8')) as { entries: Array<{ name: string }> }).entries.map(e => e.name)
}
