/**
 * Issue 12, `tinyhttp-cli --check` with site rules: every URL's answer after all rules (status,
 * `Location`, header fields), each rule with the URLs it changes, and the rules that change none with
 * why — checked against what the running server answers for the same URLs.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { canonicalizePath } from 'tinyhttp-core'
import { PatternTrie, compilePattern, type PatternSyntax } from 'tinyhttp-rules'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { exampleUrl } from '../../packages/cli/src/check-rules.js'
import { rawRequest } from '../helpers/raw-client.js'
import { cleanupTemp, ensureBuilt, killAll, request, spawnCli, startCli, tempDir } from './helpers.js'

/** A root with three files and rules of every outcome: applied, replaced, shadowed, unmatched, first-match-lost. */
function site(): { cwd: string } {
  const cwd = tempDir()
  const root = join(cwd, 'site')
  mkdirSync(root)
  writeFileSync(join(root, 'a.txt'), 'a\n')
  writeFileSync(join(root, 'b.txt'), 'b\n')
  writeFileSync(join(root, 'index.html'), '<p>hi</p>\n')
  writeFileSync(join(root, '_headers'), ['/a.txt', '  Cache-Control: max-age=60', '/nothing/*', '  X-Nothing: 1', '/*', '  Cache-Control: no-store', '  X-Site: yes', ''].join('\n'))
  writeFileSync(join(root, '_redirects'), ['# legacy', '/a.txt /b.txt 301', '/old /b.txt 308', '/gone/* /b.txt 302', '/gone/x /a.txt 302', ''].join('\n'))
  return { cwd }
}

/** Runs `--check` with more arguments; returns stdout (exit code 0 asserted). */
async function check(cwd: string, args: readonly string[]): Promise<string> {
  const cli = spawnCli(['site', '--check', ...args], { cwd })
  const { code } = await cli.exited(30_000)
  expect(code, cli.stderr()).toBe(0)
  return cli.stdout()
}

/** The lines of one section (from its heading to the next blank line). */
function section(out: string, heading: RegExp): string[] {
  const lines = out.split('\n')
  const start = lines.findIndex(l => heading.test(l))
  expect(start, `no section ${heading}`).toBeGreaterThanOrEqual(0)
  const end = lines.findIndex((l, i) => i > start && l === '')
  return lines.slice(start + 1, end < 0 ? undefined : end)
}

describe('exampleUrl: a path each pattern matches, probed by --check', () => {
  const table: Array<[pattern: string, syntax: PatternSyntax, url: string]> = [
    ['/docs', 'netlify', '/docs'],
    ['/guide/', 'netlify', '/guide/'],
    ['/', 'netlify', '/'],
    ['/*', 'netlify', '/example'],
    ['/old-blog/*', 'netlify', '/old-blog/example'],
    ['/news/:year/:slug', 'netlify', '/news/year/slug'],
    ['/caf%C3%A9/:x', 'netlify', '/caf%C3%A9/x'],
    ['/read%20me/*', 'netlify', '/read%20me/example'],
    ['/img/*.@(png|jpg)', 'serve', '/img/name.png'],
    ['**/*.md', 'serve', '/dir/name.md'],
    ['/exact/', 'tinyhttp', '/exact/'],
  ]
  it.each(table)('%s (%s) → %s, which the pattern matches', (pattern, syntax, url) => {
    const compiled = compilePattern(pattern, syntax)
    expect(exampleUrl(compiled)).toBe(url)
    const path = canonicalizePath(url)
    expect(path.ok && new PatternTrie([compiled]).match(path.segments, path.trailingSlash).length).toBe(1)
  })
})

describe('--check with site rules', () => {
  beforeAll(ensureBuilt)
  afterEach(killAll)
  afterAll(cleanupTemp)

  it('lists each rule with the URLs it changes, and the rules that change none with why', async () => {
    const { cwd } = site()
    const out = await check(cwd, ['--isolate'])
    expect(out).toMatch(/^Hosts: .*\nRules: site\/_headers \(3\), site\/_redirects \(4\), --isolate\n\n/m)
    expect(section(out, /^Paths of the rules \(3; /)).toEqual([
      expect.stringMatching(/^ {2}URL +STATUS +LOCATION +SERVED AS +TYPE +CACHE-CONTROL$/),
      expect.stringMatching(/^ {2}\/old \* +308 +\/b\.txt +- +text\/plain; charset=utf-8 +no-store$/),
      expect.stringMatching(/^ {2}\/gone\/example \* +302 +\/b\.txt +- +text\/plain/),
      expect.stringMatching(/^ {2}\/gone\/x \* +302 +\/b\.txt +- +text\/plain/),
    ])
    expect(section(out, /^Rules \(8, in order; the URLs each one changes\):$/)).toEqual([
      '  site/_headers:5  /*  sets Cache-Control, X-Site',
      '    every URL (7)',
      '  site/_redirects:3  /old  308 /b.txt',
      '    /old *',
      '  site/_redirects:4  /gone/*  302 /b.txt',
      '    /gone/example *, /gone/x *',
      '  --isolate  Cross-Origin-Opener-Policy, Cross-Origin-Embedder-Policy, Cross-Origin-Resource-Policy',
      '    every URL (7)',
    ])
    expect(section(out, /^Rules that touch no URL \(4\):$/)).toEqual([
      '  site/_headers:1  /a.txt  sets Cache-Control',
      '    matches /a.txt, but a later rule or a preset replaces its value',
      '  site/_headers:3  /nothing/*  sets X-Nothing',
      '    matches none of the URLs probed',
      '  site/_redirects:2  /a.txt  301 /b.txt',
      '    matches /a.txt, but a file is served there (add ! to the status to override it)',
      '  site/_redirects:5  /gone/x  302 /a.txt',
      '    matches /gone/x, but an earlier rule matches first',
    ])
    // The headers section covers every URL, redirects included, with the fields a client gets.
    const headers = section(out, /^Headers after all rules \(every URL above/)
    expect(headers).toContain('  /a.txt, /b.txt, /, /index.html')
    expect(headers).toContain('  /old *, /gone/example *, /gone/x *')
    expect(headers.filter(l => l === '      Cache-Control: no-store')).toHaveLength(2)
    expect(headers.filter(l => l === '      Cross-Origin-Opener-Policy: same-origin')).toHaveLength(2)
    expect(headers.some(l => /X-Nothing|Date:/i.test(l))).toBe(false)
  })

  it('reports what the running server answers: status, Location and every field but Date', async () => {
    const { cwd } = site()
    const report = JSON.parse(await check(cwd, ['--log-format', 'json'])) as {
      served: Array<{ url: string; status: number; location: string | null; headers: Array<[string, string]> }>
      examples: Array<{ url: string; status: number; location: string | null; headers: Array<[string, string]>; probe: string }>
      rules: Array<{ rule: string; kind: string; pattern: string | null; action: string; urls: string[]; untouched: Array<{ url: string; why: string }> }>
    }
    expect(report.examples.map(e => [e.url, e.status, e.location, e.probe])).toEqual([
      ['/old', 308, '/b.txt', 'rule'],
      ['/gone/example', 302, '/b.txt', 'rule'],
      ['/gone/x', 302, '/b.txt', 'rule'],
    ])
    expect(report.rules.find(r => r.rule === 'site/_redirects:2')).toEqual({
      rule: 'site/_redirects:2',
      kind: 'redirect',
      pattern: '/a.txt',
      action: '301 /b.txt',
      urls: [],
      untouched: [{ url: '/a.txt', why: 'file served' }],
    })
    const cli = await startCli(['site', '--port', '0', '-q'], { cwd })
    for (const probed of [...report.served, ...report.examples]) {
      const res = await rawRequest(cli.port, request('HEAD', probed.url, { Connection: 'close' }), { head: true })
      const wire = res.rawHead
        .split('\r\n')
        .slice(1)
        .map(l => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()])
        .filter(([name]) => !/^(date|connection)$/i.test(name as string))
      expect([probed.url, res.status, res.headers.get('location')?.[0] ?? null, wire]).toEqual([probed.url, probed.status, probed.location, probed.headers])
    }
  })

  it('a rewrite catch-all and a redirect to it: the target is probed and the rewrite shown', async () => {
    const { cwd } = site()
    writeFileSync(join(cwd, 'site', '_redirects'), '/docs /guide/ 302\n/* /index.html 200\n')
    const out = await check(cwd, [])
    expect(out).toMatch(/^ {2}\/docs \* +302 +\/guide\/ +- +text\/plain/m)
    expect(out).toMatch(/^ {2}\/example \* +200 +- +\/index\.html +text\/html; charset=utf-8 +no-store$/m)
    expect(out).toMatch(/^ {2}\/guide\/ → +200 +- +\/index\.html +text\/html/m)
    expect(out).toMatch(/^ {2}site\/_redirects:2 {2}\/\* {2}200 \/index\.html\n {4}\/example \*, \/guide\/ →$/m)
  })

  it('cleanUrls (serve.json) is reported as one rule with the URLs it redirects or rewrites', async () => {
    const cwd = tempDir()
    mkdirSync(join(cwd, 'site'))
    writeFileSync(join(cwd, 'site', 'about.html'), '<p>about</p>\n')
    writeFileSync(join(cwd, 'site', 'index.html'), '<p>hi</p>\n')
    writeFileSync(join(cwd, 'site', 'serve.json'), '{"cleanUrls": true}\n')
    const out = await check(cwd, [])
    expect(section(out, /^Allowed but not served \(2\):$/)).toEqual([
      expect.stringMatching(/^ {2}URL +STATUS +REASON +LOCATION$/),
      expect.stringMatching(/^ {2}\/about\.html +301 +rules:redirect +\/about$/),
      expect.stringMatching(/^ {2}\/index\.html +301 +rules:redirect +\/$/),
    ])
    expect(out).toMatch(/^ {2}\/about → +200 +- +\/about\.html +text\/html; charset=utf-8 +no-cache$/m)
    expect(section(out, /^Rules \(1, in order/)).toEqual(['  cleanUrls: true  redirect or rewrite to the clean URL', '    /about.html, /index.html, /about →'])
  })
})
