/**
 * Label sets bounded by construction: every label of a metric takes its values from a closed list
 * given when the metric is made, so the number of series is known in advance (the product of the list
 * lengths) and no request can add one.
 *
 * @module
 */

/** A metric's labels: label name → every value it may take (a value outside goes to `other` when listed). */
export type LabelValues = Readonly<Record<string, readonly string[]>>

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

/**
 * Checks a metric name against the Prometheus grammar (`[a-zA-Z_:][a-zA-Z0-9_:]*`).
 *
 * @param name - the metric name
 * @throws TypeError when it does not match
 * @example
 * ```ts
 * checkMetricName('tinyhttp_http_requests_total') // fine
 * checkMetricName('2xx') // TypeError
 * ```
 */
export function checkMetricName(name: string): void {
  if (typeof name !== 'string' || !METRIC_NAME.test(name)) throw new TypeError(`metrics: invalid metric name ${JSON.stringify(name)}`)
}

/**
 * The space of a metric's label combinations: maps label values to a series index and back.
 *
 * @example
 * ```ts
 * const space = new LabelSpace({ method: ['GET', 'HEAD', 'other'], code: ['2xx', '4xx'] }, false)
 * space.size // 6
 * space.indexOf({ method: 'PUT', code: '4xx' }) // the index of { method: 'other', code: '4xx' }
 * space.valuesAt(0) // ['GET', '2xx']
 * ```
 */
export class LabelSpace {
  /** Label names, in order. */
  readonly names: readonly string[]
  /** Number of series: the product of the value lists' lengths (1 without labels). */
  readonly size: number
  readonly #values: ReadonlyArray<readonly string[]>
  readonly #lookup: ReadonlyArray<ReadonlyMap<string, number>>
  readonly #other: readonly number[]
  readonly #strides: readonly number[]

  /**
   * @param labels - label name → closed list of values
   * @param histogram - whether the metric is a histogram (`le` is then reserved)
   * @throws TypeError for an invalid or reserved label name, an empty list, or a repeated value
   */
  constructor(labels: LabelValues = {}, histogram = false) {
    const names = Object.keys(labels)
    const values: Array<readonly string[]> = []
    const lookup: Array<Map<string, number>> = []
    const other: number[] = []
    for (const name of names) {
      if (!LABEL_NAME.test(name) || name.startsWith('__') || (histogram && name === 'le')) {
        throw new TypeError(`metrics: invalid label name ${JSON.stringify(name)}`)
      }
      const list = labels[name] as readonly string[]
      if (!Array.isArray(list) || list.length === 0) throw new TypeError(`metrics: label ${name} needs a non-empty list of values`)
      const map = new Map<string, number>()
      list.forEach((v, i) => {
        if (typeof v !== 'string' || map.has(v)) throw new TypeError(`metrics: label ${name}: value ${JSON.stringify(v)} is repeated or not a string`)
        map.set(v, i)
      })
      values.push([...list])
      lookup.push(map)
      other.push(map.get('other') ?? -1)
    }
    const strides: number[] = []
    let size = 1
    for (let i = names.length - 1; i >= 0; i--) {
      strides[i] = size
      size *= (values[i] as readonly string[]).length
    }
    this.names = names
    this.size = size
    this.#values = values
    this.#lookup = lookup
    this.#other = other
    this.#strides = strides
  }

  /**
   * The series index of a label combination. A value outside a label's list counts as `other` when the
   * list has it.
   *
   * @param labels - a value for every label (missing ones count as outside the list)
   * @returns the index, from 0 to `size - 1`
   * @throws TypeError when a value is outside a list without `other`
   */
  indexOf(labels: Readonly<Record<string, string>> = {}): number {
    let index = 0
    for (let i = 0; i < this.names.length; i++) {
      const name = this.names[i] as string
      let at = (this.#lookup[i] as ReadonlyMap<string, number>).get(labels[name] as string)
      if (at === undefined) {
        at = this.#other[i] as number
        if (at < 0) throw new TypeError(`metrics: label ${name} cannot be ${JSON.stringify(labels[name])}: not one of its values`)
      }
      index += at * (this.#strides[i] as number)
    }
    return index
  }

  /**
   * The label values of a series.
   *
   * @param index - from 0 to `size - 1`
   * @returns one value per label, in {@link LabelSpace.names} order
   */
  valuesAt(index: number): string[] {
    const out: string[] = []
    for (let i = 0; i < this.names.length; i++) {
      const list = this.#values[i] as readonly string[]
      out.push(list[Math.floor(index / (this.#strides[i] as number)) % list.length] as string)
    }
    return out
  }
}
