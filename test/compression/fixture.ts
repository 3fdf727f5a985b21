/**
 * The site the compression wire tests serve through the real `tinyhttp-cli`: a ~300 KB JavaScript bundle
 * of seeded, varied text (compresses like real code, not like a repeated line), an HTML page and a
 * stylesheet above 1 KiB, files that must never be compressed (PNG, WOFF2, a `.gz` file, a text file
 * below 1 KiB, a bundle too big for the memory cache), and optionally precompressed siblings.
 *
 * @module
 */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { tempDir } from '../cli/helpers.js'
import { seeded } from '../helpers/seeded.js'

export { seeded }

const WORDS = (
  'alpha beta gamma delta render state props effect memo ref context reducer dispatch action payload ' +
  'value index count total length width height offset scroll layout paint frame queue task promise ' +
  'resolve reject error cache store fetch request response header body stream chunk buffer encode ' +
  'decode parse format locale number string object array map set weak symbol iterator generator ' +
  'module export import default class extends super static private public async await yield'
).split(' ')

/**
 * Seeded JavaScript that parses and runs: `lines` statements of varied identifiers, numbers and strings,
 * then a last statement that marks the page (`document.body.dataset.bundle = 'ok:<lines>'`) so a
 * browser test sees the whole decoded file ran.
 *
 * @param bytes - approximate size wanted
 * @param seed - PRNG seed
 * @returns the source text
 * @example
 * ```ts
 * const js = bundleSource(300_000, 1) // ~300 KB, compresses about 3–5× with brotli
 * ```
 */
export function bundleSource(bytes: number, seed: number): string {
  const rnd = seeded(seed)
  const pick = (): string => WORDS[Math.floor(rnd() * WORDS.length)] as string
  const parts: string[] = ['"use strict";\n', 'var __bundle = {};\n']
  let size = parts.join('').length
  let n = 0
  while (size < bytes) {
    const name = `${pick()}_${Math.floor(rnd() * 1e6).toString(36)}`
    const kind = rnd()
    let line: string
    if (kind < 0.4) {
      const [a, b] = [`${pick()}A`, `${pick()}B`]
      line = `__bundle.${name} = function (${a}, ${b}) { return ${rnd() < 0.5 ? a : b} + ${Math.floor(rnd() * 1e5)}; };\n`
    } else if (kind < 0.7) line = `__bundle.${name} = ${JSON.stringify(Array.from({ length: 4 + Math.floor(rnd() * 8) }, pick).join(' '))};\n`
    else if (kind < 0.9) line = `__bundle.${name} = [${Array.from({ length: 3 + Math.floor(rnd() * 6) }, () => Math.floor(rnd() * 1e9)).join(', ')}];\n`
    else line = `// ${Array.from({ length: 6 + Math.floor(rnd() * 10) }, pick).join(' ')}\n`
    parts.push(line)
    size += line.length
    n++
  }
  parts.push(`document.body.dataset.bundle = 'ok:${n}';\n`)
  return parts.join('')
}

function stylesheet(seed: number): string {
  const rnd = seeded(seed)
  const rules: string[] = ['h1 { color: rgb(12, 74, 110); }\n']
  for (let i = 0; i < 80; i++) {
    const c = (): number => Math.floor(rnd() * 256)
    rules.push(`.${WORDS[i % WORDS.length]}-${i} { margin: ${Math.floor(rnd() * 40)}px; color: rgb(${c()}, ${c()}, ${c()}); }\n`)
  }
  return rules.join('')
}

function page(): string {
  const paragraphs = Array.from({ length: 12 }, (_, i) => `    <p class="alpha-${i}">Paragraph ${i}: ${WORDS.slice(i * 3, i * 3 + 20).join(' ')}.</p>`)
  return [
    '<!doctype html>',
    '<html lang="en">',
    '  <head>',
    '    <meta charset="utf-8">',
    '    <title>compression demo</title>',
    '    <link rel="stylesheet" href="/style.css">',
    '  </head>',
    '  <body>',
    '    <h1>compression demo</h1>',
    ...paragraphs,
    '    <script src="/app.js"></script>',
    '  </body>',
    '</html>',
    '',
  ].join('\n')
}

function svg(): string {
  const circles = Array.from({ length: 30 }, (_, i) => `  <circle cx="${(i * 7) % 100}" cy="${(i * 13) % 100}" r="${2 + (i % 5)}" fill="#${(i * 123457).toString(16).slice(-6).padStart(6, '0')}"/>`)
  return ['<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">', ...circles, '</svg>', ''].join('\n')
}

function randomBytes(length: number, seed: number, magic: Buffer): Buffer {
  const rnd = seeded(seed)
  const out = Buffer.alloc(length)
  for (let i = 0; i < length; i++) out[i] = Math.floor(rnd() * 256)
  magic.copy(out, 0)
  return out
}

/** URL paths (without `/`) of the files worth compressing in {@link makeSite}. */
export const COMPRESSIBLE = ['app.js', 'index.html', 'style.css', 'data.json', 'icon.svg'] as const

/** URL paths of the files that must always go out as they are on disk. */
export const NEVER_COMPRESSED = ['logo.png', 'font.woff2', 'notes.txt.gz', 'small.txt', 'big.js'] as const

/** A site on disk: the working directory, its `public/` root and every file's bytes by name. */
export interface Site {
  cwd: string
  root: string
  files: Map<string, Buffer>
}

/**
 * Writes the demo site into a fresh temporary folder (removed by `cleanupTemp` of test/cli/helpers).
 * Every file gets a modification time an hour ago, so a later edit is a clear change.
 *
 * @param options - `precompressed`: also write `app.js.br` (brotli quality 4) and `app.js.gz` (gzip
 *   level 1), made at qualities the server never uses, so their bytes tell them apart from run-time
 *   variants
 * @returns the site
 * @example
 * ```ts
 * const site = makeSite()
 * const cli = await startCli([site.root, '--port', '0', '-q'], { cwd: site.cwd })
 * ```
 */
export function makeSite(options: { precompressed?: boolean } = {}): Site {
  const cwd = tempDir('tinyhttp-compress-')
  const root = join(cwd, 'public')
  mkdirSync(root)
  const notes = bundleSource(20_000, 7)
  const files = new Map<string, Buffer>([
    ['app.js', Buffer.from(bundleSource(300_000, 1))],
    ['index.html', Buffer.from(page())],
    ['style.css', Buffer.from(stylesheet(2))],
    ['data.json', Buffer.from(JSON.stringify({ items: Array.from({ length: 60 }, (_, i) => ({ id: i, name: WORDS[i % WORDS.length], ok: i % 3 === 0 })) }, null, 2))],
    ['icon.svg', Buffer.from(svg())],
    ['logo.png', randomBytes(8192, 3, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))],
    ['font.woff2', randomBytes(8192, 4, Buffer.from('wOF2', 'latin1'))],
    ['notes.txt.gz', gzipSync(notes)],
    ['small.txt', Buffer.from('a small text file, well below the 1 KiB threshold.\n'.repeat(8))],
    ['big.js', Buffer.from(bundleSource(2 * 1024 * 1024 + 4096, 5))],
  ])
  if (options.precompressed === true) {
    const app = files.get('app.js') as Buffer
    files.set('app.js.br', brotliCompressSync(app, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }))
    files.set('app.js.gz', gzipSync(app, { level: 1 }))
  }
  const old = new Date(Date.now() - 3600_000)
  for (const [name, bytes] of files) {
    writeFileSync(join(root, name), bytes)
    utimesSync(join(root, name), old, old)
  }
  return { cwd, root, files }
}

/**
 * The bytes of a file of the site.
 *
 * @param site - from {@link makeSite}
 * @param name - the file name
 * @returns its bytes (throws when the fixture has no such file)
 * @example
 * ```ts
 * fileOf(site, 'app.js').length // ~300 000
 * ```
 */
export function fileOf(site: Site, name: string): Buffer {
  const bytes = site.files.get(name)
  if (bytes === undefined) throw new Error(`the fixture has no ${name}`)
  return bytes
}
