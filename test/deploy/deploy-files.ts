// Readers for the deployment files (Dockerfile, deploy/*), shared by the manifest test and the tests
// that run what those files run. Each reader parses only what the tests check, and fails loudly on
// anything it does not understand rather than guessing.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseAllDocuments } from 'yaml'

/** The repository's root folder. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url))

/** A file of the repository as text. */
export function repoFile(path: string): string {
  return readFileSync(join(REPO, path), 'utf8')
}

/** One instruction of a Dockerfile: its keyword (upper case) and the rest of its logical line. */
export interface DockerInstruction {
  keyword: string
  rest: string
}

/** The instructions of a Dockerfile, continuation lines joined, comments and blank lines dropped. */
export function dockerInstructions(text: string): DockerInstruction[] {
  const out: DockerInstruction[] = []
  let pending = ''
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (pending === '' && (line === '' || line.startsWith('#'))) continue
    if (line.startsWith('#')) continue
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `
      continue
    }
    const whole = (pending + line).trim()
    pending = ''
    const m = /^([A-Za-z]+)\s+([\s\S]*)$/.exec(whole)
    if (m === null) throw new Error(`Dockerfile: cannot read ${JSON.stringify(whole)}`)
    out.push({ keyword: (m[1] as string).toUpperCase(), rest: m[2] as string })
  }
  if (pending !== '') throw new Error('Dockerfile: ends inside a continued line')
  return out
}

/** The stages of a Dockerfile: the instructions after each `FROM`, the `FROM` included. */
export function dockerStages(text: string): DockerInstruction[][] {
  const stages: DockerInstruction[][] = []
  for (const ins of dockerInstructions(text)) {
    if (ins.keyword === 'FROM') stages.push([])
    stages.at(-1)?.push(ins)
  }
  return stages
}

/** An exec-form (JSON array) argument, such as `CMD ["a", "b"]`; throws for the shell form. */
export function execForm(rest: string): string[] {
  const parsed: unknown = JSON.parse(rest)
  if (!Array.isArray(parsed) || !parsed.every(x => typeof x === 'string')) throw new Error(`not an exec-form array: ${rest}`)
  return parsed as string[]
}

/** The image's runtime facts, read from the last stage of the Dockerfile. */
export interface ImageSpec {
  stages: number
  from: string
  user: string
  entrypoint: string[]
  cmd: string[]
  /** The HEALTHCHECK's options (`--interval=10s` …) and command. */
  healthcheck: { options: string[]; command: string[] }
  expose: number[]
  workdir: string
  /** Sources of the `COPY` lines without `--from` (files from the build context). */
  contextCopies: string[][]
  env: string
}

/**
 * Reads the Dockerfile's last stage.
 *
 * @example
 * ```ts
 * imageSpec(repoFile('Dockerfile')).cmd // ['/srv/www', '--host', '0.0.0.0', …]
 * ```
 */
export function imageSpec(text: string): ImageSpec {
  const stages = dockerStages(text)
  const last = stages.at(-1) ?? []
  const one = (keyword: string): string => {
    const found = last.filter(i => i.keyword === keyword)
    if (found.length !== 1) throw new Error(`the last stage has ${found.length} ${keyword} lines, expected 1`)
    return (found[0] as DockerInstruction).rest
  }
  const hc = one('HEALTHCHECK')
  const cmdAt = hc.indexOf('CMD ')
  if (cmdAt < 0) throw new Error('HEALTHCHECK without CMD')
  return {
    stages: stages.length,
    from: one('FROM'),
    user: one('USER'),
    entrypoint: execForm(one('ENTRYPOINT')),
    cmd: execForm(one('CMD')),
    healthcheck: { options: hc.slice(0, cmdAt).trim().split(/\s+/).filter(Boolean), command: execForm(hc.slice(cmdAt + 4).trim()) },
    expose: last.filter(i => i.keyword === 'EXPOSE').flatMap(i => i.rest.split(/\s+/).map(Number)),
    workdir: one('WORKDIR'),
    contextCopies: last
      .filter(i => i.keyword === 'COPY' && !i.rest.startsWith('--from'))
      .map(i => i.rest.split(/\s+/).filter(w => !w.startsWith('--')).slice(0, -1)),
    env: last.filter(i => i.keyword === 'ENV').map(i => i.rest).join(' '),
  }
}

/** The objects of every YAML file in deploy/kubernetes, with the file each came from. */
export function kubernetesObjects(): Array<{ file: string; object: Record<string, any> }> {
  const dir = join(REPO, 'deploy/kubernetes')
  const out: Array<{ file: string; object: Record<string, any> }> = []
  for (const file of readdirSync(dir).filter(f => f.endsWith('.yaml')).sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map(e => e.message).join('; ')}`)
      const object = doc.toJS() as Record<string, any> | null
      if (object !== null) out.push({ file, object })
    }
  }
  return out
}

/** Splits a command line into words, honouring '…' and "…" quotes (no expansions). */
export function shellWords(line: string): string[] {
  const words: string[] = []
  let word = ''
  let quote: string | undefined
  let inWord = false
  for (const c of line) {
    if (quote !== undefined) {
      if (c === quote) quote = undefined
      else word += c
    } else if (c === "'" || c === '"') {
      quote = c
      inWord = true
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word)
      word = ''
      inWord = false
    } else {
      word += c
      inWord = true
    }
  }
  if (quote !== undefined) throw new Error(`unbalanced quote in ${line}`)
  if (inWord) words.push(word)
  return words
}

/** The `ExecStart=` command of a systemd unit, continuation lines joined, as words. */
export function unitExecStart(unit: string): string[] {
  const m = /^ExecStart=((?:.*\\\n)*.*)$/m.exec(unit)
  if (m === null) throw new Error('no ExecStart')
  return shellWords((m[1] as string).replace(/\\\n/g, ' '))
}

/** A `Key=value` setting of a systemd unit (the last one when repeated). */
export function unitSetting(unit: string, key: string): string | undefined {
  const all = [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))]
  return all.at(-1)?.[1]?.trim()
}

/**
 * The `tinyhttp-cli …` command lines shown in `#` comments of a config file (HAProxy, nginx),
 * continuation lines joined, as words after `tinyhttp-cli`.
 */
export function commentedCommands(text: string): string[][] {
  const lines = text.split('\n').map(l => l.replace(/^\s*#\s?/, ''))
  const out: string[][] = []
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] as string).trim()
    if (!line.startsWith('tinyhttp-cli ')) continue
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${(lines[++i] as string).trim()}`
    out.push(shellWords(line).slice(1))
  }
  return out
}

/** The value after `--name` (or in `--name=value`) in a command line's words. */
export function flagValue(words: readonly string[], name: string): string | undefined {
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string
    if (w === `--${name}`) return words[i + 1]
    if (w.startsWith(`--${name}=`)) return w.slice(name.length + 3)
  }
  return undefined
}

/** The port of a `--admin` value (`HOST:PORT`, `[v6]:PORT` or `PORT`). */
export function adminPort(value: string): number {
  const m = /(?:^|:)(\d+)$/.exec(value)
  if (m === null) throw new Error(`no port in --admin ${value}`)
  return Number(m[1])
}
