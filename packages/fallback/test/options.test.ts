import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fallback, type FallbackOptions } from '../src/index.js'
import { resolveFallbackOptions } from '../src/options.js'

let dir = ''
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tinyhttp-fallback-opts-'))
  writeFileSync(join(dir, 'index.html'), '<p>shell</p>')
  writeFileSync(join(dir, '404.html'), '<p>404</p>')
  writeFileSync(join(dir, '404.png'), 'png')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('fallback options: refused configurations (TypeError)', () => {
  const bad: Array<[string, () => unknown]> = [
    ['status 500', () => ({ status: 500 })],
    ['status 200', () => ({ status: 200 })],
    ['methodStatus 418', () => ({ methodStatus: 418 })],
    ["body 'json'", () => ({ body: 'json' })],
    ['empty methods', () => ({ methods: [] })],
    ['bad method token', () => ({ methods: ['GET', 'NOT A TOKEN'] })],
    ['methods not an array', () => ({ methods: 'GET' })],
    ['pages key not a status', () => ({ pages: { abc: join(dir, '404.html') } })],
    ['pages key 200', () => ({ pages: { 200: join(dir, '404.html') } })],
    ['pages with an unknown extension', () => ({ pages: { 404: join(dir, '404.png') } })],
    ['pages file missing', () => ({ pages: { 404: join(dir, 'nope.html') } })],
    ['pages not an object', () => ({ pages: 'x.html' })],
    ["spa with '..'", () => ({ spa: { file: '../index.html', root: dir } })],
    ["spa string with '..'", () => ({ spa: `${dir}/../x/index.html` })],
    ['spa absolute file with a root', () => ({ spa: { file: join(dir, 'index.html'), root: dir } })],
    ['spa file missing', () => ({ spa: { file: 'missing.html', root: dir } })],
    ['spa is a directory', () => ({ spa: dir })],
    ['spa empty', () => ({ spa: '' })],
    ['spa of the wrong type', () => ({ spa: 42 })],
    ['unknown option', () => ({ notFound: 404 })],
  ]
  it.each(bad)('%s', (_name, options) => {
    expect(() => fallback(options() as FallbackOptions)).toThrow(TypeError)
  })
})

describe('fallback options: accepted configurations', () => {
  it('defaults', () => {
    const r = resolveFallbackOptions({})
    expect(r.status).toBe(403)
    expect(r.methodStatus).toBe(405)
    expect(r.body).toBe('empty')
    expect(r.allow).toBe('GET, HEAD')
    expect(r.spa).toBeNull()
    expect(fallback().name).toBe('fallback')
  })

  it('reads pages and the shell at construction', () => {
    const r = resolveFallbackOptions({ pages: { 404: join(dir, '404.html') }, spa: { file: 'index.html', root: dir } })
    expect(r.pages.get(404)?.bytes.toString()).toBe('<p>404</p>')
    expect(r.pages.get(404)?.type).toBe('text/html; charset=utf-8')
    expect(r.spa?.toString()).toBe('<p>shell</p>')
    expect(resolveFallbackOptions({ spa: join(dir, 'index.html') }).spa?.toString()).toBe('<p>shell</p>')
  })
})
