import { describe, expect, it } from 'vitest'
import { BodyCache, escapeHtml, renderBody } from '../src/bodies.js'

describe('fallback bodies', () => {
  it('escapes HTML special characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;')
  })

  it('renders fixed text, HTML and JSON', () => {
    expect(renderBody(404, 'text', 'Not Found').bytes.toString()).toBe('Not Found')
    const html = renderBody(404, 'html', 'Not Found')
    expect(html.generatedHtml).toBe(true)
    expect(html.type).toBe('text/html; charset=utf-8')
    expect(html.bytes.toString()).toContain('<h1>404 Not Found</h1>')
    expect(html.bytes.toString()).not.toContain('<p>')
    expect(renderBody(422, 'html', '<b>').bytes.toString()).toContain('<p>&lt;b&gt;</p>')
    expect(JSON.parse(renderBody(499, 'json', 'Error').bytes.toString())).toEqual({ status: 499, message: 'Error' })
  })

  it('caches status-text bodies', () => {
    const cache = new BodyCache()
    expect(cache.get(403, 'html')).toBe(cache.get(403, 'html'))
    expect(cache.get(403, 'html')).not.toBe(cache.get(403, 'json'))
    expect(cache.get(403, 'text').bytes.toString()).toBe('Forbidden')
  })
})
