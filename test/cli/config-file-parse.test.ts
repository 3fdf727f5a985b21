// tinyhttp.json's reader as a pure function: what each key becomes, every fault named `file: key: why`,
// and a property: whatever the bytes, the reader returns or throws our usage error, nothing else.
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseConfigFile } from '../../packages/cli/src/config-file.js'
import { mergeWithFile } from '../../packages/cli/src/config-file-load.js'
import { parseArgs } from '../../packages/cli/src/args.js'
import { CliError } from '../../packages/cli/src/errors.js'

const DIR = '/srv/project'
const parse = (json: unknown, name = 'tinyhttp.json'): ReturnType<typeof parseConfigFile> =>
  parseConfigFile(typeof json === 'string' ? json : JSON.stringify(json), name, DIR)

function fault(json: unknown, name = 'tinyhttp.json'): CliError {
  try {
    parse(json, name)
  } catch (err) {
    expect(err).toBeInstanceOf(CliError)
    expect((err as CliError).exitCode).toBe(2)
    return err as CliError
  }
  throw new Error(`accepted: ${JSON.stringify(json)}`)
}

describe('parseConfigFile: what each key becomes', () => {
  it('an empty object: no options, no root, no rules', () => {
    expect(parse({})).toMatchObject({ options: {}, root: undefined, siteRules: undefined, allowedRedirectHosts: [] })
    // A BOM and $schema are fine.
    expect(parse('\uFEFF{"$schema": "./node_modules/tinyhttp-cli/tinyhttp.schema.json"}').options).toEqual({})
  })

  it.each<[string, unknown, Record<string, unknown>]>([
    ['boolean', { isolate: true, etag: false }, { isolate: true, etag: false }],
    ['integer value', { port: 8080, maxAge: 0, workers: 2 }, { port: '8080', 'max-age': '0', workers: '2' }],
    ['string value', { host: '::1', logFormat: 'json', cache: 'spa' }, { host: '::1', 'log-format': 'json', cache: 'spa' }],
    ['enum number', { notFound: 404 }, { 'not-found': '404' }],
    ['list', { allow: ['index.html', 'assets/**'], allowedHosts: ['app.test'] }, { allow: ['index.html', 'assets/**'], 'allowed-hosts': ['app.test'] }],
    ['optional: true / false / text', { cors: true, spa: 'shell.html' }, { cors: true, spa: 'shell.html' }],
    ['cors as a list of origins', { cors: ['https://a.example', 'http://localhost:3000'] }, { cors: 'https://a.example,http://localhost:3000' }],
    ['cors off', { cors: false }, { cors: false }],
  ])('%s', (_, json, options) => {
    expect(parse(json).options).toEqual(options)
  })

  it('root, allowFile, tlsCert, tlsKey are read against the file\'s folder; spa and allow stay relative to the root', () => {
    const file = parse({ root: 'dist', allowFile: '../allow.txt', tlsCert: 'tls/cert.pem', tlsKey: '/etc/key.pem', spa: 'app.html', allow: ['app.html'] })
    expect(file.root).toBe('/srv/project/dist')
    expect(file.options).toMatchObject({ 'allow-file': '/srv/allow.txt', 'tls-cert': '/srv/project/tls/cert.pem', 'tls-key': '/etc/key.pem', spa: 'app.html', allow: ['app.html'] })
  })

  it('rule keys become one rule set in serve.json\'s meaning, with the file and key as source', () => {
    const { siteRules, allowedRedirectHosts } = parse({
      headers: [{ source: '/assets/**', headers: [{ key: 'Cache-Control', value: 'public, max-age=31536000, immutable' }] }],
      redirects: [{ source: '/old', destination: '/new', type: 308 }, { source: '/docs/*', destination: 'https://docs.example/:splat' }],
      rewrites: [{ source: '/app/**', destination: '/index.html' }],
      cleanUrls: true,
      trailingSlash: false,
      allowedRedirectHosts: ['docs.example'],
    })
    expect(allowedRedirectHosts).toEqual(['docs.example'])
    expect(siteRules?.cleanUrls).toBe(true)
    expect(siteRules?.trailingSlash).toBe('remove')
    expect(siteRules?.headers.map(h => [h.pattern.text, h.headers, h.source])).toEqual([
      ['/assets/**', [['Cache-Control', 'public, max-age=31536000, immutable']], { file: 'tinyhttp.json', key: 'headers[0]' }],
    ])
    expect(siteRules?.routes.map(r => [r.kind, r.pattern.text, r.to.text, r.kind === 'redirect' ? r.status : 200, r.source.key])).toEqual([
      ['redirect', '/old', '/new', 308, 'redirects[0]'],
      ['redirect', '/docs/*', 'https://docs.example/:splat', 301, 'redirects[1]'],
      ['rewrite', '/app/**', '/index.html', 200, 'rewrites[0]'],
    ])
  })

  it('trailingSlash also takes "add", "remove" and "ignore" (serve.json\'s true/false mean add/remove)', () => {
    for (const [value, mode] of [[true, 'add'], [false, 'remove'], ['add', 'add'], ['remove', 'remove'], ['ignore', 'ignore']] as const) {
      expect(parse({ trailingSlash: value }).siteRules).toEqual({ headers: [], routes: [], trailingSlash: mode })
    }
  })

  it('flags laid over the file: each kind replaces the file\'s value; the root argument replaces root', () => {
    const file = parse({ root: 'dist', isolate: false, cors: 'https://a.example', allow: ['a.html', 'b.html'], maxAge: 60, quiet: true })
    const merged = mergeWithFile(file, parseArgs(['site', '--isolate', '--no-cors', '-a', 'c.html', '--max-age', '120']))
    expect(merged.root).toBe('site')
    expect(merged.options).toEqual({ isolate: true, cors: false, allow: ['c.html'], 'max-age': '120', quiet: true })
    expect(mergeWithFile(file, parseArgs([])).root).toBe('/srv/project/dist')
  })
})

describe('parseConfigFile: every fault names the file and the key', () => {
  it.each<[unknown, string]>([
    ['{"port": 80,}', 'tinyhttp.json:1: invalid JSON: '],
    ['{\n"port": 80\n"host": "x"}', 'tinyhttp.json:3: invalid JSON: '],
    [[], 'tinyhttp.json: (top level): must be an object'],
    ['null', 'tinyhttp.json: (top level): must be an object'],
    [{ maxAge: -1 }, 'tinyhttp.json: maxAge: must be an integer from 0 to 315360000'],
    [{ maxAge: 1.5 }, 'tinyhttp.json: maxAge: must be an integer from 0 to 315360000'],
    [{ maxAge: '60' }, 'tinyhttp.json: maxAge: must be an integer from 0 to 315360000'],
    [{ port: 65536 }, 'tinyhttp.json: port: must be an integer from 0 to 65535'],
    [{ workers: 257 }, 'tinyhttp.json: workers: must be an integer from 0 to 256'],
    [{ etag: 'yes' }, 'tinyhttp.json: etag: must be true or false'],
    [{ host: '' }, 'tinyhttp.json: host: must be a non-empty string'],
    [{ host: 'a b' }, 'tinyhttp.json: host: must be an IP address or a host name, got "a b"'],
    [{ logFormat: 'xml' }, 'tinyhttp.json: logFormat: must be "text" or "json"'],
    [{ notFound: '404' }, 'tinyhttp.json: notFound: must be 403 or 404'],
    [{ cache: 'all' }, 'tinyhttp.json: cache: must be "spa"'],
    [{ allow: 'index.html' }, 'tinyhttp.json: allow: must be an array of non-empty strings'],
    [{ allow: ['index.html', 3] }, 'tinyhttp.json: allow[1]: must be a non-empty string'],
    [{ cors: 1 }, 'tinyhttp.json: cors: must be true or false, a non-empty string, or an array of non-empty strings'],
    [{ cors: ['https://a.example', 2] }, 'tinyhttp.json: cors[1]: must be a non-empty string'],
    [{ cors: [] }, 'tinyhttp.json: cors: must not be empty'],
    [{ cors: 'https://a.example/' }, 'tinyhttp.json: cors: "https://a.example/" is not an origin like https://app.example or http://localhost:3000'],
    [{ allowedHosts: ['all', 'x.test'] }, 'tinyhttp.json: allowedHosts: "all" cannot be combined with names'],
    [{ 'max-age': 5 }, 'tinyhttp.json: max-age: unknown key (did you mean "maxAge"?)'],
    [{ MaxAge: 5 }, 'tinyhttp.json: MaxAge: unknown key (did you mean "maxAge"?)'],
    [{ colour: true }, 'tinyhttp.json: colour: unknown key'],
    ['{"__proto__": {"port": 1}}', 'tinyhttp.json: __proto__: unknown key'],
    [{ help: true }, 'tinyhttp.json: help: unknown key'],
    [{ check: true }, 'tinyhttp.json: check: unknown key'],
    [{ config: 'other.json' }, 'tinyhttp.json: config: unknown key'],
    [{ public: 'dist' }, 'tinyhttp.json: public: unknown key'],
    [{ root: 3 }, 'tinyhttp.json: root: must be a non-empty string'],
    [{ $schema: 1 }, 'tinyhttp.json: $schema: must be a string'],
    [{ headers: {} }, 'tinyhttp.json: headers: must be an array of objects'],
    [{ headers: [{ source: '/a' }] }, 'tinyhttp.json: headers[0].headers: missing'],
    [{ headers: [{ source: '/a', headers: [] }] }, 'tinyhttp.json: headers[0].headers: must not be empty'],
    [{ headers: [{ source: '/a', headers: [{ key: 'Content-Length', value: '1' }] }] }, 'tinyhttp.json: headers[0].headers[0]: '],
    [{ headers: [{ source: '/a', headers: [{ key: 'X', value: 'a', extra: 1 }] }] }, 'tinyhttp.json: headers[0].headers[0].extra: unknown key'],
    [{ redirects: [{ source: '/a', destination: '/b', type: 200 }] }, 'tinyhttp.json: redirects[0].type: must be 301, 302, 303, 307 or 308'],
    [{ redirects: [{ source: '/a', destination: '//evil.example/' }] }, 'tinyhttp.json: redirects[0]: destination "//evil.example/"'],
    [{ redirects: [{ source: '/a', destination: 'https://evil.example/' }] }, 'tinyhttp.json: redirects[0]: destination "https://evil.example/": host evil.example is not in the allowed hosts (list the host in allowedRedirectHosts)'],
    [{ redirects: [{ source: '/a', destination: '/b' }, { source: '/b', destination: '/a' }] }, 'tinyhttp.json: redirects[0]: redirect cycle'],
    [{ rewrites: [{ source: '/a', destination: 'https://x.example/' }] }, 'tinyhttp.json: rewrites[0].destination: proxying'],
    [{ rewrites: [{ source: '/a', destination: '/b', type: 301 }] }, 'tinyhttp.json: rewrites[0].type: unknown key'],
    [{ cleanUrls: ['/blog/**'] }, 'tinyhttp.json: cleanUrls: must be true or false'],
    [{ trailingSlash: 'keep' }, 'tinyhttp.json: trailingSlash: must be true or false, or "add", "remove" or "ignore"'],
    [{ allowedRedirectHosts: ['Docs.Example'] }, 'tinyhttp.json: allowedRedirectHosts[0]: must be a lower-case host name like docs.example'],
    [{ allowedRedirectHosts: ['docs.example:8443'] }, 'tinyhttp.json: allowedRedirectHosts[0]: must be a lower-case host name like docs.example'],
  ])('%j → %s', (json, message) => {
    expect(fault(json).message.startsWith(message), fault(json).message).toBe(true)
  })

  it('names the file as given (--config)', () => {
    expect(fault({ port: -1 }, 'conf/site.json').message).toBe('conf/site.json: port: must be an integer from 0 to 65535')
  })
})

describe('parseConfigFile: property', () => {
  const valid = JSON.stringify({
    $schema: './tinyhttp.schema.json',
    root: 'dist',
    port: 8080,
    cors: ['https://a.example'],
    maxAge: 60,
    allow: ['index.html', 'assets/**'],
    headers: [{ source: '/assets/**', headers: [{ key: 'Cache-Control', value: 'no-cache' }] }],
    redirects: [{ source: '/old/:id', destination: '/new/:id', type: 302 }],
    rewrites: [{ source: '/app/**', destination: '/index.html' }],
    trailingSlash: 'ignore',
    allowedRedirectHosts: ['docs.example'],
  })

  const expectOurError = (text: string): void => {
    try {
      parseConfigFile(text, 'tinyhttp.json', DIR)
    } catch (err) {
      expect(err).toBeInstanceOf(CliError)
      expect((err as CliError).exitCode).toBe(2)
      expect((err as CliError).message).toMatch(/^tinyhttp\.json(:\d+)?: /)
    }
  }

  it('the valid file parses', () => {
    expect(parse(valid).siteRules?.routes).toHaveLength(2)
  })

  it('byte mutations of a valid file: parsed, or our config error', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 127 }), fc.constantFrom('replace', 'insert', 'delete')), { minLength: 1, maxLength: 6 }), edits => {
        let text = valid
        for (const [at, code, how] of edits) {
          const i = at % (text.length + 1)
          const ch = String.fromCharCode(code)
          text = how === 'replace' ? text.slice(0, i) + ch + text.slice(i + 1) : how === 'insert' ? text.slice(0, i) + ch + text.slice(i) : text.slice(0, i) + text.slice(i + 1)
        }
        expectOurError(text)
      }),
      { numRuns: 2000 },
    )
  })

  it('any JSON value at any key: parsed, or our config error', () => {
    const keys = fc.constantFrom('port', 'cors', 'allow', 'spa', 'host', 'allowedHosts', 'headers', 'redirects', 'rewrites', 'trailingSlash', 'cleanUrls', 'allowedRedirectHosts', 'root', 'notFound', 'x')
    fc.assert(
      fc.property(fc.dictionary(keys, fc.jsonValue({ maxDepth: 4 })), obj => expectOurError(JSON.stringify(obj))),
      { numRuns: 2000 },
    )
  })

  it('rule-shaped values with random strings: parsed, or our config error', () => {
    const str = fc.oneof(fc.string(), fc.constantFrom('/a', '/:x', '/**', '/*.js', '//x', 'https://docs.example/a', '/a\\b', '/%2e%2e'))
    const rule = fc.record({ source: str, destination: str, type: fc.constantFrom(301, 302, 200) }, { requiredKeys: ['source', 'destination'] })
    const header = fc.record({ source: str, headers: fc.array(fc.record({ key: str, value: str }), { maxLength: 3 }) })
    fc.assert(
      fc.property(fc.record({ redirects: fc.array(rule, { maxLength: 4 }), rewrites: fc.array(fc.record({ source: str, destination: str }), { maxLength: 3 }), headers: fc.array(header, { maxLength: 3 }) }), obj =>
        expectOurError(JSON.stringify({ ...obj, allowedRedirectHosts: ['docs.example'] })),
      ),
      { numRuns: 1000 },
    )
  })
})

describe('the README examples', () => {
  it.each(['README.md', 'packages/cli/README.md'])('every tinyhttp.json example in %s parses', path => {
    const text = readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')
    const blocks = [...text.matchAll(/```json\n([\s\S]*?)```/g)].map(m => m[1] as string).filter(b => b.includes('tinyhttp.schema.json'))
    expect(blocks.length).toBeGreaterThan(0)
    for (const block of blocks) expect(parse(block).options).toBeDefined()
  })
})
