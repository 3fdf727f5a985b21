/**
 * Issue 10 §3, through the CLI: an edited file is served new at the first request more than 1 s after
 * the edit (not several requests later), and a deleted one is refused (403, the CLI's default for paths
 * not served) instead of being answered from memory.
 */
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { rawRequest } from '../helpers/raw-client.js'
import { cleanupTemp, ensureBuilt, killAll, request, sleep, startCli, tempDir } from './helpers.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

describe('tinyhttp-cli follows edits at the first request after 1 s', () => {
  it('edit the CSS, reload: the new bytes and ETag; delete it: 403', async () => {
    const cwd = tempDir()
    mkdirSync(join(cwd, 'public'))
    const css = join(cwd, 'public', 'style.css')
    writeFileSync(css, 'body { color: red }\n')
    const old = new Date(Date.now() - 3600_000)
    utimesSync(css, old, old)
    const cli = await startCli(['public', '--port', '0', '-q'], { cwd })
    const v1 = await rawRequest(cli.port, request('GET', '/style.css'))
    expect(v1.body.toString()).toBe('body { color: red }\n')
    const etag1 = v1.headers.get('etag')?.[0] as string
    expect((await rawRequest(cli.port, request('GET', '/style.css', { 'If-None-Match': etag1 }))).status).toBe(304)

    writeFileSync(css, 'body { color: tan }\n')
    await sleep(1100)
    const reload = await rawRequest(cli.port, request('GET', '/style.css', { 'If-None-Match': etag1 }))
    expect(reload.status).toBe(200)
    expect(reload.body.toString()).toBe('body { color: tan }\n')
    expect(reload.headers.get('etag')?.[0]).not.toBe(etag1)

    rmSync(css)
    await sleep(1100)
    const gone = await rawRequest(cli.port, request('GET', '/style.css'))
    expect(gone.status).toBe(403)
    expect(gone.body.toString()).not.toContain('color')
  })
})
