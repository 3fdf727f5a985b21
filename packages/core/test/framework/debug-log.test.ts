import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const DEBUG_LOG = fileURLToPath(new URL('../../dist/debug-log.js', import.meta.url))

/** Runs a script in a fresh Node process (the module keeps state) and returns its stderr and stdout. */
function run(script: string, env: Record<string, string | undefined>): { stderr: string; stdout: string } {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 10_000,
  })
  return { stderr: result.stderr, stdout: result.stdout }
}

describe('createDebug', () => {
  it('prints through the debug package for an enabled namespace', () => {
    const { stderr } = run(
      `import { createDebug } from ${JSON.stringify(DEBUG_LOG)}
       const log = createDebug('tinyhttp:test')
       console.log(log.enabled)
       log('hello %s', 'world')`,
      { DEBUG: 'tinyhttp:*', DEBUG_COLORS: 'no' },
    )
    expect(stderr).toContain('tinyhttp:test hello world')
  })

  it('does not load the debug package while DEBUG is unset, and then prints nothing', () => {
    const { stdout, stderr } = run(
      `import { createRequire } from 'node:module'
       import { createDebug } from ${JSON.stringify(DEBUG_LOG)}
       const log = createDebug('tinyhttp:test')
       log('hello %s', 'world')
       const require = createRequire(${JSON.stringify(DEBUG_LOG)})
       const loaded = Object.keys(require.cache).some(file => /[\\\\/]debug[\\\\/]/.test(file))
       console.log(JSON.stringify({ enabled: log.enabled, loaded }))`,
      { DEBUG: undefined },
    )
    expect(stderr).toBe('')
    expect(JSON.parse(stdout.trim())).toEqual({ enabled: false, loaded: false })
  })

  it('follows DEBUG set after the logger was made (as debug.enable() does)', () => {
    const { stderr } = run(
      `import { createDebug } from ${JSON.stringify(DEBUG_LOG)}
       const log = createDebug('tinyhttp:late')
       log('before')
       process.env.DEBUG = 'tinyhttp:late'
       log('after')`,
      { DEBUG: undefined, DEBUG_COLORS: 'no' },
    )
    expect(stderr).not.toContain('before')
    expect(stderr).toContain('tinyhttp:late after')
  })
})
