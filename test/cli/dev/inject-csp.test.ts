// --dev's pure parts: where the tag goes in a document, and how a CSP is rewritten to allow exactly the
// script and its socket (tables, and a property: nothing is ever loosened beyond those two sources).
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DEV_CLIENT_SOURCE } from '../../../packages/cli/src/dev/client.js'
import { allowDevInCsp, allowDevInPolicy, type DevAllowance } from '../../../packages/cli/src/dev/csp.js'
import { DEV_SCRIPT_HASH, DEV_SCRIPT_TAG, injectDevScript } from '../../../packages/cli/src/dev/inject.js'

const T = DEV_SCRIPT_TAG
const inject = (html: string): string => injectDevScript(Buffer.from(html, 'utf8')).toString('utf8')

describe('injectDevScript', () => {
  it.each([
    ['before </head>', '<html><head><title>t</title></head><body>x</body></html>', `<html><head><title>t</title>${T}</head><body>x</body></html>`],
    ['any case', '<HTML><HEAD></HEAD><BODY></BODY></HTML>', `<HTML><HEAD>${T}</HEAD><BODY></BODY></HTML>`],
    ['the first </head>', '<head></head><p>"</head>"</p>', `<head>${T}</head><p>"</head>"</p>`],
    ['no head: before the last </body>', '<body><p>"</body>"</p></body>', `<body><p>"</body>"</p>${T}</body>`],
    ['neither: appended', '<p>fragment', `<p>fragment${T}`],
    ['empty document', '', T],
    ['UTF-8 around it kept byte for byte', '<head><title>café ☕</title></head>日本', `<head><title>café ☕</title>${T}</head>日本`],
  ])('%s', (_name, html, expected) => {
    expect(inject(html)).toBe(expected)
  })

  it('is idempotent: a document that has the tag is returned as it is', () => {
    const once = injectDevScript(Buffer.from('<head></head>'))
    expect(injectDevScript(once)).toBe(once)
  })

  it('adds exactly the tag, whatever the bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), bytes => {
        const input = Buffer.from(bytes)
        const out = injectDevScript(input)
        if (input.includes(Buffer.from(T))) return out === input
        expect(out.length).toBe(input.length + Buffer.byteLength(T))
        const at = out.indexOf(Buffer.from(T))
        expect(Buffer.concat([out.subarray(0, at), out.subarray(at + Buffer.byteLength(T))]).equals(input)).toBe(true)
        return true
      }),
    )
  })

  it("the tag's integrity is the SHA-256 of the script served", () => {
    const hash = createHash('sha256').update(DEV_CLIENT_SOURCE).digest('base64')
    expect(DEV_SCRIPT_HASH).toBe(`'sha256-${hash}'`)
    expect(T).toBe(`<script src="/__tinyhttp/dev.js" integrity="sha256-${hash}"></script>`)
  })
})

const A: DevAllowance = { script: 'http://127.0.0.1:7878/__tinyhttp/dev.js', socket: 'ws://127.0.0.1:7878/__tinyhttp/dev', hash: "'sha256-abc='" }
const S = A.script
const W = A.socket

describe('allowDevInPolicy', () => {
  it.each([
    ['no script or connect directive: unchanged', "frame-ancestors 'none'", "frame-ancestors 'none'"],
    ["default-src 'none': own script-src and connect-src with just the URLs", "default-src 'none'; style-src 'self'", `default-src 'none'; style-src 'self'; script-src ${S}; connect-src ${W}`],
    ['default-src with sources: copied, plus the URL', 'default-src https://cdn.example', `default-src https://cdn.example; script-src https://cdn.example ${S}; connect-src https://cdn.example ${W}`],
    ["script-src 'self': already allowed (connect-src from default-src)", "default-src 'self'", `default-src 'self'; connect-src 'self' ${W}`],
    ['script-src with a hash: the URL added, no unsafe-inline', "script-src 'sha256-x'", `script-src 'sha256-x' ${S}`],
    ["script-src 'none' becomes the URL alone", "script-src 'none'; connect-src 'none'", `script-src ${S}; connect-src ${W}`],
    ['script-src-elem governs the element: only it changes', "script-src 'none'; script-src-elem 'sha256-y'", `script-src 'none'; script-src-elem 'sha256-y' ${S}`],
    ["'strict-dynamic': the hash, not the URL (URLs are ignored there)", "script-src 'nonce-n' 'strict-dynamic' 'unsafe-inline' https:", `script-src 'nonce-n' 'strict-dynamic' 'unsafe-inline' https: ${A.hash}`],
    ["'strict-dynamic' with 'self': still the hash", "script-src 'self' 'strict-dynamic'", `script-src 'self' 'strict-dynamic' ${A.hash}`],
    ["'unsafe-inline' without 'strict-dynamic': the URL only (a hash would turn inline scripts off)", "script-src 'unsafe-inline'", `script-src 'unsafe-inline' ${S}`],
    ['already listed: unchanged', `script-src ${S}; connect-src ${W}`, `script-src ${S}; connect-src ${W}`],
    ['directive names in any case, untouched ones kept as written', "Frame-Ancestors  'none' ;SCRIPT-SRC 'sha256-z'", `Frame-Ancestors  'none'; script-src 'sha256-z' ${S}`],
    ['the first of two script-src (the one in force)', "script-src 'none'; script-src *", `script-src ${S}; script-src *`],
  ])('%s', (_name, policy, expected) => {
    expect(allowDevInPolicy(policy, A)).toBe(expected)
  })

  it('a policy that needs nothing is returned as the same text', () => {
    const policy = "default-src 'self' ; connect-src 'self' ws://127.0.0.1:7878/__tinyhttp/dev"
    expect(allowDevInPolicy(policy, A)).toBe(policy)
  })

  it('never adds a source other than the script URL, the socket URL or the hash, and removes none (property)', () => {
    const token = fc.constantFrom("'self'", "'none'", "'unsafe-inline'", "'strict-dynamic'", "'nonce-q'", "'sha256-h'", 'https:', '*', 'https://a.example')
    const directive = fc.tuple(fc.constantFrom('default-src', 'script-src', 'script-src-elem', 'connect-src', 'style-src', 'img-src'), fc.array(token, { maxLength: 4 }))
    fc.assert(
      fc.property(fc.array(directive, { maxLength: 5 }), ds => {
        const policy = ds.map(([name, values]) => [name, ...values].join(' ')).join('; ')
        const out = allowDevInPolicy(policy, A)
        const tokensOf = (p: string): string[] => p.split(';').flatMap(d => d.trim().split(/\s+/).slice(1))
        const before = tokensOf(policy)
        const added = tokensOf(out)
        for (const t of added) expect(before.includes(t) || t === S || t === W || t === A.hash).toBe(true)
        // Only a lone 'none' is ever dropped (it cannot be combined with a source).
        for (const t of before) if (t !== "'none'") expect(added.includes(t)).toBe(true)
        expect(added.includes("'unsafe-inline'")).toBe(before.includes("'unsafe-inline'"))
        return true
      }),
    )
  })
})

describe('allowDevInCsp', () => {
  it('rewrites every policy of a joined field value on its own', () => {
    expect(allowDevInCsp("script-src 'none', frame-ancestors 'none', connect-src 'self'", A)).toBe(`script-src ${S}, frame-ancestors 'none', connect-src 'self' ${W}`)
  })
  it('returns the very same string when no policy changes', () => {
    const value = "frame-ancestors 'none', base-uri 'self'"
    expect(allowDevInCsp(value, A)).toBe(value)
  })
})
