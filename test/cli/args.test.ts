import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FLAGS, helpText, parseArgs } from '../../packages/cli/src/args.js'
import { normalizeAllowEntry, parseAllowFile, parseCorsOrigins, parseHost, resolveConfig } from '../../packages/cli/src/config.js'
import { CliError } from '../../packages/cli/src/errors.js'
import { cleanupTemp, tempDir } from './helpers.js'

afterAll(cleanupTemp)

function usage(fn: () => unknown): CliError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(CliError)
    return err as CliError
  }
  throw new Error('expected a CliError')
}

async function rejects(p: Promise<unknown>): Promise<CliError> {
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(CliError)
    return err as CliError
  }
  throw new Error('expected a CliError')
}

describe('parseArgs', () => {
  it('no arguments: no root, no options', () => {
    expect(parseArgs([])).toEqual({ root: undefined, options: {} })
  })

  it('the acceptance form: root --port N --host H --allow p --allow q', () => {
    expect(parseArgs(['site', '--port', '8080', '--host', '127.0.0.1', '--allow', 'a b.txt', '--allow', 'café/*.css'])).toEqual({
      root: 'site',
      options: { port: '8080', host: '127.0.0.1', allow: ['a b.txt', 'café/*.css'] },
    })
  })

  it('--flag=value, -f value, -fvalue and -f=value are the same', () => {
    for (const argv of [['--port=80'], ['--port', '80'], ['-p', '80'], ['-p80'], ['-p=80']]) {
      expect(parseArgs(argv).options.port).toBe('80')
    }
    expect(parseArgs(['--allow=x=y']).options.allow).toEqual(['x=y'])
  })

  it('every flag in the table parses, by long name and short alias', () => {
    for (const f of FLAGS) {
      const value = f.kind === 'boolean' ? true : 'v'
      const argv = f.kind === 'boolean' ? [`--${f.name}`] : f.kind === 'optional' ? [`--${f.name}=v`] : [`--${f.name}`, 'v']
      const expected = f.kind === 'list' ? ['v'] : value
      expect(parseArgs(argv).options[f.name]).toEqual(expected)
      if ('short' in f) {
        const short = f.kind === 'boolean' ? [`-${f.short}`] : [`-${f.short}`, 'v']
        expect(parseArgs(short).options[f.name]).toEqual(expected)
      }
    }
  })

  it('repeatable --allow keeps every value in order; other options: the last one wins', () => {
    expect(parseArgs(['-a', 'x', '--allow', 'y', '--allow=z']).options.allow).toEqual(['x', 'y', 'z'])
    expect(parseArgs(['-p', '1', '-p', '2']).options.port).toBe('2')
  })

  it('negatable switches: --no-cors, --no-etag; others refuse --no-', () => {
    expect(parseArgs(['--no-cors']).options.cors).toBe(false)
    expect(parseArgs(['--no-etag']).options.etag).toBe(false)
    expect(parseArgs(['--etag']).options.etag).toBe(true)
    expect(parseArgs(['--no-compress']).options.compress).toBe(false)
    expect(parseArgs(['--compress']).options.compress).toBe(true)
    expect(usage(() => parseArgs(['--no-immutable'])).exitCode).toBe(2)
    expect(usage(() => parseArgs(['--no-cors=x'])).message).toMatch(/does not take a value/)
  })

  it('--cors takes an origin list only when it looks like one (else it is the root)', () => {
    expect(parseArgs(['--cors']).options.cors).toBe(true)
    expect(parseArgs(['--cors', 'https://a.example,https://b.example'])).toEqual({
      root: undefined,
      options: { cors: 'https://a.example,https://b.example' },
    })
    expect(parseArgs(['--cors', '*']).options.cors).toBe('*')
    expect(parseArgs(['--cors', 'site'])).toEqual({ root: 'site', options: { cors: true } })
    expect(parseArgs(['--cors=https://a.example']).options.cors).toBe('https://a.example')
  })

  it('--spa takes an .html file name when one follows, else it is a switch', () => {
    expect(parseArgs(['--spa']).options.spa).toBe(true)
    expect(parseArgs(['--spa', 'app.html']).options.spa).toBe('app.html')
    expect(parseArgs(['--spa', 'dist'])).toEqual({ root: 'dist', options: { spa: true } })
    expect(parseArgs(['--spa=shell.txt']).options.spa).toBe('shell.txt')
  })

  it('clustered short switches and -- ending the options', () => {
    expect(parseArgs(['-qh']).options).toEqual({ quiet: true, help: true })
    expect(parseArgs(['-qp', '80']).options).toEqual({ quiet: true, port: '80' })
    expect(parseArgs(['--', '--weird-folder']).root).toBe('--weird-folder')
    expect(parseArgs(['-']).root).toBe('-')
  })

  it('unknown options are usage errors (exit 2) with a suggestion', () => {
    const err = usage(() => parseArgs(['--prot', '80']))
    expect(err.exitCode).toBe(2)
    expect(err.message).toBe('unknown option "--prot" (did you mean --port?)')
    expect(usage(() => parseArgs(['-x'])).message).toMatch(/unknown option "-x"/)
    expect(usage(() => parseArgs(['--zzzzzzzzzz'])).message).toMatch(/see --help/)
  })

  it('missing values and values given to switches are usage errors', () => {
    expect(usage(() => parseArgs(['--port'])).message).toBe('option --port needs a value <port>')
    expect(usage(() => parseArgs(['--allow', '--port', '1'])).message).toMatch(/--allow needs a value/)
    expect(usage(() => parseArgs(['--quiet=yes'])).message).toMatch(/does not take a value/)
    expect(usage(() => parseArgs(['-q=1'])).message).toMatch(/does not take a value/)
    expect(usage(() => parseArgs(['--cors='])).message).toMatch(/needs a value/)
  })

  it('a second positional argument is refused', () => {
    expect(usage(() => parseArgs(['a', 'b'])).message).toMatch(/only one root folder/)
  })

  it('--help lists every flag from the table', () => {
    const text = helpText('9.9.9')
    expect(text).toMatch(/^tinyhttp-cli 9\.9\.9/)
    expect(text).toMatch(/Usage: tinyhttp-cli \[root\] \[options\]/)
    for (const f of FLAGS) expect(text).toContain(`--${'negatable' in f ? '[no-]' : ''}${f.name}`)
  })
})

describe('resolveConfig', () => {
  const cwd = tempDir()
  const root = join(cwd, 'public')
  mkdirSync(join(root, 'sub'), { recursive: true })
  writeFileSync(join(root, 'index.html'), '<!doctype html>')
  writeFileSync(join(cwd, 'allow.txt'), '\uFEFF# comment\n\nindex.html\r\n  sub/*.css  \n# more\n')
  writeFileSync(join(root, 'inside-allow.txt'), 'index.html\n')
  const ctx = { cwd, env: {} as Record<string, string | undefined> }
  const resolveWith = (argv: string[], env: Record<string, string | undefined> = {}) => resolveConfig(parseArgs(argv), { cwd, env })

  it('defaults: ./public, 127.0.0.1:7878, allow **/*, CORS *, 403, one worker', async () => {
    const c = await resolveConfig(parseArgs([]), ctx)
    expect(c).toMatchObject({
      rootArg: './public',
      allow: ['**/*'],
      allowSource: 'default',
      port: 7878,
      host: '127.0.0.1',
      cors: '*',
      maxAge: undefined,
      immutable: false,
      etag: true,
      precompressed: false,
      compress: true,
      spa: undefined,
      notFound: 403,
      seedMethods: false,
      tls: undefined,
      workers: 1,
      watch: false,
      logFormat: 'text',
      quiet: false,
      check: false,
    })
    expect(c.root.endsWith('public')).toBe(true)
  })

  it('every flag maps to the configuration', async () => {
    const c = await resolveWith([
      'public', '-p', '0', '-H', '0.0.0.0', '--cors', 'https://a.example,http://localhost:3000', '--max-age=60', '--immutable',
      '--no-etag', '--precompressed', '--no-compress', '--spa', '--not-found', '404', '--seed-methods', '-w', '3', '--watch',
      '--log-format', 'json', '-q', '--check', '-a', 'index.html', '--allow-file', 'allow.txt',
    ])
    expect(c).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      cors: ['https://a.example', 'http://localhost:3000'],
      maxAge: 60,
      immutable: true,
      etag: false,
      precompressed: true,
      compress: false,
      spa: 'index.html',
      notFound: 404,
      seedMethods: true,
      workers: 3,
      watch: true,
      logFormat: 'json',
      quiet: true,
      check: true,
      allow: ['index.html', 'sub/*.css'],
      allowSource: 'options',
    })
    expect((await resolveWith(['--no-cors'])).cors).toBe(false)
    expect((await resolveWith(['--spa=app.html'])).spa).toBe('app.html')
    expect((await resolveWith(['-w', '0'])).workers).toBe(availableParallelism())
    expect((await resolveWith(['-H', '[::1]'])).host).toBe('::1')
  })

  it('PORT from the environment, overridden by --port', async () => {
    expect((await resolveWith([], { PORT: '9000' })).port).toBe(9000)
    expect((await resolveWith(['-p', '1'], { PORT: '9000' })).port).toBe(1)
    expect((await rejects(resolveWith([], { PORT: 'abc' }))).message).toMatch(/^PORT must be/)
  })

  it('invalid values are usage errors (exit 2)', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['-p', '70000'], /--port must be a whole number from 0 to 65535/],
      [['-p', '-1'], /--port must be/],
      [['-p', '1.5'], /--port must be/],
      [['-H', 'bad host'], /--host must be an IP address or a host name/],
      [['--cors', 'https://a.example/path'], /is not an origin/],
      [['--cors=*,https://a.example'], /cannot be combined/],
      [['--max-age', 'x'], /--max-age must be/],
      [['--immutable'], /--immutable needs --max-age/],
      [['--not-found', '500'], /--not-found must be 403 or 404/],
      [['--log-format', 'xml'], /--log-format must be text or json/],
      [['-w', 'many'], /--workers must be/],
      [['--tls-cert', 'c.pem'], /--tls-cert needs --tls-key/],
      [['--tls-key', 'k.pem'], /--tls-key needs --tls-cert/],
      [['--spa=*.html'], /--spa needs a file name/],
    ]
    for (const [argv, re] of cases) {
      const err = await rejects(resolveWith(argv))
      expect(err.message, argv.join(' ')).toMatch(re)
      expect(err.exitCode, argv.join(' ')).toBe(2)
    }
  })

  it('a missing root is a usage error', async () => {
    const err = await rejects(resolveWith(['nope']))
    expect(err.exitCode).toBe(2)
    expect(err.message).toBe('root folder nope does not exist')
    const emptyCwd = tempDir()
    const def = await rejects(resolveConfig(parseArgs([]), { cwd: emptyCwd, env: {} }))
    expect(def.message).toMatch(/root folder \.\/public does not exist \(give the folder to serve/)
    const file = await rejects(resolveWith(['public/index.html']))
    expect(file.message).toMatch(/is not a folder/)
  })

  it('allow entries outside the root are refused', async () => {
    for (const entry of ['../secret.txt', 'sub/../../x', '..']) {
      const err = await rejects(resolveWith(['-a', entry]))
      expect(err.exitCode).toBe(2)
      expect(err.message).toMatch(/is outside the root/)
    }
    expect((await rejects(resolveWith(['-a', 'sub/../index.html']))).message).toMatch(/has a "\.\." segment/)
    expect((await rejects(resolveWith(['-a', '']))).message).toMatch(/empty/)
  })

  it('absolute entries under the root become relative; a leading / means "from the root"', async () => {
    const c = await resolveWith(['-a', join(root, 'index.html'), '-a', '/sub/a b.css', '-a', './x.txt'])
    expect(c.allow).toEqual(['index.html', '/sub/a b.css', './x.txt'])
    expect(normalizeAllowEntry('café/ü.txt', root, root)).toBe('café/ü.txt')
  })

  it('--allow-file: comments and blank lines ignored; missing → exit 1; inside the root → exit 2', async () => {
    expect(parseAllowFile('# a\n\n  x y.txt \r\n#b\nz\n')).toEqual(['x y.txt', 'z'])
    expect((await resolveWith(['--allow-file', 'allow.txt'])).allow).toEqual(['index.html', 'sub/*.css'])
    const missing = await rejects(resolveWith(['--allow-file', 'missing.txt']))
    expect(missing.exitCode).toBe(1)
    expect(missing.message).toMatch(/cannot read allow file .*missing\.txt: ENOENT/)
    const inside = await rejects(resolveWith(['--allow-file', 'public/inside-allow.txt']))
    expect(inside.exitCode).toBe(2)
    expect(inside.message).toMatch(/is inside the root/)
  })

  it('an allow file reached through a symlink that points into the root is refused', async () => {
    const link = join(cwd, 'link-allow.txt')
    symlinkSync(join(root, 'inside-allow.txt'), link)
    expect((await rejects(resolveWith(['--allow-file', link]))).message).toMatch(/is inside the root/)
  })

  it('TLS files: unreadable → exit 1; inside the root → exit 2', async () => {
    const err = await rejects(resolveWith(['--tls-cert', 'nope-cert.pem', '--tls-key', 'nope-key.pem']))
    expect(err.exitCode).toBe(1)
    expect(err.message).toMatch(/cannot read TLS certificate .*nope-cert\.pem: ENOENT/)
    writeFileSync(join(cwd, 'junk.pem'), 'not a pem')
    const junk = await rejects(resolveWith(['--tls-cert', 'junk.pem', '--tls-key', 'junk.pem']))
    expect(junk.exitCode).toBe(1)
    expect(junk.message).toMatch(/invalid TLS certificate or key/)
    const inside = await rejects(resolveWith(['--tls-cert', 'public/c.pem', '--tls-key', 'k.pem']))
    expect(inside.exitCode).toBe(2)
  })

  it('parseHost and parseCorsOrigins', () => {
    expect(parseHost('localhost')).toBe('localhost')
    expect(parseHost('::')).toBe('::')
    expect(parseHost('10.0.0.1')).toBe('10.0.0.1')
    expect(usage(() => parseHost('http://x')).exitCode).toBe(2)
    expect(parseCorsOrigins('*')).toBe('*')
    expect(parseCorsOrigins('https://a.example, https://a.example')).toEqual(['https://a.example'])
    expect(usage(() => parseCorsOrigins('HTTPS://A.example')).message).toMatch(/not an origin/)
    expect(usage(() => parseCorsOrigins('a.example')).message).toMatch(/not an origin/)
  })
})
