import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { escapeHelp, escapeLabelValue, formatValue, Registry, toPrometheusText, type Snapshot } from '../src/index.js'

describe('escaping (text format 0.0.4)', () => {
  it.each([
    ['plain', 'plain'],
    ['back\\slash', 'back\\\\slash'],
    ['line\nfeed', 'line\\nfeed'],
    ['"quotes" stay in help', '"quotes" stay in help'],
    ['\\\n', '\\\\\\n'],
  ])('help %j → %j', (input, expected) => {
    expect(escapeHelp(input)).toBe(expected)
  })

  it.each([
    ['GET', 'GET'],
    ['say "hi"', 'say \\"hi\\"'],
    ['a\\b', 'a\\\\b'],
    ['two\nlines', 'two\\nlines'],
    ['tab\tand\rcr stay', 'tab\tand\rcr stay'],
    ['ünïcode', 'ünïcode'],
  ])('label value %j → %j', (input, expected) => {
    expect(escapeLabelValue(input)).toBe(expected)
  })

  it.each([
    [0, '0'],
    [1, '1'],
    [0.25, '0.25'],
    [1e21, '1e+21'],
    [-3, '-3'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [NaN, 'NaN'],
  ])('value %s → %s', (input, expected) => {
    expect(formatValue(input)).toBe(expected)
  })

  it('an escaped label value never holds a raw line feed or an unescaped quote, and unescapes to itself', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), value => {
        const escaped = escapeLabelValue(value)
        expect(escaped).not.toContain('\n')
        // Every quote is preceded by an odd run of backslashes.
        for (const m of escaped.matchAll(/(\\*)"/g)) expect((m[1] as string).length % 2).toBe(1)
        const back = escaped.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c))
        expect(back).toBe(value)
      }),
    )
  })
})

describe('toPrometheusText', () => {
  it('writes a counter, a labelled counter, a gauge and a histogram exactly', () => {
    const registry = new Registry()
    const plain = registry.counter({ name: 'demo_events_total', help: 'Events.' })
    const labelled = registry.counter({ name: 'demo_requests_total', help: 'Requests\nby method.', labels: { method: ['GET', 'other'], code: ['2xx', '4xx'] } })
    const gauge = registry.gauge({ name: 'demo_in_flight', help: 'In flight.' })
    const hist = registry.histogram({ name: 'demo_duration_seconds', help: 'Duration.', buckets: [0.1, 1] })
    plain.inc()
    plain.inc(undefined, 2)
    labelled.inc({ method: 'GET', code: '2xx' })
    labelled.inc({ method: 'BREW', code: '4xx' }, 3)
    gauge.set(-1.5)
    hist.observe(0.05)
    hist.observe(0.1) // on the bound: counted in le="0.1"
    hist.observe(0.5)
    hist.observe(7)
    expect(toPrometheusText(registry.snapshot())).toBe(
      [
        '# HELP demo_events_total Events.',
        '# TYPE demo_events_total counter',
        'demo_events_total 3',
        '# HELP demo_requests_total Requests\\nby method.',
        '# TYPE demo_requests_total counter',
        'demo_requests_total{method="GET",code="2xx"} 1',
        'demo_requests_total{method="other",code="4xx"} 3',
        '# HELP demo_in_flight In flight.',
        '# TYPE demo_in_flight gauge',
        'demo_in_flight -1.5',
        '# HELP demo_duration_seconds Duration.',
        '# TYPE demo_duration_seconds histogram',
        'demo_duration_seconds_bucket{le="0.1"} 2',
        'demo_duration_seconds_bucket{le="1"} 3',
        'demo_duration_seconds_bucket{le="+Inf"} 4',
        'demo_duration_seconds_sum 7.65',
        'demo_duration_seconds_count 4',
        '',
      ].join('\n'),
    )
  })

  it('writes HELP and TYPE for a metric without any series yet, and nothing for an empty registry', () => {
    const registry = new Registry()
    expect(toPrometheusText(registry.snapshot())).toBe('')
    registry.counter({ name: 'demo_total', help: 'Nothing yet.', labels: { kind: ['a', 'b'] } })
    expect(toPrometheusText(registry.snapshot())).toBe('# HELP demo_total Nothing yet.\n# TYPE demo_total counter\n')
  })

  it('puts le after the other labels of a labelled histogram, and escapes label values', () => {
    const snapshot: Snapshot = {
      metrics: [
        {
          name: 'demo_seconds',
          help: 'x',
          type: 'histogram',
          merge: 'sum',
          labelNames: ['route'],
          buckets: [1],
          series: [{ labels: ['a"b\\c\nd'], counts: [1, 2], sum: 4 }],
        },
      ],
    }
    expect(toPrometheusText(snapshot).split('\n').slice(2)).toEqual([
      'demo_seconds_bucket{route="a\\"b\\\\c\\nd",le="1"} 1',
      'demo_seconds_bucket{route="a\\"b\\\\c\\nd",le="+Inf"} 3',
      'demo_seconds_sum{route="a\\"b\\\\c\\nd"} 4',
      'demo_seconds_count{route="a\\"b\\\\c\\nd"} 3',
      '',
    ])
  })
})
