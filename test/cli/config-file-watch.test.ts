// --watch and the config file: edits are re-read; rule keys go to a callback (the server's atomic
// reload), other keys are named "restart to apply", and a broken edit keeps what is in force.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { parseArgs } from '../../packages/cli/src/args.js'
import { loadConfigFile, type LoadedConfigFile } from '../../packages/cli/src/config-file-load.js'
import { watchConfigFile, type ConfigFileChange } from '../../packages/cli/src/config-file-watch.js'
import { rawRequest } from '../helpers/raw-client.js'
import { cleanupTemp, demoSite, ensureBuilt, killAll, request, REPO, sleep, startCli, tempDir } from './helpers.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

/** Polls (bounded) until `predicate` holds. */
async function until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

async function load(dir: string, argv: string[] = []): Promise<LoadedConfigFile> {
  const file = await loadConfigFile(parseArgs(argv), dir)
  if (file === undefined) throw new Error('no config file')
  return file
}

describe('watchConfigFile', () => {
  const stops: Array<() => void> = []
  afterEach(() => {
    for (const stop of stops.splice(0)) stop()
  })

  function follow(file: LoadedConfigFile, onChange: (c: ConfigFileChange) => void | Promise<void> = () => {}): { changes: ConfigFileChange[]; errors: Error[] } {
    const changes: ConfigFileChange[] = []
    const errors: Error[] = []
    stops.push(
      watchConfigFile(
        file,
        c => {
          changes.push(c)
          return onChange(c)
        },
        e => errors.push(e),
      ),
    )
    return { changes, errors }
  }

  it('a rule edit: rulesChanged with the new rules; an option edit: its key needs a restart', async () => {
    const dir = tempDir()
    const path = join(dir, 'tinyhttp.json')
    writeFileSync(path, JSON.stringify({ maxAge: 60, redirects: [{ source: '/a', destination: '/b' }] }))
    const seen = follow(await load(dir))
    writeFileSync(path, JSON.stringify({ maxAge: 60, redirects: [{ source: '/a', destination: '/c', type: 308 }] }))
    await until(() => seen.changes.length === 1, 'the rule edit')
    const first = seen.changes[0] as ConfigFileChange
    expect(first.rulesChanged).toBe(true)
    expect(first.restartKeys).toEqual([])
    expect(first.file.siteRules?.routes.map(r => [r.to.text, r.kind === 'redirect' ? r.status : 0])).toEqual([['/c', 308]])

    writeFileSync(path, JSON.stringify({ maxAge: 120, redirects: [{ source: '/a', destination: '/c', type: 308 }], root: 'www' }))
    await until(() => seen.changes.length === 2, 'the option edit')
    expect(seen.changes[1]).toMatchObject({ rulesChanged: false, restartKeys: ['root', 'maxAge'] })
    expect(seen.errors).toEqual([])
  })

  it('a broken edit goes to onError naming the file and key, and changes nothing; the fix goes through', async () => {
    const dir = tempDir()
    const path = join(dir, 'tinyhttp.json')
    writeFileSync(path, JSON.stringify({ cleanUrls: true }))
    const seen = follow(await load(dir))
    writeFileSync(path, JSON.stringify({ cleanUrls: 'yes' }))
    await until(() => seen.errors.length === 1, 'the error')
    expect(seen.errors[0]?.message).toBe('tinyhttp.json: cleanUrls: must be true or false')
    writeFileSync(path, '{"cleanUrls": false,')
    await until(() => seen.errors.length === 2, 'the second error')
    expect(seen.errors[1]?.message).toMatch(/^tinyhttp\.json(:\d+)?: invalid JSON/)
    expect(seen.changes).toEqual([])
    writeFileSync(path, JSON.stringify({ cleanUrls: false }))
    await until(() => seen.changes.length === 1, 'the fix')
    expect(seen.changes[0]?.file.siteRules?.cleanUrls).toBe(false)
  })

  it('an editor\'s save (write a new file, rename it over the old one) and a deletion are seen', async () => {
    const dir = tempDir()
    const path = join(dir, 'tinyhttp.json')
    writeFileSync(path, JSON.stringify({ trailingSlash: 'add' }))
    const seen = follow(await load(dir))
    writeFileSync(join(dir, '.tinyhttp.json.swp'), JSON.stringify({ trailingSlash: 'remove' }))
    renameSync(join(dir, '.tinyhttp.json.swp'), path)
    await until(() => seen.changes.length === 1, 'the rename')
    expect(seen.changes[0]?.file.siteRules?.trailingSlash).toBe('remove')
    rmSync(path)
    await until(() => seen.errors.length === 1, 'the deletion')
    expect(seen.errors[0]?.message).toBe(`cannot read config file ${path}: ENOENT`)
  })

  it('when onChange rejects (the reload refused the rules), the old rules stay the baseline', async () => {
    const dir = tempDir()
    const path = join(dir, 'tinyhttp.json')
    writeFileSync(path, JSON.stringify({ rewrites: [{ source: '/app/**', destination: '/index.html' }] }))
    let refuse = true
    const seen = follow(await load(dir), () => (refuse ? Promise.reject(new Error('refused by the server')) : undefined))
    const next = JSON.stringify({ rewrites: [{ source: '/app/**', destination: '/shell.html' }] })
    writeFileSync(path, next)
    await until(() => seen.errors.length === 1, 'the refusal')
    expect(seen.errors[0]?.message).toBe('refused by the server')
    // An unrelated edit with the same rules: they still differ from the rules in force.
    refuse = false
    writeFileSync(path, next.replace('{', '{"quiet": true, '))
    await until(() => seen.changes.length === 2, 'the second edit')
    expect(seen.changes[1]).toMatchObject({ rulesChanged: true, restartKeys: ['quiet'] })
  })

  it('options the command line sets are not "restart to apply": the flag wins anyway', async () => {
    const dir = tempDir()
    const path = join(dir, 'tinyhttp.json')
    writeFileSync(path, JSON.stringify({ maxAge: 60, etag: true }))
    const seen = follow(await load(dir, ['--max-age', '5', 'site']))
    writeFileSync(path, JSON.stringify({ maxAge: 90, etag: false, root: 'x' }))
    await until(() => seen.changes.length === 1, 'the edit')
    expect(seen.changes[0]?.restartKeys).toEqual(['etag'])
  })
})

describe('--watch through the real CLI', () => {
  it('an option edit is logged "restart to apply" and changes nothing on the wire; a broken edit is logged and changes nothing', async () => {
    const { cwd } = demoSite()
    const path = join(cwd, 'tinyhttp.json')
    writeFileSync(path, JSON.stringify({ maxAge: 60, quiet: true }))
    const cli = await startCli(['--port', '0', '--watch'], { cwd })
    const cacheControl = async (): Promise<string[] | undefined> => (await rawRequest(cli.port, request('GET', '/style.css'))).headers.get('cache-control')
    expect(await cacheControl()).toEqual(['public, max-age=60'])

    writeFileSync(path, JSON.stringify({ maxAge: 120, quiet: true }))
    await cli.waitForStderr(/^tinyhttp-cli: warning: tinyhttp\.json: maxAge changed: restart to apply$/m)
    expect(await cacheControl()).toEqual(['public, max-age=60'])

    writeFileSync(path, JSON.stringify({ maxAge: -5, quiet: true }))
    await cli.waitForStderr(/^tinyhttp-cli: warning: tinyhttp\.json not applied, the previous configuration stays in force: tinyhttp\.json: maxAge: must be an integer from 0 to 315360000$/m)
    expect(await cacheControl()).toEqual(['public, max-age=60'])
    expect(cli.child.exitCode).toBe(null)
  })

  // The rules reach the wire through the `rules` middleware and BuiltApp.reloadRules, which the
  // i12-cli-rules branch adds to build-app.ts; on a build without them the CLI asks for a restart instead
  // (asserted in the else branch), and this test runs in full once the branches are merged.
  const rulesWired = readFileSync(join(REPO, 'packages/cli/src/build-app.ts'), 'utf8').includes('reloadRules(')
  it('a rule edit applies on the wire without a restart; a broken rule edit keeps the old rules', async () => {
    const { cwd } = demoSite()
    const path = join(cwd, 'tinyhttp.json')
    writeFileSync(path, JSON.stringify({ redirects: [{ source: '/old', destination: '/index.html', type: 308 }] }))
    const cli = await startCli(['--port', '0', '--watch'], { cwd })
    const location = async (): Promise<[number, string[] | undefined]> => {
      const r = await rawRequest(cli.port, request('GET', '/old'))
      return [r.status, r.headers.get('location')]
    }
    if (rulesWired) expect(await location()).toEqual([308, ['/index.html']])
    writeFileSync(path, JSON.stringify({ redirects: [{ source: '/old', destination: '/style.css', type: 307 }] }))
    if (!rulesWired) {
      await cli.waitForStderr(/^tinyhttp-cli: warning: tinyhttp\.json: rules changed: restart to apply$/m)
      return
    }
    await cli.waitForStderr(/^tinyhttp-cli: tinyhttp\.json: rules reloaded$/m)
    expect(await location()).toEqual([307, ['/style.css']])
    // A cycle: refused, the previous rules stay.
    writeFileSync(path, JSON.stringify({ redirects: [{ source: '/old', destination: '/new' }, { source: '/new', destination: '/old' }] }))
    await cli.waitForStderr(/tinyhttp\.json not applied, the previous configuration stays in force: tinyhttp\.json: redirects\[0\]: redirect cycle/)
    expect(await location()).toEqual([307, ['/style.css']])
  })
})
