#!/usr/bin/env node
// Makes the built JavaScript of the packages small in memory: removes its comments and writes every
// character outside ASCII as a `\u` escape. Run after `tsc -b` (the root `build`, `test`, `start` and
// `cli` scripts do).
//
//   node scripts/strip-dist.mjs                  # every packages/*/dist
//   node scripts/strip-dist.mjs packages/core    # one package
//
// Why: V8 keeps the source of every loaded module for as long as the process runs, and keeps it as a
// two-byte string when a single character is not Latin-1; our comments hold "—", "→" and "×". The
// TSDoc is for readers of the `.ts` sources and the `.d.ts` files, which keep it (`removeComments`
// would strip both). Comments go only where the TypeScript parser puts trivia, and each removed block
// comment leaves its line breaks behind, so the `.js.map` files stay true line for line. The
// `sourceMappingURL` comment and a shebang stay. Idempotent; a file it cannot make ASCII is an error
// naming the file and line.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** Tokens whose text may carry a character outside ASCII, written as an escape. */
const ESCAPABLE = new Set([
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.TemplateHead,
  ts.SyntaxKind.TemplateMiddle,
  ts.SyntaxKind.TemplateTail,
  ts.SyntaxKind.RegularExpressionLiteral,
])
const KEEP_COMMENT = /^\/\/# sourceMappingURL=/

/** Every leaf token of a parsed file, in order (the parser knows a regular expression from a division). */
function tokensOf(sf) {
  const out = []
  const visit = node => {
    // In a JavaScript file the parser also reads JSDoc into nodes: those are comments, not code.
    const children = node.getChildren(sf).filter(child => child.kind < ts.SyntaxKind.FirstJSDocNode || child.kind > ts.SyntaxKind.LastJSDocNode)
    if (children.length === 0) out.push(node)
    else for (const child of children) visit(child)
  }
  visit(sf)
  return out
}

/** `\uXXXX` for each UTF-16 unit outside ASCII. */
const escapeNonAscii = text => text.replace(/[^\x00-\x7f]/g, ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)

/**
 * The stripped text of one JavaScript file.
 * @param {string} name - for messages
 * @param {string} text - the file as tsc wrote it
 * @returns {string}
 */
export function strip(name, text) {
  const sf = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS)
  if (sf.parseDiagnostics?.length) throw new Error(`${name}: does not parse: ${sf.parseDiagnostics[0].messageText}`)
  const edits = [] // [start, end, replacement], in order, not overlapping
  const seen = new Set()
  for (const token of tokensOf(sf)) {
    // Trivia comments: those on the line of the previous token (trailing), then the rest (leading).
    const comments = [...(ts.getTrailingCommentRanges(text, token.pos) ?? []), ...(ts.getLeadingCommentRanges(text, token.pos) ?? [])]
    for (const c of comments) {
      if (seen.has(c.pos)) continue
      seen.add(c.pos)
      const comment = text.slice(c.pos, c.end)
      if (KEEP_COMMENT.test(comment)) continue
      // Take the blanks before it on its line too (trivia, never inside a token).
      let start = c.pos
      while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--
      const lineEnd = text.indexOf('\n', c.end)
      const restOfLine = text.slice(c.end, lineEnd === -1 ? text.length : lineEnd)
      let replacement
      if (/\S/.test(restOfLine)) replacement = ' '.repeat(c.end - start) // code follows on its line: keep columns
      else replacement = comment.replace(/[^\n]/g, '') // keep its line breaks: the source map stays true
      edits.push([start, c.end, replacement])
    }
    const tokenText = text.slice(token.getStart(sf), token.end)
    if (ESCAPABLE.has(token.kind) && /[^\x00-\x7f]/.test(tokenText)) edits.push([token.getStart(sf), token.end, escapeNonAscii(tokenText)])
  }
  edits.sort((a, b) => a[0] - b[0])
  let out = ''
  let at = 0
  for (const [start, end, replacement] of edits) {
    if (start < at) continue // blanks already taken by the previous comment on the line
    out += text.slice(at, start) + replacement
    at = end
  }
  out += text.slice(at)
  const left = /[^\x00-\x7f]/.exec(out)
  if (left) {
    const line = out.slice(0, left.index).split('\n').length
    throw new Error(`${name}:${line}: a character outside ASCII (${JSON.stringify(left[0])}) outside a string or regular expression`)
  }
  check(name, sf, out)
  return out
}

/** A regular expression's text with our `\u` escapes read back. */
const unescapeText = text => text.replace(/\\u([0-9a-f]{4})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)))

/** What a token means: the value of a string or template part, the text of anything else. */
function meaning(token, sf) {
  if (token.kind === ts.SyntaxKind.RegularExpressionLiteral) return unescapeText(token.getText(sf))
  return ESCAPABLE.has(token.kind) ? token.text : token.getText(sf)
}

/**
 * The stripped file must be the same program: the same tokens, each on the same line, with the same text
 * (for strings and templates, the same value).
 */
function check(name, before, outText) {
  const after = ts.createSourceFile(name, outText, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS)
  const a = tokensOf(before)
  const b = tokensOf(after)
  if (a.length !== b.length) throw new Error(`${name}: ${a.length} tokens before stripping, ${b.length} after`)
  for (let i = 0; i < a.length; i++) {
    const x = a[i]
    const y = b[i]
    const lineX = before.getLineAndCharacterOfPosition(x.getStart(before)).line
    const lineY = after.getLineAndCharacterOfPosition(y.getStart(after)).line
    if (x.kind !== y.kind || lineX !== lineY) throw new Error(`${name}:${lineX + 1}: token ${i} changed (${ts.SyntaxKind[x.kind]} → ${ts.SyntaxKind[y.kind]}, line ${lineY + 1})`)
    if (meaning(x, before) !== meaning(y, after)) throw new Error(`${name}:${lineX + 1}: token ${i} (${ts.SyntaxKind[x.kind]}) changed its meaning`)
  }
}

function* jsFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* jsFiles(path)
    else if (entry.name.endsWith('.js')) yield path
  }
}

function main(args) {
  const packages = args.length > 0 ? args : readdirSync(join(ROOT, 'packages')).map(p => join(ROOT, 'packages', p))
  let files = 0
  let changed = 0
  let saved = 0
  for (const pkg of packages) {
    const dist = join(pkg, 'dist')
    try {
      if (!statSync(dist).isDirectory()) continue
    } catch {
      continue // not built
    }
    for (const file of jsFiles(dist)) {
      files++
      const text = readFileSync(file, 'utf8')
      // Already stripped (or never commented): ASCII, and no comment opener outside the source-map line.
      if (!/[^\x00-\x7f]|\/\*|\/\/(?!# sourceMappingURL=)/.test(text)) continue
      const out = strip(relative(ROOT, file), text)
      if (out === text) continue
      writeFileSync(file, out)
      changed++
      saved += Buffer.byteLength(text) - out.length
    }
  }
  console.log(`strip-dist: ${files} files, ${changed} stripped, ${Math.round(saved / 1024)} KiB of comments removed`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2))
