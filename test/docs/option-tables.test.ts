// The option table of tinyhttp-cli stands in two READMEs (the root one and packages/cli/README.md). Both
// must be the same table, and together with --help they must name every option the parser knows, so a
// flag added in args.ts cannot be missing from the docs, and the two copies cannot drift apart.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { FLAGS } from '../../packages/cli/src/args.js'

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')

/** The rows of the first Markdown table whose header starts with `| option |`. */
function optionRows(markdown: string): string[] {
  const lines = markdown.split('\n')
  const start = lines.findIndex(l => l.startsWith('| option |'))
  if (start < 0) return []
  const rows: string[] = []
  for (let i = start + 2; i < lines.length && lines[i]?.startsWith('|'); i++) rows.push(lines[i] as string)
  return rows
}

/** The long options a row documents: every `--name` in its first cell (`--cors [origins]`, `--no-cors`). */
function namesIn(row: string): string[] {
  const first = row.split(' | ')[0] ?? ''
  return [...first.matchAll(/--([a-z][a-z-]*)/g)].map(m => m[1] as string)
}

describe('the CLI option table', () => {
  const root = optionRows(read('README.md'))
  const cli = optionRows(read('packages/cli/README.md'))

  it('is found in both READMEs (not vacuous)', () => {
    expect(root.length).toBeGreaterThanOrEqual(FLAGS.length - 2)
    expect(cli.length).toBeGreaterThanOrEqual(FLAGS.length - 2)
  })

  it('is the same table in README.md and packages/cli/README.md', () => {
    expect(root).toEqual(cli)
  })

  it('documents every option of the parser, and only those', () => {
    const documented = new Set(cli.flatMap(namesIn))
    for (const flag of FLAGS) expect(documented.has(flag.name), `--${flag.name} is missing from the table`).toBe(true)
    const known = new Set<string>(FLAGS.flatMap(f => ('negatable' in f && f.negatable ? [f.name, `no-${f.name}`] : [f.name])))
    for (const name of documented) expect(known.has(name), `--${name} is in the table but not in FLAGS`).toBe(true)
  })
})
