import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { HttpError } from 'tinyhttp-core'
import { cors } from 'tinyhttp-cors'
import { fallback } from 'tinyhttp-fallback'
import { afterEach, describe, expect, it } from 'vitest'
import { rawRequest } from '../helpers/raw-client.js'
import { closeAll, serve } from '../helpers/serve.js'

afterEach(closeAll)

const CORE = fileURLToPath(new URL('../../packages/core/dist/index.js', import.meta.url))

/** The app the child runs: /boom throws an Error, /teapot an HttpError(418), /unavailable an HttpError(503). */
const APP = `
import { createApp, HttpError } from ${JSON.stringify(pathToFileURL(CORE).href)}
const options = process.env.WITH_ON_ERROR ? { onError: err => process.stdout.write('onError: ' + err.message + '\\n') } : {}
const app = createApp(options)
app.use(async (ctx, next) => {
  if (ctx.req.path === '/boom') throw new Error('boom: secret detail')
  if (ctx.req.path === '/teapot') throw new HttpError(418)
  if (ctx.req.path === '/unavailable') throw new HttpError(503)
  await next()
})
const { port } = await app.listen(0, '127.0.0.1')
process.stdout.write('Local: http://127.0.0.1:' + port + '\\n')
process.stdin.on('end', () => app.close().then(() => process.exit(0)))
process.stdin.resume()
`

interface Run {
  answers: Array<{ statusLine: string; text: string }>
  stdout: string
  stderr: string
}

/** Runs APP in a child Node process with `env`, sends GET for each target, then ends its stdin and waits (≤ 10 s) for it to exit. */
function runChild(env: NodeJS.ProcessEnv, targets: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', APP], { env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    const answers: Run['answers'] = []
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`child did not finish in 10 s; stdout=${stdout} stderr=${stderr}`))
    }, 10_000)
    let started = false
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
      const m = /Local: http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)
      if (m === null || started) return
      started = true
      void (async () => {
        for (const target of targets) {
          const r = await rawRequest(Number(m[1]), `GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`)
          answers.push({ statusLine: r.statusLine, text: r.rawHead + '\r\n\r\n' + r.body.toString() })
        }
        child.stdin.end()
      })().catch(err => {
        child.kill('SIGKILL')
        reject(err)
      })
    })
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.once('close', () => {
      clearTimeout(timer)
      resolve({ answers, stdout, stderr })
    })
  })
}

function envWithout(name: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra }
  delete env[name]
  return env
}

describe.skipIf(!existsSync(CORE))('an unhandled error is logged to stderr (child process, built core)', () => {
  it('by default: one line with method, raw path and status, then the stack; the client gets a bare 500', async () => {
    const run = await runChild(envWithout('NODE_ENV'), ['/b%6Fom', '/teapot', '/unavailable'])
    expect(run.answers.map(a => a.statusLine)).toEqual(['HTTP/1.1 500 Internal Server Error', "HTTP/1.1 418 I'm a Teapot", 'HTTP/1.1 503 Service Unavailable'])
    const [boom] = run.answers
    expect(boom?.text).toMatch(/\r\n\r\nInternal Server Error$/)
    expect(boom?.text).not.toMatch(/secret|boom|\bat /)
    expect(run.stderr).toContain('tinyhttp-core: unhandled error, GET /b%6Fom answered 500 (no details sent to the client)\nError: boom: secret detail\n    at ')
    // A 4xx HttpError is an expected refusal: not logged. A 5xx one is.
    expect(run.stderr).not.toContain('/teapot')
    expect(run.stderr).toContain('tinyhttp-core: unhandled error, GET /unavailable answered 503')
    expect(run.stderr.match(/^tinyhttp-core: /gm)).toHaveLength(2)
  })

  it('NODE_ENV=test: nothing on stderr', async () => {
    const run = await runChild({ ...process.env, NODE_ENV: 'test' }, ['/boom'])
    expect(run.answers[0]?.statusLine).toBe('HTTP/1.1 500 Internal Server Error')
    expect(run.stderr).toBe('')
  })

  it('with an onError: it is called instead, nothing on stderr', async () => {
    const run = await runChild(envWithout('NODE_ENV', { WITH_ON_ERROR: '1' }), ['/boom'])
    expect(run.answers[0]?.statusLine).toBe('HTTP/1.1 500 Internal Server Error')
    expect(run.stdout).toContain('onError: boom: secret detail\n')
    expect(run.stderr).toBe('')
  })
})

describe('onError sees every error that became a 5xx, whoever rendered it, once', () => {
  it.each([
    ['the core', []],
    ['cors() above', [cors()]],
    ['fallback() above', [fallback()]],
    ['cors() and fallback() above', [cors(), fallback()]],
  ] as const)('%s', async (_name, above) => {
    const errors: unknown[] = []
    const boom = new Error('boom')
    const { port } = await serve(
      [
        ...above,
        async ctx => {
          if (ctx.req.path === '/refused') throw new HttpError(403)
          throw boom
        },
      ],
      { onError: err => errors.push(err) },
    )
    const r = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: x\r\nOrigin: http://a.test\r\n\r\n')
    expect(r.status).toBe(500)
    expect(r.body.toString()).toBe('Internal Server Error')
    if (above.length > 0 && _name.startsWith('cors')) expect(r.headers.get('access-control-allow-origin')).toEqual(['*'])
    expect(errors).toEqual([boom])
    const refused = await rawRequest(port, 'GET /refused HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(refused.status).toBe(403)
    expect(errors).toHaveLength(1)
  })

  it('an onError that throws does not break the answer', async () => {
    const { port } = await serve(() => {
      throw new Error('boom')
    }, { onError: () => { throw new Error('hook failed') } })
    const r = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(r.status).toBe(500)
    const again = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(again.status).toBe(500)
  })
})
