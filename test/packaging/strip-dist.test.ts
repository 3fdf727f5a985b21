// scripts/strip-dist.mjs: the built JavaScript loses its comments and becomes ASCII, and stays the same
// program, token for token and line for line; the `.d.ts` files keep their TSDoc.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
// @ts-expect-error: a plain ES module script without types
import { strip } from '../../scripts/strip-dist.mjs'
import { REPO_ROOT } from './helpers.js'

const stripJs = strip as (name: string, text: string) => string

/** Runs a function body and returns what it returns. */
const run = (body: string): unknown => new Function(body)()

const lines = (text: string): number => text.split('\n').length

describe('strip(): comments out, the program unchanged', () => {
  const cases: Array<[string, string, string]> = [
    // [what, input, expected output]
    ['a line comment on its own line', 'const a = 1;\n// note\nconst b = 2;\n', 'const a = 1;\n\nconst b = 2;\n'],
    ['a trailing line comment', 'const a = 1; // note\n', 'const a = 1;\n'],
    ['a JSDoc block keeps its line breaks', '/**\n * Doc — with a dash.\n */\nexport function f() {}\n', '\n\n\nexport function f() {}\n'],
    ['an indented block comment', 'class A {\n    /** The x. */\n    x = 1;\n}\n', 'class A {\n\n    x = 1;\n}\n'],
    ['a block comment before code on its line keeps the columns', 'f(/* a */ 1);\n', 'f(        1);\n'],
    ['the source map comment stays', 'export {};\n//# sourceMappingURL=a.js.map', 'export {};\n//# sourceMappingURL=a.js.map'],
    ['a shebang stays', '#!/usr/bin/env node\n// x\nrun();\n', '#!/usr/bin/env node\n\nrun();\n'],
    ['comment-like text in strings stays', "const u = 'http://x/*y*/';\n", "const u = 'http://x/*y*/';\n"],
    ['comment-like text in templates stays', 'const t = `a // b ${1 /* c */} d /* e */`;\n', 'const t = `a // b ${1        } d /* e */`;\n'],
    ['a regular expression with slashes stays', 'const r = /\\/\\/|\\/\\*/g; // x\n', 'const r = /\\/\\/|\\/\\*/g;\n'],
    ['a division followed by a comment', 'const q = a / b; // half\n', 'const q = a / b;\n'],
    ['non-ASCII in a string becomes an escape', "const s = 'a—b';\n", "const s = 'a\\u2014b';\n"],
    ['non-ASCII in a template becomes an escape', 'const s = `→${x}×`;\n', 'const s = `\\u2192${x}\\u00d7`;\n'],
    ['non-ASCII in a regular expression becomes an escape', 'const r = /[–—]/u;\n', 'const r = /[\\u2013\\u2014]/u;\n'],
    ['blank-looking lines inside a template stay as they are', 'const t = `a\n    \nb`; // x\n', 'const t = `a\n    \nb`;\n'],
    ['an already stripped file is unchanged', 'const a = 1;\n\nconst b = 2;\n', 'const a = 1;\n\nconst b = 2;\n'],
  ]
  it.each(cases)('%s', (_what, input, expected) => {
    const out = stripJs('case.js', input)
    expect(out).toBe(expected)
    expect(lines(out)).toBe(lines(input))
    expect(out).toMatch(/^[\x00-\x7f]*$/)
  })

  it('strings, templates and regular expressions mean the same after escaping', () => {
    const body = "const s = 'a—b→c'; const t = `x${s}×`; const r = /^[–—]+$/u; // ✓\nreturn [s, t, r.test('–—'), r.test('-')]"
    expect(run(stripJs('case.js', body))).toEqual(run(body))
  })

  it('a character outside ASCII that cannot be escaped is an error naming the file and line', () => {
    expect(() => stripJs('pkg/dist/x.js', 'const a = 1;\nconst café = 2;\n')).toThrow(/pkg\/dist\/x\.js:2: a character outside ASCII/)
  })

  it('property: any string literal, with a comment around it, keeps its value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (value, note) => {
        const safeNote = note.replace(/\*\//g, '').replace(/[\r\n\u2028\u2029]/g, ' ')
        const body = `/** ${safeNote} */\nconst v = ${JSON.stringify(value)}; // ${safeNote}\nreturn v`
        const out = stripJs('prop.js', body)
        expect(out).toMatch(/^[\x00-\x7f]*$/)
        expect(lines(out)).toBe(lines(body))
        expect(run(out)).toBe(value)
      }),
      { numRuns: 300 },
    )
  })
})

function* files(dir: string, suffix: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* files(path, suffix)
    else if (entry.name.endsWith(suffix)) yield path
  }
}

describe('the built packages (the test script strips after tsc -b)', () => {
  const packages = readdirSync(join(REPO_ROOT, 'packages')).map(p => join(REPO_ROOT, 'packages', p, 'dist'))

  it('every dist/*.js is ASCII, free of comments, and stripping it again changes nothing', () => {
    let count = 0
    for (const dist of packages) {
      for (const file of files(dist, '.js')) {
        const text = readFileSync(file, 'utf8')
        expect(text, file).toMatch(/^[\x00-\x7f]*$/)
        expect(stripJs(file, text), file).toBe(text)
        count++
      }
    }
    expect(count).toBeGreaterThan(100)
  })

  it('the .d.ts files keep their TSDoc', () => {
    const dts = readFileSync(join(REPO_ROOT, 'packages/core/dist/app.d.ts'), 'utf8')
    expect(dts).toMatch(/\/\*\*[^]*@example[^]*\*\/\s*\n\s*inject\(/)
  })
})
