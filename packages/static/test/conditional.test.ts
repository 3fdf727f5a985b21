import { describe, expect, it } from 'vitest'
import { etagMatches, evaluatePreconditions, ifRangeMatches, type ConditionalFields, type Validators } from '../src/conditional.js'
import { formatHttpDate } from '../src/http-date.js'

const ETAG = '"abc123"'
const LM_MS = Date.UTC(2024, 0, 15, 12, 0, 0)
const LM = formatHttpDate(LM_MS) // 'Mon, 15 Jan 2024 12:00:00 GMT'
const v: Validators = { etag: ETAG, lastModified: LM, lastModifiedSeconds: LM_MS / 1000 }
const noValidators: Validators = { etag: undefined, lastModified: undefined, lastModifiedSeconds: NaN }
const before = formatHttpDate(LM_MS - 1000)
const after = formatHttpDate(LM_MS + 1000)
const future = formatHttpDate(Date.UTC(2099, 0, 1))

describe('evaluatePreconditions: research vectors C1–C17', () => {
  const cases: Array<[id: string, method: string, fields: ConditionalFields, expected: ReturnType<typeof evaluatePreconditions>]> = [
    ['C1 If-None-Match exact', 'GET', { ifNoneMatch: ETAG }, 304],
    ['C2 list with the weak form', 'GET', { ifNoneMatch: '"x", W/"abc123"' }, 304],
    ['C3 If-None-Match: *', 'GET', { ifNoneMatch: '*' }, 304],
    // C4 (missing / not allowlisted + INM *) is decided before preconditions: socket tests.
    ['C5 INM no match wins over IMS in the future', 'GET', { ifNoneMatch: '"nomatch"', ifModifiedSince: future }, 'proceed'],
    ['C6 IMS equal to Last-Modified', 'GET', { ifModifiedSince: LM }, 304],
    ['C6 IMS after Last-Modified', 'GET', { ifModifiedSince: after }, 304],
    ['C6 IMS before Last-Modified', 'GET', { ifModifiedSince: before }, 'proceed'],
    ['C7 IMS garbage', 'GET', { ifModifiedSince: 'garbage' }, 'proceed'],
    ['C7 IMS two dates', 'GET', { ifModifiedSince: `${LM}, ${after}` }, 'proceed'],
    ['C8 If-Match no match', 'GET', { ifMatch: '"nope"' }, 412],
    ['C9 If-Match weak form of the current tag', 'GET', { ifMatch: 'W/"abc123"' }, 412],
    ['C10 If-Unmodified-Since epoch', 'GET', { ifUnmodifiedSince: 'Thu, 01 Jan 1970 00:00:00 GMT' }, 412],
    // C11–C13: If-Range below. C14 (POST → 405) is the method check: socket tests.
    // C15/C16: socket tests (ETag changes / differs per variant).
    ['C17 request no-cache does not prevent 304', 'GET', { ifNoneMatch: ETAG }, 304],
  ]
  it.each(cases)('%s', (_id, method, fields, expected) => {
    expect(evaluatePreconditions(method, fields, v)).toBe(expected)
  })
})

describe('evaluatePreconditions: RFC 9110 §13.2.2 order', () => {
  it('If-Match true skips If-Unmodified-Since', () => {
    expect(evaluatePreconditions('GET', { ifMatch: ETAG, ifUnmodifiedSince: before }, v)).toBe('proceed')
    expect(evaluatePreconditions('GET', { ifMatch: '*', ifUnmodifiedSince: before }, v)).toBe('proceed')
  })
  it('If-Match false → 412 even when If-None-Match would give 304', () => {
    expect(evaluatePreconditions('GET', { ifMatch: '"nope"', ifNoneMatch: ETAG }, v)).toBe(412)
  })
  it('If-Unmodified-Since: modified after → 412, not after → proceed, invalid → ignored', () => {
    expect(evaluatePreconditions('GET', { ifUnmodifiedSince: before }, v)).toBe(412)
    expect(evaluatePreconditions('GET', { ifUnmodifiedSince: LM }, v)).toBe('proceed')
    expect(evaluatePreconditions('GET', { ifUnmodifiedSince: 'yesterday' }, v)).toBe('proceed')
  })
  it('If-Unmodified-Since is ignored without Last-Modified', () => {
    expect(evaluatePreconditions('GET', { ifUnmodifiedSince: 'Thu, 01 Jan 1970 00:00:00 GMT' }, noValidators)).toBe('proceed')
  })
  it('If-None-Match match on an unsafe method → 412', () => {
    expect(evaluatePreconditions('PUT', { ifNoneMatch: '*' }, v)).toBe(412)
  })
  it('If-None-Match on HEAD → 304', () => {
    expect(evaluatePreconditions('HEAD', { ifNoneMatch: ETAG }, v)).toBe(304)
  })
  it('If-None-Match present but not matching ignores a matching If-Modified-Since', () => {
    expect(evaluatePreconditions('GET', { ifNoneMatch: '"old"', ifModifiedSince: LM }, v)).toBe('proceed')
  })
  it('If-Modified-Since only for GET and HEAD', () => {
    expect(evaluatePreconditions('HEAD', { ifModifiedSince: LM }, v)).toBe(304)
    expect(evaluatePreconditions('POST', { ifModifiedSince: LM }, v)).toBe('proceed')
  })
  it('If-Modified-Since is ignored without Last-Modified', () => {
    expect(evaluatePreconditions('GET', { ifModifiedSince: future }, noValidators)).toBe('proceed')
  })
  it('without an ETag: If-Match with a tag fails, If-Match * holds, INM with a tag does not match', () => {
    expect(evaluatePreconditions('GET', { ifMatch: '"x"' }, noValidators)).toBe(412)
    expect(evaluatePreconditions('GET', { ifMatch: '*' }, noValidators)).toBe('proceed')
    expect(evaluatePreconditions('GET', { ifNoneMatch: '"x"' }, noValidators)).toBe('proceed')
    expect(evaluatePreconditions('GET', { ifNoneMatch: '*' }, noValidators)).toBe(304)
  })
  it('no conditions → proceed', () => {
    expect(evaluatePreconditions('GET', {}, v)).toBe('proceed')
  })
})

describe('etagMatches', () => {
  it.each([
    ['"abc123"', ETAG, false, true],
    ['"abc123"', ETAG, true, true],
    ['W/"abc123"', ETAG, false, true],
    ['W/"abc123"', ETAG, true, false],
    ['"a", "abc123"', ETAG, true, true],
    ['"a" , W/"b",  "abc123" ', ETAG, true, true],
    [' * ', ETAG, true, true],
    ['"a",,"abc123"', ETAG, false, true],
    ['"abc12"', ETAG, false, false],
    ['"abc1234"', ETAG, false, false],
    ['abc123', ETAG, false, false],
    ['"abc123', ETAG, false, false],
    ['w/"abc123"', ETAG, false, false],
    ['"x" "abc123"', ETAG, false, false],
    ['"a b", "abc123"', ETAG, false, false],
    ['*, "abc123"', ETAG, false, false],
    ['"abc123"', 'W/"abc123"', false, true],
    ['"abc123"', 'W/"abc123"', true, false],
    ['W/"abc123"', 'W/"abc123"', false, true],
    ['', ETAG, false, false],
  ] as const)('%j vs %s (strong=%s) → %s', (field, etag, strong, expected) => {
    expect(etagMatches(field, etag, strong)).toBe(expected)
  })
  it('is linear on a long adversarial field', () => {
    const field = '"a",'.repeat(4000) + '"abc123"'
    const t = performance.now()
    for (let i = 0; i < 200; i++) expect(etagMatches(field, ETAG, false)).toBe(true)
    expect(performance.now() - t).toBeLessThan(1000)
  })
})

describe('ifRangeMatches (C11–C13)', () => {
  const now = LM_MS + 60_000
  it('C11 current strong ETag → Range applies', () => {
    expect(ifRangeMatches(ETAG, v, now)).toBe(true)
  })
  it('C12 stale or weak ETag → whole file', () => {
    expect(ifRangeMatches('"stale"', v, now)).toBe(false)
    expect(ifRangeMatches('W/"abc123"', v, now)).toBe(false)
  })
  it('C12 a weak current ETag never matches', () => {
    expect(ifRangeMatches('W/"abc123"', { ...v, etag: 'W/"abc123"' }, now)).toBe(false)
    expect(ifRangeMatches('"abc123"', { ...v, etag: 'W/"abc123"' }, now)).toBe(false)
  })
  it('C13 a date other than Last-Modified → whole file; the exact date → Range', () => {
    expect(ifRangeMatches(after, v, now)).toBe(false)
    expect(ifRangeMatches(before, v, now)).toBe(false)
    expect(ifRangeMatches(LM, v, now)).toBe(true)
  })
  it('a date is only strong when Last-Modified is at least a second before now', () => {
    expect(ifRangeMatches(LM, v, LM_MS + 500)).toBe(false)
    expect(ifRangeMatches(LM, v, LM_MS + 1000)).toBe(true)
  })
  it('no validators → never', () => {
    expect(ifRangeMatches(ETAG, noValidators, now)).toBe(false)
    expect(ifRangeMatches(LM, noValidators, now)).toBe(false)
    expect(ifRangeMatches('garbage', v, now)).toBe(false)
  })
})
