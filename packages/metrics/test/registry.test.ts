import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isSnapshot, LabelSpace, mergeSnapshots, Registry, type Snapshot } from '../src/index.js'

describe('LabelSpace: values from closed sets', () => {
  it('maps every combination to its own index and back', () => {
    const space = new LabelSpace({ a: ['x', 'y', 'other'], b: ['1', '2'] })
    expect(space.size).toBe(6)
    const seen = new Set<number>()
    for (const a of ['x', 'y', 'other']) {
      for (const b of ['1', '2']) {
        const i = space.indexOf({ a, b })
        expect(space.valuesAt(i)).toEqual([a, b])
        seen.add(i)
      }
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('sends a value outside the list to other, and refuses it where the list has no other', () => {
    const space = new LabelSpace({ a: ['x', 'other'], b: ['1'] })
    expect(space.indexOf({ a: 'evil\n', b: '1' })).toBe(space.indexOf({ a: 'other', b: '1' }))
    expect(() => space.indexOf({ a: 'x', b: '2' })).toThrow(/label b cannot be "2"/)
    expect(() => space.indexOf({ a: 'x' })).toThrow(TypeError)
  })

  it.each([
    [{ '0bad': ['x'] }, /invalid label name/],
    [{ __reserved: ['x'] }, /invalid label name/],
    [{ a: [] }, /non-empty list/],
    [{ a: ['x', 'x'] }, /repeated/],
  ])('refuses %j', (labels, message) => {
    expect(() => new LabelSpace(labels as Record<string, string[]>)).toThrow(message)
  })

  it('reserves le for histograms', () => {
    expect(() => new Registry().histogram({ name: 'h', help: 'h', buckets: [1], labels: { le: ['1'] } })).toThrow(/invalid label name "le"/)
  })

  it('any label values whatsoever land in one of the allocated series (property)', () => {
    const space = new LabelSpace({ method: ['GET', 'HEAD', 'other'], host: ['known', 'other'] })
    fc.assert(
      fc.property(fc.string(), fc.string(), (method, host) => {
        const i = space.indexOf({ method, host })
        expect(i).toBeGreaterThanOrEqual(0)
        expect(i).toBeLessThan(space.size)
      }),
    )
  })
})

describe('Registry', () => {
  it('refuses bad names, a second metric of the same name, bad buckets, negative counts', () => {
    const r = new Registry()
    expect(() => r.counter({ name: 'bad-name', help: 'x' })).toThrow(/invalid metric name/)
    r.counter({ name: 'same_total', help: 'x' })
    expect(() => r.gauge({ name: 'same_total', help: 'x' })).toThrow(/already registered/)
    expect(() => r.histogram({ name: 'h1', help: 'x', buckets: [1, 1] })).toThrow(/ascending/)
    expect(() => r.histogram({ name: 'h2', help: 'x', buckets: [Infinity] })).toThrow(/finite/)
    expect(() => r.histogram({ name: 'h3', help: 'x', buckets: [] })).toThrow(/buckets/)
    const c = r.counter({ name: 'c_total', help: 'x' })
    expect(() => c.inc(undefined, -1)).toThrow(/grow/)
    expect(() => c.inc(undefined, NaN)).toThrow(/grow/)
    expect(() => r.gauge({ name: 'g', help: 'x', labels: { a: ['b'] }, collect: () => 1 })).toThrow(/without labels/)
  })

  it('counts histogram observations per bucket (bounds inclusive) and ignores NaN', () => {
    const r = new Registry()
    const h = r.histogram({ name: 'h', help: 'x', buckets: [1, 2] })
    for (const v of [0, 1, 1.5, 2, 3, NaN]) h.observe(v)
    expect(r.snapshot().metrics[0]?.series).toEqual([{ labels: [], counts: [2, 2, 1], sum: 7.5 }])
  })

  it('setTotal never lowers a counter', () => {
    const r = new Registry()
    const c = r.counter({ name: 'c_total', help: 'x' })
    c.setTotal(5)
    c.setTotal(3)
    expect(r.snapshot().metrics[0]?.series[0]?.value).toBe(5)
  })

  it('runs collect hooks and collect gauges on each snapshot', () => {
    const r = new Registry()
    let n = 0
    r.gauge({ name: 'g', help: 'x', collect: () => ++n })
    const c = r.counter({ name: 'c_total', help: 'x' })
    r.onCollect(() => c.setTotal(n * 10))
    r.snapshot()
    const s = r.snapshot()
    expect(s.metrics.map(m => m.series[0]?.value)).toEqual([2, 10])
  })
})

describe('mergeSnapshots', () => {
  const worker = (requests: number, inFlight: number, start: number, lag: number, h: number[]): Snapshot => {
    const r = new Registry()
    r.counter({ name: 'req_total', help: 'x', labels: { m: ['GET', 'other'] } }).inc({ m: 'GET' }, requests)
    r.gauge({ name: 'in_flight', help: 'x' }).set(inFlight)
    r.gauge({ name: 'start_seconds', help: 'x', merge: 'min' }).set(start)
    r.gauge({ name: 'lag_seconds', help: 'x', merge: 'max' }).set(lag)
    const hist = r.histogram({ name: 'd_seconds', help: 'x', buckets: [1] })
    for (const v of h) hist.observe(v)
    return JSON.parse(JSON.stringify(r.snapshot())) as Snapshot // as it crosses the IPC channel
  }

  it('sums counters, histograms and sum-gauges; min and max gauges combine by their rule', () => {
    const merged = mergeSnapshots([worker(3, 1, 100, 0.5, [0.5]), worker(4, 2, 90, 0.2, [2, 3])])
    const by = new Map(merged.metrics.map(m => [m.name, m]))
    expect(by.get('req_total')?.series).toEqual([{ labels: ['GET'], value: 7 }])
    expect(by.get('in_flight')?.series[0]?.value).toBe(3)
    expect(by.get('start_seconds')?.series[0]?.value).toBe(90)
    expect(by.get('lag_seconds')?.series[0]?.value).toBe(0.5)
    expect(by.get('d_seconds')?.series).toEqual([{ labels: [], counts: [1, 2], sum: 5.5 }])
  })

  it('keeps series only one process has, and leaves out a metric whose shape differs', () => {
    const a = worker(1, 0, 1, 0, [])
    const b: Snapshot = { metrics: [{ name: 'req_total', help: 'x', type: 'gauge', merge: 'sum', labelNames: ['m'], series: [{ labels: ['GET'], value: 100 }] }] }
    const c: Snapshot = { metrics: [{ name: 'req_total', help: 'x', type: 'counter', merge: 'sum', labelNames: ['m'], series: [{ labels: ['other'], value: 2 }] }] }
    const merged = mergeSnapshots([a, b, c])
    expect(merged.metrics.find(m => m.name === 'req_total')?.series).toEqual([
      { labels: ['GET'], value: 1 },
      { labels: ['other'], value: 2 },
    ])
  })

  it('does not change its inputs', () => {
    const a = worker(1, 1, 1, 1, [1])
    const copy = JSON.parse(JSON.stringify(a)) as Snapshot
    mergeSnapshots([a, worker(2, 2, 2, 2, [2])])
    expect(a).toEqual(copy)
  })

  it('isSnapshot accepts a registry snapshot and refuses other shapes', () => {
    expect(isSnapshot(worker(1, 1, 1, 1, []))).toBe(true)
    for (const bad of [null, 1, {}, { metrics: [{}] }, { metrics: [{ name: 'x', help: '', type: 'summary', merge: 'sum', labelNames: [], series: [] }] }, { metrics: [{ name: 'x', help: '', type: 'counter', merge: 'sum', labelNames: ['a'], series: [{ labels: [] }] }] }]) {
      expect(isSnapshot(bad)).toBe(false)
    }
  })
})
