import { STATUS_TEXT } from 'tinyhttp-core'
import type { BodyFormat } from './accept.js'

/** A body with its `Content-Type`. */
export interface FallbackBody {
  type: string
  bytes: Buffer
  /** Whether the bytes are HTML the fallback generated (they get `Content-Security-Policy`). */
  generatedHtml: boolean
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  let out = ''
  for (const ch of text) {
    switch (ch) {
      case '&':
        out += '&amp;'
        break
      case '<':
        out += '&lt;'
        break
      case '>':
        out += '&gt;'
        break
      case '"':
        out += '&quot;'
        break
      case "'":
        out += '&#39;'
        break
      default:
        out += ch
    }
  }
  return out
}

/** The reason phrase of a status, `'Error'` for unknown codes. */
export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? 'Error'
}

/**
 * Renders a short fixed body. `message` is the status text, or the exposed message of an HttpError a
 * developer threw; request data never reaches it.
 *
 * @param status - the response status
 * @param format - text, html or json
 * @param message - the text to show
 * @param note - a fixed sentence configured for the status (`notes`), if any
 * @returns the body and its type
 * @internal
 */
export function renderBody(status: number, format: BodyFormat, message: string, note?: string): FallbackBody {
  const title = `${status} ${statusText(status)}`
  switch (format) {
    case 'html': {
      let detail = message === statusText(status) ? '' : `<p>${escapeHtml(message)}</p>`
      if (note !== undefined) detail += `<p>${escapeHtml(note)}</p>`
      const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${detail}</body></html>\n`
      return { type: 'text/html; charset=utf-8', bytes: Buffer.from(html, 'utf8'), generatedHtml: true }
    }
    case 'json': {
      const json = note === undefined ? { status, message } : { status, message, note }
      return { type: 'application/json', bytes: Buffer.from(JSON.stringify(json), 'utf8'), generatedHtml: false }
    }
    default: {
      // With a note, a text body reads like the HTML page: the status line, then the note.
      const text = note === undefined ? message : `${message === statusText(status) ? title : message}\n${note}\n`
      return { type: 'text/plain; charset=utf-8', bytes: Buffer.from(text, 'utf8'), generatedHtml: false }
    }
  }
}

/**
 * Caches the bodies generated for status texts (the common case), so a refusal costs a map lookup.
 * @internal
 */
export class BodyCache {
  readonly #cache = new Map<number, FallbackBody>()
  readonly #notes: ReadonlyMap<number, string>

  /** @param notes - status → fixed sentence (`notes` option) */
  constructor(notes: ReadonlyMap<number, string> = new Map()) {
    this.#notes = notes
  }

  /**
   * @param status - 400–599
   * @param format - the format
   * @returns the status-text body for that status and format
   */
  get(status: number, format: BodyFormat): FallbackBody {
    const key = status * 4 + (format === 'text' ? 0 : format === 'html' ? 1 : 2)
    let body = this.#cache.get(key)
    if (body === undefined) {
      body = renderBody(status, format, statusText(status), this.#notes.get(status))
      this.#cache.set(key, body)
    }
    return body
  }
}
