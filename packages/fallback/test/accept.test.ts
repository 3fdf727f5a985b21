import { describe, expect, it } from 'vitest'
import { acceptsHtmlExplicitly, negotiateFormat } from '../src/accept.js'

describe('negotiateFormat', () => {
  it.each([
    [undefined, 'text'],
    ['', 'text'],
    ['*/*', 'text'],
    ['text/*', 'text'],
    ['text/plain', 'text'],
    ['text/html', 'html'],
    ['TEXT/HTML', 'html'],
    ['application/json', 'json'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'html'],
    ['application/json, text/plain, */*', 'json'],
    ['text/plain, application/json', 'text'],
    ['text/html;q=0.5, application/json;q=0.9', 'json'],
    ['text/html;q=0, */*', 'text'],
    ['*/*;q=0.1, text/html', 'html'],
    ['text/*;q=0.2, application/json;q=0.1', 'text'],
    ['text/html;level=1;q=0.7, text/plain;q=0.3', 'html'],
    ['image/png', 'text'],
    ['text/html;q=2', 'text'],
    ['text/html;q=0.1234', 'text'],
    ['text/html;q=abc, application/json', 'json'],
    ['garbage, ,;,/,text/', 'text'],
    ['application/json;q=1.000', 'json'],
  ] as const)('%j → %s', (accept, expected) => {
    expect(negotiateFormat(accept)).toBe(expected)
  })
})

describe('acceptsHtmlExplicitly', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['*/*', false],
    ['text/*', false],
    ['text/html', true],
    ['Text/HTML', true],
    [' text/html ;q=0.5', true],
    ['text/html;q=0', false],
    ['text/html;q=0.000', false],
    ['application/json, text/html;q=0.1', true],
    ['text/htmlx', false],
    ['application/xhtml+xml', false],
  ] as const)('%j → %s', (accept, expected) => {
    expect(acceptsHtmlExplicitly(accept)).toBe(expected)
  })
})
