/**
 * A rule file the CLI cannot apply as written stops the start: exit code 2 and one line on stderr naming
 * the file and the line (or the JSON key). Nothing is skipped silently.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { cleanupTemp, ensureBuilt, killAll, spawnCli, tempDir } from './helpers.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

/** [case, files in public/, the whole stderr line after `tinyhttp-cli: `] */
const CASES: Array<[string, Record<string, string>, RegExp]> = [
  ['Netlify country condition', { _redirects: '/a /b 301\n/* /fr/:splat 302 Country=fr\n' }, /^public\/_redirects:2: conditions \(Country=fr\) are not supported$/],
  ['Netlify role condition', { _redirects: '# c\n/admin/* /admin/:splat 200! Role=admin\n' }, /^public\/_redirects:2: conditions \(Role=admin\) are not supported$/],
  ['Netlify language condition', { _redirects: '/ /fr/ 302 Language=fr\n' }, /^public\/_redirects:1: conditions \(Language=fr\) are not supported$/],
  ['proxy to another host', { _redirects: '/api/* https://api.example/:splat 200\n' }, /^public\/_redirects:1: proxying \(a 200 rule to an absolute URL\) is not supported$/],
  ['signed proxy', { _redirects: '/api/* /x/:splat 200 Signed=TOKEN\n' }, /^public\/_redirects:1: unexpected field "Signed=TOKEN"$/],
  ['custom 404 rule', { _redirects: '/* /404.html 404\n' }, /^public\/_redirects:1: rewrites with status 404 \(custom error pages\) are not supported$/],
  ['query matching', { _redirects: '/store id=:id /items/:id 301\n' }, /^public\/_redirects:1: query-parameter matching \(id=:id\) is not supported$/],
  ['malformed line', { _redirects: '/a\n' }, /^public\/_redirects:1: a rule needs "from to \[status\]"$/],
  ['redirect to a host not allowed', { _redirects: '\n\n/docs/* https://docs.example/:splat 302\n' }, /^public\/_redirects:3: destination "https:\/\/docs.example\/:splat": .*/],
  ['scheme-relative destination', { _redirects: '/x //evil.example/ 302\n' }, /^public\/_redirects:1: .*/],
  ['redirect cycle', { _redirects: '/a /b 301\n/b /a 301\n' }, /^public\/_redirects:1: redirect cycle/],
  ['Netlify password protection', { _headers: '/admin/*\n  Basic-Auth: admin:hunter2\n' }, /^public\/_headers:2: Basic-Auth \(Netlify password protection\) is not supported$/],
  ['framing header', { _headers: '/*\n  X-A: 1\n  Content-Length: 5\n' }, /^public\/_headers:3: Content-Length is set by the server/],
  ['domain-level header path', { _headers: 'https://:project.pages.dev/*\n  X-Robots-Tag: noindex\n' }, /^public\/_headers:1: path .*/],
  ['serve.json public', { 'serve.json': '{"public": "dist"}' }, /^public\/serve\.json: public: not supported by tinyhttp-rules/],
  ['serve.json symlinks', { 'serve.json': '{"symlinks": true}' }, /^public\/serve\.json: symlinks: not supported/],
  ['serve.json etag', { 'serve.json': '{"etag": false}' }, /^public\/serve\.json: etag: not supported/],
  ['serve.json directoryListing', { 'serve.json': '{"directoryListing": true}' }, /^public\/serve\.json: directoryListing: not supported/],
  ['serve.json unknown key', { 'serve.json': '{"cleanUrl": true}' }, /^public\/serve\.json: cleanUrl: unknown key$/],
  ['serve.json syntax error', { 'serve.json': '{\n  "cleanUrls": true,\n}\n' }, /^public\/serve\.json:3: invalid JSON/],
  ['a rule file that is a folder', { '_headers/x': 'y' }, /^public\/_headers is not a regular file$/],
]

describe('start-up errors name the file and the line', () => {
  it.each(CASES)('%s', async (_name, files, message) => {
    const cwd = tempDir('tinyhttp-rules-errors-')
    for (const [name, text] of Object.entries({ 'index.html': 'x', ...files })) {
      mkdirSync(join(cwd, 'public', name, '..'), { recursive: true })
      writeFileSync(join(cwd, 'public', name), text)
    }
    const cli = spawnCli(['public', '--port', '0'], { cwd })
    const exit = await cli.exited(10_000)
    expect(exit.code).toBe(2)
    expect(cli.stdout()).toBe('')
    const lines = cli.stderr().split('\n').filter(l => l !== '')
    expect(lines).toHaveLength(1)
    expect(lines[0]!.replace(/^tinyhttp-cli: /, '')).toMatch(message)
  })
})
