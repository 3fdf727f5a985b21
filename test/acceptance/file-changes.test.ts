// The file system changing under a running CLI (research §2.4 L3, B8): a listed file swapped for a
// symlink that leaves the root, deleted, or truncated must never leak outside bytes, crash, or hang.
import { renameSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { BIG, STYLE_CSS, SUB_PAGE_HTML, cliBuilt, download, expectAlive, expectNoSecrets, req, request, serve, show, sleep, topic, type Served } from './fixture.js'

describe.skipIf(!cliBuilt())(topic('file system changes under a running CLI'), () => {
  let s: Served
  beforeAll(async () => {
    s = await serve()
  })
  afterAll(async () => {
    await s?.stop()
  })

  test.each([
    ['style.css (small, possibly cached in memory)', 'style.css', '/style.css', STYLE_CSS],
    ['big.bin (streamed from disk)', 'big.bin', '/big.bin', BIG],
  ])('L3 %s replaced by a symlink to ../outside.txt after boot → never the outside bytes', async (_id, name, target, original) => {
    // Warm any cache first.
    await download(s.port, req('GET', target))
    const file = join(s.site.root, name)
    rmSync(file)
    symlinkSync('../outside.txt', file)
    try {
      for (let i = 0; i < 3; i++) {
        const res = await request(s.port, 'GET', target)
        expectNoSecrets(res.body, `${target} after the swap`)
        if (res.status === 200) expect(res.body.equals(original), `${target}: 200 with bytes that are neither the old file nor refused\n${show(res)}`).toBe(true)
        await sleep(50)
      }
      const ranged = await request(s.port, 'GET', target, { Range: 'bytes=0-5' })
      expectNoSecrets(ranged.body, `${target} range after the swap`)
    } finally {
      rmSync(file)
      writeFileSync(file, original)
    }
    await expectAlive(s.port, 'symlink swap')
  })

  test('a listed file deleted after boot → 403/404/410 (not 200 with bytes from nowhere, not 500), then served again once restored', async () => {
    const file = join(s.site.root, 'sub', 'page.html')
    const moved = `${file}.moved`
    renameSync(file, moved)
    try {
      await sleep(50)
      const res = await request(s.port, 'GET', '/sub/page.html')
      expect([403, 404, 410], show(res)).toContain(res.status)
      const head = await request(s.port, 'HEAD', '/sub/page.html')
      expect([403, 404, 410], show(head)).toContain(head.status)
    } finally {
      renameSync(moved, file)
    }
    let res = await request(s.port, 'GET', '/sub/page.html')
    for (let i = 0; i < 20 && res.status !== 200; i++) {
      await sleep(100)
      res = await request(s.port, 'GET', '/sub/page.html')
    }
    expect(res.status, show(res)).toBe(200)
    expect(res.body.equals(SUB_PAGE_HTML)).toBe(true)
  })

  test('big.bin truncated after boot → the response is consistent (its Content-Length is what is sent) or closed; never a hang', async () => {
    const file = join(s.site.root, 'big.bin')
    truncateSync(file, 1000)
    try {
      await sleep(50)
      try {
        const res = await download(s.port, req('GET', '/big.bin'), 5000)
        expect(res.body.equals(BIG.subarray(0, res.body.length)), 'bytes are a prefix of the file').toBe(true)
      } catch (err) {
        // A closed connection is an acceptable way to abort a response whose length can no longer be met;
        // a timeout is not.
        expect(String(err)).not.toMatch(/timed out/)
      }
    } finally {
      writeFileSync(file, BIG)
    }
    await expectAlive(s.port, 'truncation')
  })
})
