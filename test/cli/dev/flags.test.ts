// --dev on the command line: what it implies, what it refuses (exit 2, one line), and --check's notice.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseArgs } from '../../../packages/cli/src/args.js'
import { run } from '../../../packages/cli/src/cli.js'
import { resolveConfig } from '../../../packages/cli/src/config.js'
import type { CliIo } from '../../../packages/cli/src/output.js'
import { configSchema } from '../../../packages/cli/src/schema.js'
import { cleanupTemp, tempDir } from '../helpers.js'

afterAll(cleanupTemp)

function fakeIo(cwd: string): CliIo & { out: () => string; err: () => string } {
  let out = ''
  let err = ''
  return { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {}, cwd, out: () => out, err: () => err }
}

function site(): string {
  const cwd = tempDir('tinyhttp-dev-flags-')
  mkdirSync(join(cwd, 'site'))
  writeFileSync(join(cwd, 'site', 'index.html'), '<!doctype html><head></head>')
  return cwd
}

describe('--dev: parsing and what it implies', () => {
  it('--dev is local, --dev=public public; --dev public reads public as the root', async () => {
    expect(parseArgs(['--dev']).options.dev).toBe(true)
    expect(parseArgs(['--dev=public']).options.dev).toBe('public')
    expect(parseArgs(['--dev', 'public'])).toEqual({ root: 'public', options: { dev: true } })
    const cwd = site()
    const config = await resolveConfig(parseArgs(['site', '--dev']), { env: {}, cwd })
    expect(config.dev).toBe('local')
    expect(config.watch).toBe(true)
    const off = await resolveConfig(parseArgs(['site']), { env: {}, cwd })
    expect(off.dev).toBeUndefined()
    expect(off.watch).toBe(false)
  })

  it('tinyhttp.json takes "dev": true or "public" (the schema says so)', async () => {
    const cwd = site()
    writeFileSync(join(cwd, 'tinyhttp.json'), JSON.stringify({ root: 'site', dev: 'public', host: '0.0.0.0' }))
    const config = await resolveConfig(parseArgs([]), { env: {}, cwd })
    expect(config.dev).toBe('public')
    const schema = configSchema() as { properties: Record<string, unknown> }
    expect(schema.properties.dev).toMatchObject({ anyOf: [{ type: 'boolean' }, { enum: ['public'] }] })
  })
})

describe('--dev refuses (exit 2, one line on stderr)', () => {
  it.each([
    [['--dev', '--host', '0.0.0.0'], /^tinyhttp-cli: --dev serves a live-reload script and socket to this machine only: --host 0\.0\.0\.0 is not loopback \(use --dev=public to expose them\)\n$/],
    [['--dev', '--host', '192.168.1.2'], /--host 192\.168\.1\.2 is not loopback/],
    [['--dev', '--workers', '2'], /^tinyhttp-cli: --dev cannot be combined with --workers: .*\n$/],
    [['--dev=public', '-w', '1'], /--dev cannot be combined with --workers/],
    [['--dev=everyone'], /^tinyhttp-cli: --dev takes no value or =public, got "everyone"\n$/],
  ])('%j', async (argv, message) => {
    const cwd = site()
    const io = fakeIo(cwd)
    expect(await run(['site', ...argv], io)).toBe(2)
    expect(io.err()).toMatch(message)
    expect(io.err().split('\n').length).toBe(2)
    expect(io.out()).toBe('')
  })

  it('a root holding __tinyhttp (which /__tinyhttp/ would shadow)', async () => {
    const cwd = site()
    mkdirSync(join(cwd, 'site', '__tinyhttp'))
    const io = fakeIo(cwd)
    expect(await run(['site', '--dev', '--check'], io)).toBe(2)
    expect(io.err()).toMatch(/^tinyhttp-cli: --dev answers \/__tinyhttp\/ itself: rename .*__tinyhttp, which it would shadow\n$/)
    // Without --dev the folder is just a folder.
    expect(await run(['site', '--check'], fakeIo(cwd))).toBe(0)
  })

  it('--dev=public with a non-loopback host is accepted', async () => {
    const cwd = site()
    const io = fakeIo(cwd)
    expect(await run(['site', '--dev=public', '--host', '0.0.0.0', '--check'], io)).toBe(0)
    expect(io.out()).toMatch(/exposed to the network \(--dev=public\)/)
  })
})

describe('--check with --dev', () => {
  it('says it loudly: first line of the report and a warning; the sizes are the injected pages\'', async () => {
    const cwd = site()
    const io = fakeIo(cwd)
    expect(await run(['site', '--dev', '--check'], io)).toBe(0)
    const first = io.out().split('\n')[0]
    expect(first).toBe('!!! DEV MODE (--dev): live reload, Cache-Control: no-cache, a script in every HTML page: not for production !!!')
    expect(io.err()).toMatch(/warning: DEV MODE \(--dev\)/)
    expect(io.out()).not.toMatch(/index\.html\s+text\/html; charset=utf-8\s+28\s/)
    const plain = fakeIo(cwd)
    expect(await run(['site', '--check'], plain)).toBe(0)
    expect(plain.out()).not.toMatch(/DEV MODE/)
    expect(plain.out()).toMatch(/index\.html\s+text\/html; charset=utf-8\s+28\s/)
  })

  it('JSON says "dev"', async () => {
    const cwd = site()
    const io = fakeIo(cwd)
    expect(await run(['site', '--dev', '--check', '--log-format', 'json'], io)).toBe(0)
    expect(JSON.parse(io.out()).dev).toBe('local')
  })
})
