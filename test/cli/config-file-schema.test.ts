// The published JSON Schema of tinyhttp.json: generated from FLAGS, committed as
// packages/cli/tinyhttp.schema.json (equal to the generated one), shipped in the package, and written
// only in the keywords our validator implements (so the schema editors read and the checks we run agree).
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { FLAGS } from '../../packages/cli/src/args.js'
import { MAX_WORKERS } from '../../packages/cli/src/config.js'
import { configSchema, schemaText } from '../../packages/cli/src/schema.js'
import { COMMAND_LINE_ONLY, camelCase, configOptions } from '../../packages/cli/src/schema-options.js'
import { schemaKeywordProblem } from '../../packages/cli/src/schema-validate.js'
import { REPO } from './helpers.js'

const committed = readFileSync(new URL('../../packages/cli/tinyhttp.schema.json', import.meta.url), 'utf8')

describe('tinyhttp.schema.json', () => {
  it('the committed file is the generated schema (regenerate: node packages/cli/dist/bin.js --print-schema > packages/cli/tinyhttp.schema.json)', () => {
    expect(committed).toBe(schemaText())
  })

  it('has every flag as its camelCase key, except the command-line-only ones', () => {
    const properties = configSchema().properties ?? {}
    const expected = FLAGS.filter(f => !COMMAND_LINE_ONLY.has(f.name)).map(f => camelCase(f.name))
    for (const key of expected) expect(Object.hasOwn(properties, key), `${key} is missing from the schema`).toBe(true)
    for (const name of COMMAND_LINE_ONLY) {
      expect(FLAGS.some(f => f.name === name), `${name} is a flag`).toBe(true)
      expect(Object.hasOwn(properties, camelCase(name)), `${name} must not be a key`).toBe(false)
    }
    // Options, then $schema, root and the six rule keys: nothing else.
    expect(Object.keys(properties).sort()).toEqual(
      [...expected, '$schema', 'root', 'headers', 'redirects', 'rewrites', 'cleanUrls', 'trailingSlash', 'allowedRedirectHosts'].sort(),
    )
    expect(configSchema().additionalProperties).toBe(false)
  })

  it('camelCase of flag names', () => {
    expect(['max-age', 'allow-file', 'tls-cert', 'security-headers', 'port'].map(camelCase)).toEqual(['maxAge', 'allowFile', 'tlsCert', 'securityHeaders', 'port'])
  })

  it('a key\'s type follows its flag\'s kind unless the table makes it stricter', () => {
    const byKey = new Map(configOptions().map(o => [o.key, o.schema]))
    for (const f of FLAGS) {
      const schema = byKey.get(camelCase(f.name))
      if (schema === undefined) continue
      if (f.kind === 'boolean') expect(schema.type, f.name).toBe('boolean')
      if (f.kind === 'list') expect(schema.type, f.name).toBe('array')
      expect(schema.description, f.name).toContain(f.description)
    }
    expect(byKey.get('workers')?.maximum).toBe(MAX_WORKERS)
    expect(byKey.get('maxAge')?.maximum).toBe(31_536_000 * 10)
  })

  it('uses only the keywords the validator implements', () => {
    expect(schemaKeywordProblem(configSchema())).toBeUndefined()
    // …and that check is not vacuous.
    expect(schemaKeywordProblem({ properties: { a: { type: 'string', format: 'uri' } } } as never)).toBe('(root).a: keyword "format" is not implemented')
  })

  it('ships in the package: files and exports name it', () => {
    const manifest = JSON.parse(readFileSync(`${REPO}packages/cli/package.json`, 'utf8')) as { files: string[]; exports: Record<string, unknown> }
    expect(manifest.files).toContain('tinyhttp.schema.json')
    expect(manifest.exports['./tinyhttp.schema.json']).toBe('./tinyhttp.schema.json')
  })
})
