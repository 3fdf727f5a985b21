import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startCli, tempDir } from '../cli/helpers.js'
import { CHROMIUM } from '../helpers/chromium.js'
import { cliBrowserSuite } from './browser-suite.js'

// The smallest valid module: magic and version, one function type () -> i32, one function returning 42,
// exported as "answer".
const WASM = Buffer.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x0a, 0x01, 0x06, 0x61,
  0x6e, 0x73, 0x77, 0x65, 0x72, 0x00, 0x00, 0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x2a, 0x0b,
])
const PAGE = `<!doctype html><title>wasm</title><pre id="out">pending</pre>
<script type="module">
const { instance } = await WebAssembly.instantiateStreaming(fetch('/answer.wasm'))
document.getElementById('out').textContent = JSON.stringify({ isolated: crossOriginIsolated, answer: instance.exports.answer(), sab: typeof SharedArrayBuffer })
</script>
`

// Needs Debian's chromium (installed by .ci/run).
describe.skipIf(!existsSync(CHROMIUM))('a wasm page under --isolate in headless Chromium', () => {
  const browser = cliBrowserSuite()

  async function report(flags: string[]): Promise<{ isolated: boolean; answer: number; sab: string }> {
    const cwd = tempDir()
    mkdirSync(join(cwd, 'site'))
    writeFileSync(join(cwd, 'site', 'index.html'), PAGE)
    writeFileSync(join(cwd, 'site', 'answer.wasm'), WASM)
    const cli = await startCli(['site', '--port', '0', '-q', ...flags], { cwd })
    const page = await browser.newPage()
    try {
      await page.goto(`${cli.url}/index.html`)
      await page.waitForFunction(() => document.getElementById('out')?.textContent !== 'pending', undefined, { timeout: 10_000 })
      return JSON.parse((await page.locator('#out').textContent()) ?? '')
    } finally {
      await page.close()
    }
  }

  it('reports crossOriginIsolated === true with --isolate, and false without', async () => {
    expect(await report(['--isolate'])).toEqual({ isolated: true, answer: 42, sab: 'function' })
    expect((await report([])).isolated).toBe(false)
  }, 60_000)
})
