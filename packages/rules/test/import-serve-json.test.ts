import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { RulesConfigError, parseServeJson, serveJsonRules } from '../src/index.js'

const fixture = readFileSync(new URL('./fixtures/serve.json', import.meta.url), 'utf8')

describe('parseServeJson: the example file', () => {
  const rules = parseServeJson(fixture, 'serve.json')

  it('reads cleanUrls and trailingSlash', () => {
    expect(rules.cleanUrls).toBe(true)
    expect(rules.trailingSlash).toBe('remove')
    expect(parseServeJson('{"trailingSlash": true}', 's').trailingSlash).toBe('add')
    expect(parseServeJson('{}', 's')).toEqual({ headers: [], routes: [] })
  })

  it('puts the redirects (forced) before the rewrites, each with its key', () => {
    expect(rules.routes.map(r => [r.source.key, r.kind, r.pattern.text, r.to.text, r.kind === 'redirect' ? r.status : 200, r.force])).toEqual([
      ['redirects[0]', 'redirect', '/from', '/to', 301, true],
      ['redirects[1]', 'redirect', '/old/:id', '/new/:id', 302, true],
      ['rewrites[0]', 'rewrite', '/app/**', '/index.html', 200, false],
      ['rewrites[1]', 'rewrite', '/projects/:id/edit', '/edit/:id.html', 200, false],
    ])
    expect(rules.routes[3]!.to.parts).toEqual(['/edit/', { ref: 'id' }, '.html'])
  })

  it('reads header rules with their glob sources', () => {
    expect(rules.headers.map(r => [r.source.key, r.pattern.anyDepth, r.headers])).toEqual([
      ['headers[0]', true, [['Cache-Control', 'max-age=7200']]],
      ['headers[1]', false, [['Cache-Control', 'max-age=300']]],
    ])
  })
})

describe('parseServeJson: every fault names the key', () => {
  it.each<[string, string, RegExp]>([
    ['[]', '(top level)', /JSON object/],
    ['null', '(top level)', /JSON object/],
    ['{"public": "dist"}', 'public', /not supported/],
    ['{"directoryListing": false}', 'directoryListing', /not supported/],
    ['{"unlisted": []}', 'unlisted', /not supported/],
    ['{"renderSingle": true}', 'renderSingle', /not supported/],
    ['{"symlinks": true}', 'symlinks', /not supported/],
    ['{"etag": true}', 'etag', /not supported/],
    ['{"cleanUrl": true}', 'cleanUrl', /unknown key/],
    ['{"__proto__": {}}', '__proto__', /unknown key/],
    ['{"$schema": 1}', '$schema', /string/],
    ['{"cleanUrls": "yes"}', 'cleanUrls', /true or false/],
    ['{"cleanUrls": ["/app/**"]}', 'cleanUrls', /list of globs/],
    ['{"trailingSlash": "add"}', 'trailingSlash', /true or false/],
    ['{"redirects": {}}', 'redirects', /array/],
    ['{"redirects": [1]}', 'redirects[0]', /object/],
    ['{"redirects": [{"source": "/a"}]}', 'redirects[0].destination', /missing/],
    ['{"redirects": [{"destination": "/a"}]}', 'redirects[0].source', /missing/],
    ['{"redirects": [{"source": 1, "destination": "/a"}]}', 'redirects[0].source', /string/],
    ['{"redirects": [{"source": "/a", "destination": "/b", "type": 200}]}', 'redirects[0].type', /301, 302/],
    ['{"redirects": [{"source": "/a", "destination": "/b", "type": "301"}]}', 'redirects[0].type', /301, 302/],
    ['{"redirects": [{"source": "/a", "destination": "/b", "status": 301}]}', 'redirects[0].status', /unknown key/],
    ['{"redirects": [{"source": "/a", "destination": "/b/:x"}]}', 'redirects[0].destination', /:x, which the source does not capture/],
    ['{"redirects": [{"source": "/a/?", "destination": "/b"}]}', 'redirects[0].source', /unsupported glob/],
    ['{"rewrites": [{"source": "/a", "destination": "https://x.example/"}]}', 'rewrites[0].destination', /proxying/],
    ['{"rewrites": [{"source": "/a", "destination": "/b", "type": 301}]}', 'rewrites[0].type', /unknown key/],
    ['{"rewrites": [{"source": "/a/../b", "destination": "/b"}]}', 'rewrites[0].source', /never match/],
    ['{"headers": [{"source": "/a"}]}', 'headers[0].headers', /array/],
    ['{"headers": [{"source": "/a", "headers": []}]}', 'headers[0].headers', /empty/],
    ['{"headers": [{"source": "/a", "headers": [{"key": "X"}]}]}', 'headers[0].headers[0].value', /missing/],
    ['{"headers": [{"source": "/a", "headers": [{"key": "X", "value": null}]}]}', 'headers[0].headers[0].value', /string/],
    ['{"headers": [{"source": "/a", "headers": [{"key": "ETag", "value": "x"}]}]}', 'headers[0].headers[0]', /set by the server/],
    ['{"headers": [{"source": "/a", "headers": [{"key": "X", "value": "a\\nb"}]}]}', 'headers[0].headers[0]', /field value/],
    ['{"headers": [{"source": "/a", "headers": [{"key": "X", "value": "1", "k": 2}]}]}', 'headers[0].headers[0].k', /unknown key/],
  ])('%s → %s', (text, key, reason) => {
    let caught: unknown
    try {
      parseServeJson(text, 'serve.json')
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(RulesConfigError)
    const err = caught as RulesConfigError
    expect(err.source).toEqual({ file: 'serve.json', key })
    expect(err.message.startsWith(`serve.json: ${key}: `)).toBe(true)
    expect(err.reason).toMatch(reason)
  })

  it('invalid JSON names the file and, where the engine says the position, the line', () => {
    let caught: unknown
    try {
      parseServeJson('{\n  "cleanUrls": true,\n  oops\n}', 'serve.json')
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(RulesConfigError)
    expect((caught as RulesConfigError).message).toMatch(/^serve\.json(:3)?: invalid JSON/)
  })
})

describe('serveJsonRules: the same reader for an object already parsed', () => {
  it('gives what parseServeJson gives for the same text', () => {
    const object = JSON.parse(fixture) as unknown
    expect(serveJsonRules(object, 'serve.json')).toEqual(parseServeJson(fixture, 'serve.json'))
  })

  it.each<[unknown, string]>([
    [null, 'tinyhttp.json: (top level): must be a JSON object'],
    [[{ source: '/a' }], 'tinyhttp.json: (top level): must be a JSON object'],
    [{ redirects: [{ source: '/a', destination: '/b', type: '301' }] }, 'tinyhttp.json: redirects[0].type: must be 301, 302, 303, 307 or 308'],
    [{ public: 'dist' }, 'tinyhttp.json: public: not supported by tinyhttp-rules'],
  ])('%j → %s', (value, message) => {
    expect(() => serveJsonRules(value, 'tinyhttp.json')).toThrow(RulesConfigError)
    expect(() => serveJsonRules(value, 'tinyhttp.json')).toThrow(message)
  })
})
