import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { negotiateDeflate, type PerMessageDeflateOptions } from '../../packages/websocket/src/deflate/index.js'

const PMD = 'permessage-deflate'

/** [offer header, server options, expected response (null = no extension), expected params or omitted] */
type Row = readonly [string | undefined, PerMessageDeflateOptions, string | null, Partial<Record<string, unknown>>?]

const accepted: Row[] = [
  // plain offers
  [PMD, {}, PMD, { serverNoContextTakeover: false, clientNoContextTakeover: false, serverMaxWindowBits: 15, clientMaxWindowBits: 15 }],
  // Chromium's offer
  [`${PMD}; client_max_window_bits`, {}, PMD, { clientMaxWindowBits: 15 }],
  // Firefox's and ws's default offer
  [`${PMD}; client_max_window_bits=15`, {}, `${PMD}; client_max_window_bits=15`, { clientMaxWindowBits: 15 }],
  [`${PMD}; server_no_context_takeover`, {}, `${PMD}; server_no_context_takeover`, { serverNoContextTakeover: true }],
  [`${PMD}; client_no_context_takeover`, {}, `${PMD}; client_no_context_takeover`, { clientNoContextTakeover: true }],
  [`${PMD}; server_max_window_bits=10`, {}, `${PMD}; server_max_window_bits=10`, { serverMaxWindowBits: 10 }],
  [`${PMD}; server_max_window_bits="10"`, {}, `${PMD}; server_max_window_bits=10`, { serverMaxWindowBits: 10 }],
  [`${PMD}; client_max_window_bits=8`, {}, `${PMD}; client_max_window_bits=8`, { clientMaxWindowBits: 8 }],
  // all four parameters, in any order, whitespace around separators
  [
    `${PMD} ;client_max_window_bits = 9;server_max_window_bits=12 ; server_no_context_takeover;\tclient_no_context_takeover`,
    {},
    `${PMD}; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=9`,
    { serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 12, clientMaxWindowBits: 9 },
  ],
  // server options narrow what was offered, or add what the server may add on its own
  [PMD, { serverNoContextTakeover: true }, `${PMD}; server_no_context_takeover`, { serverNoContextTakeover: true }],
  [PMD, { clientNoContextTakeover: true }, `${PMD}; client_no_context_takeover`, { clientNoContextTakeover: true }],
  [PMD, { serverMaxWindowBits: 11 }, `${PMD}; server_max_window_bits=11`, { serverMaxWindowBits: 11 }],
  [`${PMD}; server_max_window_bits=13`, { serverMaxWindowBits: 11 }, `${PMD}; server_max_window_bits=11`, { serverMaxWindowBits: 11 }],
  [`${PMD}; server_max_window_bits=10`, { serverMaxWindowBits: 11 }, `${PMD}; server_max_window_bits=10`, { serverMaxWindowBits: 10 }],
  [`${PMD}; client_max_window_bits`, { clientMaxWindowBits: 10 }, `${PMD}; client_max_window_bits=10`, { clientMaxWindowBits: 10 }],
  [`${PMD}; client_max_window_bits=9`, { clientMaxWindowBits: 10 }, `${PMD}; client_max_window_bits=9`, { clientMaxWindowBits: 9 }],
  // the first acceptable offer wins; others are ignored
  [`x-webkit-deflate-frame, ${PMD}; server_max_window_bits=10, ${PMD}`, {}, `${PMD}; server_max_window_bits=10`],
  [`${PMD}; server_max_window_bits=8, ${PMD}; server_max_window_bits=9`, {}, `${PMD}; server_max_window_bits=9`],
  [`${PMD}; foo, ${PMD}`, {}, PMD],
  // several header lines are one list; empty list elements are ignored (RFC 9110 §5.6.1)
  [`, ,${PMD},`, {}, PMD],
]

const declined: Row[] = [
  [undefined, {}, null],
  ['', {}, null],
  ['x-webkit-deflate-frame', {}, null],
  // names are exact (the registry's spelling)
  ['Permessage-Deflate', {}, null],
  // a parameter not defined for an offer (§7)
  [`${PMD}; foo`, {}, null],
  [`${PMD}; foo=1`, {}, null],
  [`${PMD}; Server_No_Context_Takeover`, {}, null],
  // the same parameter twice (§7)
  [`${PMD}; server_no_context_takeover; server_no_context_takeover`, {}, null],
  [`${PMD}; client_max_window_bits; client_max_window_bits=10`, {}, null],
  [`${PMD}; server_max_window_bits=10; server_max_window_bits=10`, {}, null],
  // a value where none is allowed (§7.1.1)
  [`${PMD}; server_no_context_takeover=1`, {}, null],
  [`${PMD}; client_no_context_takeover="x"`, {}, null],
  // server_max_window_bits needs a value (§7.1.2.1)
  [`${PMD}; server_max_window_bits`, {}, null],
  // windows outside 8–15, leading zeros, not a number (§7.1.2)
  [`${PMD}; server_max_window_bits=7`, {}, null],
  [`${PMD}; server_max_window_bits=16`, {}, null],
  [`${PMD}; server_max_window_bits=08`, {}, null],
  [`${PMD}; server_max_window_bits=010`, {}, null],
  [`${PMD}; server_max_window_bits=1e1`, {}, null],
  [`${PMD}; client_max_window_bits=0`, {}, null],
  [`${PMD}; client_max_window_bits=16`, {}, null],
  [`${PMD}; client_max_window_bits=09`, {}, null],
  [`${PMD}; client_max_window_bits=""`, {}, null],
  // zlib cannot honour a 256-byte compression window: decline, not lie
  [`${PMD}; server_max_window_bits=8`, {}, null],
  // the server bounds the client's window but the client cannot be told (§7.1.2.2)
  [PMD, { clientMaxWindowBits: 10 }, null],
  // not an extension list at all
  [`${PMD};`, {}, null],
  [`${PMD}; =1`, {}, null],
  [`${PMD} foo`, {}, null],
  [`${PMD}; server_max_window_bits="10`, {}, null],
  [`${PMD}; server_max_window_bits="1 0"`, {}, null],
  [`${PMD}; server_max_window_bits=`, {}, null],
  [`${PMD}\r\n`, {}, null],
]

describe('negotiateDeflate', () => {
  for (const [offer, options, response, params] of accepted) {
    it(`accepts ${JSON.stringify(offer)} with ${JSON.stringify(options)} → ${JSON.stringify(response)}`, () => {
      const agreed = negotiateDeflate(offer, options)
      expect(agreed?.response ?? null).toBe(response)
      if (params !== undefined) expect(agreed?.params).toMatchObject(params)
    })
  }

  for (const [offer, options] of declined) {
    it(`declines ${JSON.stringify(offer)} with ${JSON.stringify(options)}`, () => {
      expect(negotiateDeflate(offer, options)).toBeNull()
    })
  }

  it('reads several header lines as one list', () => {
    expect(negotiateDeflate(['x-foo', `${PMD}; client_max_window_bits=10`])?.response).toBe(`${PMD}; client_max_window_bits=10`)
  })

  it('unescapes a quoted-pair in a quoted value', () => {
    expect(negotiateDeflate(`${PMD}; server_max_window_bits="1\\1"`)?.params.serverMaxWindowBits).toBe(11)
  })

  it.each([
    [{ serverMaxWindowBits: 8 }],
    [{ serverMaxWindowBits: 16 }],
    [{ clientMaxWindowBits: 7 }],
    [{ clientMaxWindowBits: 10.5 }],
    [{ threshold: -1 }],
    [{ level: 10 }],
    [{ memLevel: 0 }],
  ])('refuses options %j with a TypeError', (options) => {
    expect(() => negotiateDeflate(PMD, options)).toThrow(TypeError)
  })

  it('never answers with a window larger than offered or configured, nor names client bits not offered', () => {
    const bits = fc.option(fc.integer({ min: 8, max: 15 }), { nil: undefined })
    const flag = fc.boolean()
    fc.assert(
      fc.property(flag, flag, bits, fc.option(fc.boolean(), { nil: undefined }), bits, bits, fc.boolean(), fc.boolean(), (snct, cnct, sOffer, cBare, cOffer, sCap, oSnct, oCnct) => {
        const params: string[] = []
        if (snct) params.push('server_no_context_takeover')
        if (cnct) params.push('client_no_context_takeover')
        if (sOffer !== undefined) params.push(`server_max_window_bits=${sOffer}`)
        const clientNamed = cBare !== undefined || cOffer !== undefined
        if (cOffer !== undefined) params.push(`client_max_window_bits=${cOffer}`)
        else if (cBare !== undefined) params.push('client_max_window_bits')
        const serverCap = sCap === undefined || sCap < 9 ? undefined : sCap
        const options = { serverMaxWindowBits: serverCap, serverNoContextTakeover: oSnct, clientNoContextTakeover: oCnct }
        const agreed = negotiateDeflate([PMD, ...params].join('; '), options)
        const serverBits = Math.min(sOffer ?? 15, serverCap ?? 15)
        if (serverBits < 9) return agreed === null
        if (agreed === null) return false
        const p = agreed.params
        return (
          p.serverMaxWindowBits === serverBits &&
          p.clientMaxWindowBits === (cOffer ?? 15) &&
          p.serverNoContextTakeover === (snct || oSnct) &&
          p.clientNoContextTakeover === (cnct || oCnct) &&
          (clientNamed || !agreed.response.includes('client_max_window_bits')) &&
          negotiateDeflate(agreed.response, {}) !== null // the answer is itself a well-formed list
        )
      }),
    )
  })
})
