import type { Duplex } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { inject, InjectError } from '../../src/inject.js'

/** A host that answers every connection with `bytes`, then ends (or destroys) it. */
function host(bytes: string, how: 'end' | 'destroy' = 'end') {
  return {
    handleConnection(socket: Duplex): void {
      socket.on('error', () => {})
      socket.once('data', () => {
        socket.write(Buffer.from(bytes, 'latin1'))
        if (how === 'end') socket.end()
        else socket.destroy()
      })
    },
  }
}

async function failure(promise: Promise<unknown>): Promise<InjectError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(InjectError)
  return err as InjectError
}

describe('inject() against a host that misbehaves', () => {
  it('bytes that are not a response reject as malformed, with the bytes and the parse error as cause', async () => {
    const err = await failure(inject(host('HTTP/1.1 2OO OK\r\n\r\n'), { target: '/' }))
    expect(err.code).toBe('malformed')
    expect(err.raw.toString('latin1')).toBe('HTTP/1.1 2OO OK\r\n\r\n')
    expect((err.cause as { code?: string }).code).toBe('INVALID_STATUS_LINE')
  })

  it('a connection cut inside the second of two responses rejects as incomplete, keeping the first', async () => {
    const first = 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na'
    const err = await failure(inject(host(`${first}HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab`, 'destroy'), 'GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n'))
    expect(err.code).toBe('incomplete')
    expect(err.message).toMatch(/in the middle of response 2/)
    expect(err.responses.map(r => r.body.toString())).toEqual(['a'])
  })

  it('a close-delimited body ends with the connection', async () => {
    const res = await inject(host('HTTP/1.0 200 OK\r\n\r\nuntil the end'), { target: '/' })
    expect([res.framing, res.body.toString(), res.closed]).toEqual(['close', 'until the end', true])
  })

  it('the peer the host sees: 127.0.0.1 and not TLS by default, or as given', async () => {
    const seen: Array<[unknown, unknown]> = []
    const probe = {
      handleConnection(socket: Duplex): void {
        const s = socket as Duplex & { remoteAddress?: string; encrypted?: boolean }
        seen.push([s.remoteAddress, s.encrypted === true])
        socket.end('HTTP/1.1 204 No Content\r\n\r\n')
      },
    }
    await inject(probe, { target: '/' })
    await inject(probe, { target: '/' }, { remoteAddress: '2001:db8::1', secure: true })
    expect(seen).toEqual([
      ['127.0.0.1', false],
      ['2001:db8::1', true],
    ])
  })

  it('refuses a timeout that is not a positive number', async () => {
    await expect(inject(host(''), { target: '/' }, { timeout: 0 })).rejects.toThrow(TypeError)
  })
})
