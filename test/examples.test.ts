import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { RawClient } from './helpers/raw-client.js'

const REPO = fileURLToPath(new URL('..', import.meta.url))
const children: ChildProcess[] = []
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL')
})

/** Starts `node examples/<file>` on a free port and resolves with the port from its `Local:` line. */
function start(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`examples/${file}`, '0'], { cwd: REPO, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    let out = ''
    const timer = setTimeout(() => reject(new Error(`${file} did not listen: ${out}`)), 10_000)
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /Local: http:\/\/127\.0\.0\.1:(\d+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    })
    child.once('exit', code => reject(new Error(`${file} exited with ${code}`)))
  })
}

// The examples import the built packages (`pnpm test` builds first).
describe.skipIf(!existsSync(`${REPO}packages/core/dist/index.js`))('examples/', () => {
  it.each(['core-only.js', 'plugins.js'])('%s serves the two demo files, keeps the connection alive and pipelines', async file => {
    const port = await start(file)
    const c = await RawClient.connect(port)
    c.write('GET /index.html HTTP/1.1\r\nHost: x\r\n\r\nGET /style.css HTTP/1.1\r\nHost: x\r\n\r\nGET /x.html HTTP/1.1\r\nHost: x\r\n\r\n')
    const html = await c.readResponse()
    const css = await c.readResponse()
    const denied = await c.readResponse()
    expect([html.status, css.status, denied.status]).toEqual([200, 200, 403])
    expect(html.headers.get('content-type')?.[0]).toBe('text/html; charset=utf-8')
    expect(css.headers.get('content-type')?.[0]).toBe('text/css; charset=utf-8')
    for (const r of [html, css, denied]) expect(r.headers.get('access-control-allow-origin')).toEqual(['*'])
    c.write('POST /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n')
    const post = await c.readResponse()
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toEqual(['GET, HEAD'])
    expect(c.ended).toBe(false)
    c.close()
  })
})
