// --admin and --health-path values: tables, and any string either parses or is a usage error.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseAdminAddress, parseHealthPath, resolveAdminOptions } from '../../packages/cli/src/config-admin.js'
import { CliError } from '../../packages/cli/src/errors.js'
import { refuseShadowing } from '../../packages/cli/src/health-path.js'

describe('parseAdminAddress', () => {
  it.each([
    ['9464', { host: '127.0.0.1', port: 9464 }],
    ['0', { host: '127.0.0.1', port: 0 }],
    ['127.0.0.1:9464', { host: '127.0.0.1', port: 9464 }],
    ['0.0.0.0:9464', { host: '0.0.0.0', port: 9464 }],
    ['localhost:1', { host: 'localhost', port: 1 }],
    ['admin.internal:65535', { host: 'admin.internal', port: 65535 }],
    ['[::1]:9464', { host: '::1', port: 9464 }],
    ['[::]:9464', { host: '::', port: 9464 }],
  ])('%s → %j', (text, expected) => {
    expect(parseAdminAddress(text)).toEqual(expected)
  })

  it.each(['', ':9464', '9464:', 'abc', '65536', '-1', '1.5', '::1:9464', '[::1]9464', '[x]:1', 'a b:1', 'host:port', '[::1]:', ' 9464'])('%j is a usage error', text => {
    expect(() => parseAdminAddress(text)).toThrow(/--admin takes \[HOST:\]PORT/)
  })

  it('any string parses to a port in range or is a usage error (never another error)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[\[\]0-9a-f:.]{0,20}$/)), text => {
        try {
          const { port } = parseAdminAddress(text)
          expect(Number.isInteger(port) && port >= 0 && port <= 65535).toBe(true)
        } catch (err) {
          expect(err).toBeInstanceOf(CliError)
        }
      }),
    )
  })
})

describe('parseHealthPath', () => {
  it.each(['/healthz', '/-/ready', '/', '/a/b/'])('%s is accepted as is', text => {
    expect(parseHealthPath(text)).toBe(text)
  })

  it.each(['healthz', '', '/a/../b', '/a/./b', '/a//b', '/%68ealthz', '/x?y', '/a%2Fb', '/\u00e9'])('%j is a usage error', text => {
    expect(() => parseHealthPath(text)).toThrow(/--health-path takes a plain absolute path/)
  })

  it('any string is either kept exactly or a usage error', () => {
    fc.assert(
      fc.property(fc.string(), text => {
        try {
          expect(parseHealthPath(text)).toBe(text)
        } catch (err) {
          expect(err).toBeInstanceOf(CliError)
        }
      }),
    )
  })

  it('resolveAdminOptions leaves both off unless given', () => {
    expect(resolveAdminOptions({})).toEqual({ admin: undefined, healthPath: undefined })
    expect(resolveAdminOptions({ admin: '1', 'health-path': '/h' })).toEqual({ admin: { host: '127.0.0.1', port: 1 }, healthPath: '/h' })
  })
})

describe('refuseShadowing', () => {
  const table = { allowed: ['/index.html', '/docs/index.html', '/docs/a.txt', '/app.js'].map(urlPath => ({ urlPath, file: '', size: 0, mtimeMs: 0 })) }
  it.each([
    ['/app.js', true],
    ['/', true], // the index
    ['/docs', true], // a folder that holds served files (its redirect)
    ['/docs/', true],
    ['/docs/a.txt', true],
    ['/healthz', false],
    ['/app', false],
    ['/docs2', false],
  ])('%s → refused: %s', (path, refused) => {
    if (refused) expect(() => refuseShadowing(path, table)).toThrow(new RegExp(`--health-path ${path.replace(/[/.]/g, '\\$&')} would hide`))
    else expect(() => refuseShadowing(path, table)).not.toThrow()
  })
})
