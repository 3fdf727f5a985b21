import { usageError } from './errors.js'

/**
 * How an option takes its value:
 * - `boolean`: a switch (`--immutable`); `negatable` ones also accept `--no-<name>`;
 * - `value`: needs a value (`--port 8080`, `--port=8080`, `-p8080`);
 * - `list`: like `value`, repeatable, every value kept in order;
 * - `optional`: a switch that may take a value: `--name=value` always, `--name value` only when
 *   {@link FlagSpec.accepts} says the next word is a value rather than the root folder.
 */
export type FlagKind = 'boolean' | 'value' | 'list' | 'optional'

/** One option of the command line; the table {@link FLAGS} drives both the parser and `--help`. */
export interface FlagSpec {
  /** Long name without the leading `--`. */
  readonly name: string
  /** One-letter alias without the `-`. */
  readonly short?: string
  /** How the option takes its value. */
  readonly kind: FlagKind
  /** Placeholder shown in `--help` (`<port>`, `[origins]`). */
  readonly placeholder?: string
  /** Whether `--no-<name>` turns it off. */
  readonly negatable?: boolean
  /** For `optional` options: whether the next word is this option's value. */
  readonly accepts?: (word: string) => boolean
  /** One line for `--help`. */
  readonly description: string
  /** Default shown in `--help`. */
  readonly defaultText?: string
}

const looksLikeOrigins = (word: string): boolean => word === '*' || /^[a-z][a-z0-9+.-]*:\/\//i.test(word)
const looksLikeHtml = (word: string): boolean => /\.html?$/i.test(word) && !word.startsWith('-')

/**
 * Every option `tinyhttp-cli` understands, in `--help` order.
 *
 * @example
 * ```ts
 * FLAGS.find(f => f.short === 'p')?.name // 'port'
 * ```
 */
export const FLAGS = [
  { name: 'allow', short: 'a', kind: 'list', placeholder: '<path|glob>', description: 'serve this file, folder (every non-dotfile under it) or glob (*, ?, **, {a,b}), relative to the root (repeatable)', defaultText: 'every non-dotfile: **/*' },
  { name: 'allow-file', kind: 'value', placeholder: '<file>', description: 'read allow entries from a file outside the root (one a line, # comments)' },
  { name: 'port', short: 'p', kind: 'value', placeholder: '<port>', description: 'port to listen on; 0 picks a free one', defaultText: '$PORT or 7878' },
  { name: 'host', short: 'H', kind: 'value', placeholder: '<host>', description: 'address to bind; 0.0.0.0 or :: exposes the server to the network', defaultText: '127.0.0.1' },
  { name: 'allowed-hosts', kind: 'list', placeholder: '<names>', description: "also answer these comma-separated host names (others get 421: DNS-rebinding guard); .app.test = app.test and its subdomains; all = any host", defaultText: 'localhost, *.localhost, IP literals' },
  { name: 'cors', kind: 'optional', placeholder: '[origins]', negatable: true, accepts: looksLikeOrigins, description: 'Access-Control-Allow-Origin: * or these comma-separated origins (--no-cors: off)', defaultText: '*' },
  { name: 'max-age', kind: 'value', placeholder: '<seconds>', description: 'Cache-Control: public, max-age=<seconds> (HTML pages keep no-cache)', defaultText: 'no-cache' },
  { name: 'immutable', kind: 'boolean', description: 'add immutable to Cache-Control (needs --max-age; never on HTML pages)' },
  { name: 'cache', kind: 'value', placeholder: 'spa', description: 'cache preset: HTML, the --spa shell, sw.js and *.webmanifest no-cache; content-hashed names (app.3f9a1c2e.js) public, max-age=31536000, immutable' },
  { name: 'isolate', kind: 'boolean', description: 'cross-origin isolation on every response: COOP same-origin, COEP require-corp, CORP same-origin' },
  { name: 'security-headers', kind: 'boolean', description: "nosniff, Referrer-Policy strict-origin-when-cross-origin, X-Frame-Options DENY, CSP frame-ancestors 'none'; HSTS over TLS" },
  { name: 'etag', kind: 'boolean', negatable: true, description: 'send strong ETags and answer If-None-Match (--no-etag: off)', defaultText: 'on' },
  { name: 'precompressed', kind: 'boolean', description: 'serve file.br / file.zst / file.gz next to a file when the client accepts them' },
  { name: 'compress', kind: 'boolean', negatable: true, description: 'compress text files of 1 KiB to 1 MiB once (br, gzip; zstd where Node has it) and serve the result (--no-compress: off)', defaultText: 'on' },
  { name: 'spa', kind: 'optional', placeholder: '[file]', accepts: looksLikeHtml, description: 'answer extensionless HTML requests with this allowed file', defaultText: 'index.html' },
  { name: 'listing', kind: 'boolean', description: 'list folders that have no index file: only what is served (HTML; JSON with Accept: application/json or ?format=json)' },
  { name: 'not-found', kind: 'value', placeholder: '403|404', description: 'status for paths that are not served', defaultText: '403' },
  { name: 'error-page', kind: 'list', placeholder: '<status=file>', description: 'body of 403, 404 or 50x answers: a file relative to the root, sent with that status (repeatable); not served by itself unless allowed', defaultText: '403.html, 404.html, 50x.html at the root when present' },
  { name: 'seed-methods', kind: 'boolean', description: 'answer 400 (not 405) to methods other than GET and HEAD' },
  { name: 'tls-cert', kind: 'value', placeholder: '<file>', description: 'serve HTTPS with this PEM certificate (needs --tls-key)' },
  { name: 'tls-key', kind: 'value', placeholder: '<file>', description: 'PEM private key for --tls-cert' },
  { name: 'proxy-protocol', kind: 'boolean', description: 'every connection starts with a PROXY protocol v1/v2 header (HAProxy send-proxy-v2, nginx proxy_protocol, cloud load balancers) from --trusted-proxies; its client is the remote address. Others are closed' },
  { name: 'trusted-proxies', kind: 'list', placeholder: '<cidrs>', description: 'comma-separated addresses or CIDR ranges allowed to send the --proxy-protocol header (repeatable; required by it)' },
  { name: 'trust-proxy', kind: 'list', placeholder: '<cidrs>', description: 'read Forwarded / X-Forwarded-For from these comma-separated addresses or CIDR ranges: the remote address is the right-most one not in them (repeatable)', defaultText: 'never' },
  { name: 'workers', short: 'w', kind: 'value', placeholder: '<n>', description: 'processes serving the same port; 0 = one per core', defaultText: '1' },
  { name: 'drain-delay', kind: 'value', placeholder: '<seconds>', description: 'on SIGTERM/SIGINT keep accepting this long (answers say Connection: close, /readyz 503) before closing the listeners; in-flight requests then get 5 s more', defaultText: '5 with --admin or --health-path, else 0' },
  { name: 'watch', kind: 'boolean', description: 'follow the file system: files added or removed under the root update what is served; rule file edits apply at once' },
  { name: 'dev', kind: 'optional', placeholder: '[=public]', description: 'development: implies --watch and Cache-Control: no-cache; HTML pages get a live-reload script (/__tinyhttp/dev.js, WebSocket /__tinyhttp/dev): CSS edits swap in place, other edits reload; loopback only unless --dev=public; not with --workers' },
  { name: 'admin', kind: 'value', placeholder: '<[host:]port>', description: 'admin listener (GET /livez, /readyz, /metrics in the Prometheus format) on this port; host 127.0.0.1 unless given', defaultText: 'off' },
  { name: 'health-path', kind: 'value', placeholder: '<path>', description: 'answer GET this path on the public port: 200 ok when ready, 503 when not (refused when it would hide a served file)', defaultText: 'off' },
  { name: 'log-format', kind: 'value', placeholder: 'text|json', description: 'access log format', defaultText: 'text' },
  { name: 'quiet', short: 'q', kind: 'boolean', description: 'no access log (the Local: line is still printed)' },
  { name: 'check', kind: 'boolean', description: 'print what would be served (URL, type, size, ETag, br/gzip sizes), the headers after all rules, each rule with the URLs it changes, and what was rejected, then exit' },
  { name: 'config', kind: 'value', placeholder: '<file>', negatable: true, description: 'read options and site rules from this JSON file, outside the root (--no-config: ignore ./tinyhttp.json); flags win over it', defaultText: './tinyhttp.json when present' },
  { name: 'print-schema', kind: 'boolean', description: 'print the JSON Schema of tinyhttp.json and exit' },
  { name: 'help', short: 'h', kind: 'boolean', description: 'show this help and exit' },
  { name: 'version', short: 'v', kind: 'boolean', description: 'print the version and exit' },
] as const satisfies readonly FlagSpec[]

/** The long name of an option in {@link FLAGS}. */
export type FlagName = (typeof FLAGS)[number]['name']

/** The value of one option: `true`/`false` for a switch, the text for a value, every value for a list. */
export type FlagValue = boolean | string | string[]

/** What {@link parseArgs} returns: the positional root and the options that were given. */
export interface ParsedArgs {
  /** The positional `root` argument, when given. */
  root: string | undefined
  /** The options that were given, by long name (absent ones are missing, never defaulted here). */
  options: Partial<Record<FlagName, FlagValue>>
}

const byName = new Map<string, FlagSpec>(FLAGS.map(f => [f.name, f]))
const byShort = new Map<string, FlagSpec>(FLAGS.filter(f => 'short' in f).map(f => [(f as FlagSpec).short as string, f]))

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] as number
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = tmp
    }
  }
  return row[b.length] as number
}

function unknownOption(word: string): Error {
  const bare = word.replace(/^-+/, '').split('=', 1)[0] as string
  let best: string | undefined
  let bestDistance = 3
  for (const f of FLAGS) {
    const d = distance(bare, f.name)
    if (d < bestDistance) {
      bestDistance = d
      best = f.name
    }
  }
  const hint = best !== undefined ? ` (did you mean --${best}?)` : ' (see --help)'
  return usageError(`unknown option ${JSON.stringify(word)}${hint}`)
}

function display(spec: FlagSpec): string {
  return `--${spec.name}`
}

/** Whether a word looks like an option rather than a value (`-5` is a value). */
function isOptionLike(word: string): boolean {
  return word.length > 1 && word.startsWith('-') && !/^-\d/.test(word)
}

/**
 * Parses the command line (without `node` and the script path). Hand-written, no dependency: accepts
 * `--flag value`, `--flag=value`, `-f value`, `-fvalue`, `-f=value`, clustered switches (`-qv`),
 * `--no-<flag>` for negatable switches, and `--` to end the options.
 *
 * @param argv - the arguments, e.g. `process.argv.slice(2)`
 * @returns the root and the options that were given
 * @throws CliError (exit code 2) for an unknown option, a missing or unexpected value, or a second root
 * @example
 * ```ts
 * parseArgs(['site', '--port=0', '-a', 'index.html', '--no-cors'])
 * // { root: 'site', options: { port: '0', allow: ['index.html'], cors: false } }
 * ```
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const options: Partial<Record<string, FlagValue>> = {}
  const positionals: string[] = []

  const setValue = (spec: FlagSpec, value: string): void => {
    if (spec.kind === 'list') {
      const list = (options[spec.name] as string[] | undefined) ?? []
      list.push(value)
      options[spec.name] = list
    } else {
      options[spec.name] = value
    }
  }

  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string
    if (word === '--') {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (!isOptionLike(word)) {
      positionals.push(word)
      continue
    }

    // Long option.
    if (word.startsWith('--')) {
      const eq = word.indexOf('=')
      const name = eq === -1 ? word.slice(2) : word.slice(2, eq)
      const inline = eq === -1 ? undefined : word.slice(eq + 1)
      let spec = byName.get(name)
      if (spec === undefined && name.startsWith('no-')) {
        const negated = byName.get(name.slice(3))
        if (negated?.negatable === true) {
          if (inline !== undefined) throw usageError(`option --${name} does not take a value`)
          options[negated.name] = false
          continue
        }
      }
      if (spec === undefined) throw unknownOption(word)
      i = take(spec, inline, argv, i, options, setValue)
      continue
    }

    // Short option(s): -p 80, -p80, -p=80, -qv.
    for (let j = 1; j < word.length; j++) {
      const letter = word[j] as string
      const spec = byShort.get(letter)
      if (spec === undefined) throw unknownOption(`-${letter}`)
      if (spec.kind === 'boolean') {
        if (word[j + 1] === '=') throw usageError(`option -${letter} (${display(spec)}) does not take a value`)
        options[spec.name] = true
        continue
      }
      const rest = word.slice(j + 1)
      const inline = rest === '' ? undefined : rest.startsWith('=') ? rest.slice(1) : rest
      i = take(spec, inline, argv, i, options, setValue)
      break
    }
  }

  if (positionals.length > 1) {
    throw usageError(`unexpected argument ${JSON.stringify(positionals[1])}: only one root folder may be given`)
  }
  return { root: positionals[0], options: options as ParsedArgs['options'] }
}

/** Reads the value of one option; returns the index of the last word consumed. */
function take(
  spec: FlagSpec,
  inline: string | undefined,
  argv: readonly string[],
  i: number,
  options: Partial<Record<string, FlagValue>>,
  setValue: (spec: FlagSpec, value: string) => void,
): number {
  switch (spec.kind) {
    case 'boolean':
      if (inline !== undefined) throw usageError(`option ${display(spec)} does not take a value`)
      options[spec.name] = true
      return i
    case 'optional': {
      if (inline !== undefined) {
        if (inline === '') throw usageError(`option ${display(spec)}= needs a value after "="`)
        options[spec.name] = inline
        return i
      }
      const next = argv[i + 1]
      if (next !== undefined && spec.accepts?.(next) === true) {
        options[spec.name] = next
        return i + 1
      }
      options[spec.name] = true
      return i
    }
    case 'value':
    case 'list': {
      if (inline !== undefined) {
        setValue(spec, inline)
        return i
      }
      const next = argv[i + 1]
      if (next === undefined || isOptionLike(next)) {
        throw usageError(`option ${display(spec)} needs a value${spec.placeholder ? ` ${spec.placeholder}` : ''}`)
      }
      setValue(spec, next)
      return i + 1
    }
  }
}

/**
 * Renders `--help` from {@link FLAGS}.
 *
 * @param version - the package version, shown in the first line
 * @returns the help text, ending with a newline
 */
export function helpText(version: string): string {
  const rows = FLAGS.map((f: FlagSpec) => {
    const names = `${f.short ? `-${f.short}, ` : '    '}--${f.negatable ? `[no-]${f.name}` : f.name}`
    const left = f.placeholder ? `${names} ${f.placeholder}` : names
    const right = f.defaultText ? `${f.description} (default: ${f.defaultText})` : f.description
    return [left, right] as const
  })
  const width = Math.max(...rows.map(([left]) => left.length)) + 2
  const lines = [
    `tinyhttp-cli ${version}: serve a folder safely, only the files you allow.`,
    '',
    'Usage: tinyhttp-cli [root] [options]',
    '       tinyhttp-cli healthcheck [url] [--admin [host:]port] [--config file]   exit 0 when /readyz says ready, else 1',
    '',
    'Arguments:',
    `  ${'root'.padEnd(width)}folder to serve (default: ./public)`,
    '',
    'Options:',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`),
    '',
    'Both --flag value and --flag=value work. Exit codes: 0 ok, 1 runtime error, 2 usage error.',
    '',
    'Examples:',
    '  tinyhttp-cli                                  serve ./public on http://127.0.0.1:7878',
    '  tinyhttp-cli site -a index.html -a "assets/**/*.css"',
    '  tinyhttp-cli dist --spa --max-age 3600 --precompressed',
    '  tinyhttp-cli dist --allow-file ./allow.txt --check',
    '  tinyhttp-cli site --dev                       live reload while you edit',
    '',
  ]
  return lines.join('\n')
}
