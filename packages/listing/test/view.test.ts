import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { prefersJson, readView, viewQuery } from '../src/index.js'

describe('readView', () => {
  it.each([
    ['', undefined, { format: 'html', sort: 'name', order: 'asc', page: 1 }],
    ['sort=size&order=desc&page=2', undefined, { format: 'html', sort: 'size', order: 'desc', page: 2 }],
    ['sort=date', undefined, { format: 'html', sort: 'date', order: 'asc', page: 1 }],
    ['format=json', undefined, { format: 'json', sort: 'name', order: 'asc', page: 1 }],
    ['', 'application/json', { format: 'json', sort: 'name', order: 'asc', page: 1 }],
    ['format=html', 'application/json', { format: 'html', sort: 'name', order: 'asc', page: 1 }],
    ['format=xml', 'application/json', { format: 'json', sort: 'name', order: 'asc', page: 1 }],
    ['sort=SIZE&order=DESC', undefined, { format: 'html', sort: 'name', order: 'asc', page: 1 }],
    ['page=0', undefined, { format: 'html', sort: 'name', order: 'asc', page: 1 }],
    ['page=007', undefined, { format: 'html', sort: 'name', order: 'asc', page: 7 }],
    ['page=-3', undefined, { format: 'html', sort: 'name', order: 'asc', page: 1 }],
    ['page=2.5', undefined, { format: 'html', sort: 'name', order: 'asc', page: 1 }],
    ['page=12345678', undefined, { format: 'html', sort: 'name', order: 'asc', page: 1 }],
    ['page=%31', undefined, { format: 'html', sort: 'name', order: 'asc', page: 1 }],
    ['sort=size&sort=date', undefined, { format: 'html', sort: 'size', order: 'asc', page: 1 }],
  ])('?%s with Accept %s → %j', (query, accept, view) => {
    expect(readView(new URLSearchParams(query), accept)).toEqual(view)
  })

  it('viewQuery spells a view back', () => {
    expect(viewQuery({ format: 'html', sort: 'size', order: 'desc', page: 2 })).toBe('?sort=size&order=desc&page=2')
    expect(viewQuery({ format: 'json', sort: 'name', order: 'asc', page: 1 })).toBe('?sort=name&order=asc&page=1&format=json')
  })

  it('property: any query and Accept give a known view (no throw, nothing of the input kept)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.option(fc.string({ maxLength: 200 }), { nil: undefined }), (query, accept) => {
        const v = readView(new URLSearchParams(query), accept)
        expect(['html', 'json']).toContain(v.format)
        expect(['name', 'size', 'date']).toContain(v.sort)
        expect(['asc', 'desc']).toContain(v.order)
        expect(Number.isInteger(v.page) && v.page >= 1 && v.page <= 1_000_000).toBe(true)
        expect(viewQuery(v)).toMatch(/^\?sort=(name|size|date)&order=(asc|desc)&page=\d+(&format=json)?$/)
      }),
      { numRuns: 500 },
    )
  })
})

describe('prefersJson', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['application/json', true],
    ['APPLICATION/JSON', true],
    ['application/json; charset=utf-8', true],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', false],
    ['application/json, text/plain, */*', true],
    ['application/json, */*;q=0.8', true],
    ['*/*, application/json;q=0.9', false],
    ['text/html;q=0.5, application/json', true],
    ['text/html, application/json', false],
    ['application/json;q=0.5, text/*;q=0.9', false],
    ['application/json;q=0', false],
    ['application/json;q=abc', false],
    ['application/*', false],
    ['*/*', false],
    ['application/json;q=0.9, text/html;q=0.9', false],
  ])('%j → %s', (accept, json) => {
    expect(prefersJson(accept)).toBe(json)
  })

  it('property: never throws, and a huge field is HTML', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), accept => void prefersJson(accept)), { numRuns: 500 })
    expect(prefersJson('application/json,' + 'a/b;q=1,'.repeat(1000))).toBe(false)
  })
})
