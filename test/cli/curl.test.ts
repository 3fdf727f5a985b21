import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { curlVersion } from '../helpers/curl.js'
import { cleanupTemp, demoSite, ensureBuilt, killAll, startCli } from './helpers.js'

const run = promisify(execFile)


beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

describe('curl against the CLI', () => {
  it('HEAD, Range, a conditional request and keep-alive reuse', async () => {
    curlVersion()
    const { cwd, root } = demoSite()
    const css = readFileSync(join(root, 'style.css'))
    const cli = await startCli(['public', '--port', '0', '-q'], { cwd })
    const url = `${cli.url}/style.css`

    const head = (await run('curl', ['-sI', url])).stdout
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(head).toContain(`\r\nContent-Length: ${css.length}\r\n`)
    expect(head).toContain('\r\nAccess-Control-Allow-Origin: *\r\n')
    const etag = /\r\nETag: ("[^"]+")\r\n/.exec(head)?.[1] as string
    expect(etag).toBeDefined()

    const range = await run('curl', ['-s', '-D', '-', '-r', '0-9', url])
    expect(range.stdout).toMatch(/^HTTP\/1\.1 206 Partial Content\r\n/)
    expect(range.stdout).toContain(`\r\nContent-Range: bytes 0-9/${css.length}\r\n`)
    expect(range.stdout.endsWith(css.subarray(0, 10).toString('latin1'))).toBe(true)

    const conditional = (await run('curl', ['-s', '-D', '-', '-o', '/dev/null', '-H', `If-None-Match: ${etag}`, url])).stdout
    expect(conditional).toMatch(/^HTTP\/1\.1 304 Not Modified\r\n/)
    expect(conditional).not.toMatch(/\r\ncontent-(length|type):/i)

    const twice = await run('curl', ['-sv', '-o', '/dev/null', '-o', '/dev/null', url, `${cli.url}/index.html`])
    expect(twice.stderr).toMatch(/Re-using existing connection|Reusing existing connection/)

    const forbidden = (await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `${cli.url}/secret.txt`])).stdout
    expect(forbidden).toBe('403')
  })
})
