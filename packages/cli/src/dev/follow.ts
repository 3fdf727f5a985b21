/**
 * `--dev` at run time: the served files watched, each batch of changes sent to the browsers.
 *
 * @module
 */
import type { AllowlistMiddleware } from 'tinyhttp-allowlist'
import type { CliIo } from '../output.js'
import type { DevHub } from './hub.js'
import { ServedFileWatcher, type ChangeBatch, type WatchTiming } from './watch.js'

/**
 * Watches what the allowlist serves and sends each batch of changes to the hub's browsers (after
 * `forget` dropped the files static keeps in memory, so the requests the message causes read the disk
 * rather than wait for static's once-a-second check), with one line
 * on stderr per batch (unless `quiet`): `tinyhttp-cli: dev: reload (/index.html)` or
 * `tinyhttp-cli: dev: styles (/style.css)`.
 *
 * @param root - the root (real path)
 * @param allow - the allowlist whose table says what is served (rebuilt at each batch)
 * @param hub - the browsers
 * @param forget - drops cached file versions (`built.forgetCachedFiles`)
 * @param io - where the lines go
 * @param quiet - no lines
 * @param timing - debounce windows (tests shorten nothing: the defaults are what a user gets)
 * @returns stops watching
 * @example
 * ```ts
 * const stop = followServedFiles(config.root, built.allowlist, hub, () => built.forgetCachedFiles(), io, config.quiet)
 * ```
 */
export function followServedFiles(root: string, allow: AllowlistMiddleware, hub: DevHub, forget: () => void, io: CliIo, quiet: boolean, timing?: WatchTiming): () => void {
  const report = (batch: ChangeBatch): void => {
    forget()
    hub.send(batch)
    if (quiet) return
    const shown = batch.paths.length > 5 ? `${batch.paths.slice(0, 5).join(', ')} and ${batch.paths.length - 5} more` : batch.paths.join(', ')
    io.stderr.write(`tinyhttp-cli: dev: ${batch.css ? 'styles' : 'reload'} (${shown || 'files changed'}), ${hub.size} browser${hub.size === 1 ? '' : 's'}\n`)
  }
  const watcher = new ServedFileWatcher(
    { root, current: () => allow.report.allowed, refresh: async () => (await allow.reload()).allowed },
    report,
    timing,
  )
  watcher.start()
  return () => watcher.close()
}
