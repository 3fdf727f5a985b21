import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { inet4 } from '../../packages/core/test/proxy/build-v2.js'
import { cleanupTemp, demoSite, ensureBuilt, killAll, spawnCli, startCli } from '../cli/helpers.js'
import { wire } from './wire-client.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

/** Runs the CLI to completion: exit code 2, one line on stderr matching `message`. */
async function refused(args: string[], message: RegExp): Promise<void> {
  const { cwd } = demoSite()
  const cli = spawnCli(args, { cwd })
  const result = await cli.exited()
  expect(result.code, args.join(' ')).toBe(2)
  const err = cli.stderr()
  expect(err.split('\n').filter(Boolean), err).toHaveLength(1)
  expect(err).toMatch(message)
  expect(cli.stdout()).not.toMatch(/Local:/)
}

const GET_STYLE = 'GET /style.css HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'

describe('tinyhttp-cli --proxy-protocol / --trusted-proxies / --trust-proxy: start-up errors (exit 2)', () => {
  it('--proxy-protocol without --trusted-proxies is refused', () => refused(['public', '--proxy-protocol'], /--proxy-protocol needs --trusted-proxies/))
  it('--trusted-proxies without --proxy-protocol is refused', () => refused(['public', '--trusted-proxies', '10.0.0.0/8'], /--trusted-proxies is for --proxy-protocol/))
  it('a bad range names the flag and the entry', () =>
    refused(['public', '--proxy-protocol', '--trusted-proxies', '127.0.0.1,10.0.0.1/8'], /--trusted-proxies: invalid CIDR "10\.0\.0\.1\/8": host bits/))
  it('a bad --trust-proxy names the flag and the entry', () => refused(['public', '--trust-proxy', 'loopback'], /--trust-proxy: invalid CIDR "loopback"/))
  it('an empty entry', () => refused(['public', '--trust-proxy', '10.0.0.0/8,'], /--trust-proxy: invalid CIDR "": an empty entry/))
})

describe('tinyhttp-cli --proxy-protocol: the access log shows the client, not the balancer', () => {
  it('JSON log: remote and remotePort of the header; a bad connection gets nothing and the next is served', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['public', '--port', '0', '--proxy-protocol', '--trusted-proxies', '127.0.0.1,::1', '--log-format', 'json'], { cwd })
    const good = await wire(cli.port, [Buffer.concat([inet4(), Buffer.from(GET_STYLE)])])
    expect(good.received.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    const [line] = await cli.waitForStdout(/^\{.*"\/style\.css".*\}$/m)
    expect(JSON.parse(line)).toMatchObject({ remote: '192.0.2.1', remotePort: 56324, status: 200 })
    const bad = await wire(cli.port, [GET_STYLE])
    expect(bad).toMatchObject({ closed: true, received: Buffer.alloc(0) })
    const local = await wire(cli.port, ['PROXY UNKNOWN\r\n', GET_STYLE.replace('/style.css', '/index.html')])
    const [second] = await cli.waitForStdout(/^\{.*"\/index\.html".*\}$/m)
    expect(JSON.parse(second)).toMatchObject({ remote: '127.0.0.1', remotePort: local.local.port })
  })

  it('text log: the Combined Log Format with the address only', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['public', '--port', '0', '--proxy-protocol', '--trusted-proxies', '127.0.0.1'], { cwd })
    await wire(cli.port, ['PROXY TCP6 2001:db8::17 ::1 4711 443\r\n', GET_STYLE])
    await cli.waitForStdout(/^2001:db8::17 - - \[[^\]]+\] "GET \/style\.css HTTP\/1\.1" 200 \d+ /m)
  })

  it('--trust-proxy: X-Forwarded-For from a trusted peer only', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['public', '--port', '0', '--trust-proxy', '127.0.0.1', '--log-format', 'json'], { cwd })
    const result = await wire(cli.port, [GET_STYLE.replace('Connection: close', 'X-Forwarded-For: 6.6.6.6, 198.51.100.1\r\nConnection: close')])
    expect(result.received.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    const [line] = await cli.waitForStdout(/^\{.*"\/style\.css".*\}$/m)
    expect(JSON.parse(line)).toMatchObject({ remote: '198.51.100.1', remotePort: null })
  })

  it('from the config file: proxyProtocol and trustedProxies', async () => {
    const { cwd } = demoSite()
    writeFileSync(join(cwd, 'tinyhttp.json'), JSON.stringify({ proxyProtocol: true, trustedProxies: ['127.0.0.1'], logFormat: 'json' }))
    const cli = await startCli(['public', '--port', '0'], { cwd })
    await wire(cli.port, [Buffer.concat([inet4(), Buffer.from(GET_STYLE)])])
    const [line] = await cli.waitForStdout(/^\{.*"\/style\.css".*\}$/m)
    expect(JSON.parse(line)).toMatchObject({ remote: '192.0.2.1', remotePort: 56324 })
    expect(await wire(cli.port, [GET_STYLE])).toMatchObject({ closed: true, received: Buffer.alloc(0) })
  })

  it('--workers 2: every worker reads the header', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['public', '--port', '0', '--workers', '2', '--proxy-protocol', '--trusted-proxies', '127.0.0.1', '--log-format', 'json'], { cwd })
    for (let i = 0; i < 6; i++) {
      const result = await wire(cli.port, [`PROXY TCP4 192.0.2.${i + 1} 198.51.100.2 ${40000 + i} 443\r\n`, GET_STYLE])
      expect(result.received.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    }
    const jsonLines = (): string[] => cli.stdout().split('\n').filter(l => l.startsWith('{'))
    for (let i = 0; i < 100 && jsonLines().length < 6; i++) await new Promise(r => setTimeout(r, 20))
    const lines = jsonLines()
    expect(lines.map(l => (JSON.parse(l) as { remotePort: number }).remotePort).sort()).toEqual([40000, 40001, 40002, 40003, 40004, 40005])
    expect(await wire(cli.port, [GET_STYLE])).toMatchObject({ closed: true, received: Buffer.alloc(0) })
  })
})
