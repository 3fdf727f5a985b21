/**
 * The variants static makes at run time (option `compress`), kept beside the entry of their file: which
 * codings are still offered, which are ready, and the choice of a representation per request.
 *
 * @module
 */
import { CODING_PREFERENCE, negotiateEncoding, type ContentCoding } from 'tinyhttp-core'
import { buildHeaderBlocks, type HeaderConfig, type Representation } from './representation.js'

/**
 * Run-time variants of one entry (one file version). Mutable: jobs fill it, the cache may shed it.
 *
 * @example
 * ```ts
 * const made = newMadeVariants(['br', 'gzip'], new Map())
 * made.offered // ['br', 'gzip']: may be made
 * made.ready   // []: nothing yet, identity is served
 * ```
 */
export interface MadeVariants {
  /** Codings negotiated over: those on disk, those made, and those whose job has not settled yet. */
  offered: readonly ContentCoding[]
  /** Codings with a representation now, in preference order. */
  ready: readonly ContentCoding[]
  /** The representation of each ready coding (disk siblings and made variants). */
  readonly reps: Map<ContentCoding, Representation>
  /** Codings to make (a disk sibling wins: never made again). */
  readonly toMake: readonly ContentCoding[]
  /** Per coding being made: settles when its job did (made, not smaller, failed or skipped). */
  readonly jobs: Map<ContentCoding, Promise<void>>
  /** Jobs were started (at the first request for this version). */
  started: boolean
  /** Bytes of made variants charged to the cache budget. */
  bytes: number
  /** The cache shed the made variants under memory pressure: identity (or disk siblings) from now on. */
  shed: boolean
}

function inPreferenceOrder(codings: Iterable<ContentCoding>): ContentCoding[] {
  const set = new Set(codings)
  return CODING_PREFERENCE.filter(c => set.has(c))
}

/**
 * The run-time variant state of a fresh entry.
 *
 * @param toMake - codings to make at run time (the runtime's, minus those with a disk sibling)
 * @param disk - precompressed siblings found on disk, by coding
 * @returns the state, nothing made yet
 * @example
 * ```ts
 * newMadeVariants(['br'], new Map([['gzip', gzRep]])).offered // ['br', 'gzip']
 * ```
 */
export function newMadeVariants(toMake: readonly ContentCoding[], disk: ReadonlyMap<ContentCoding, Representation>): MadeVariants {
  const reps = new Map(disk)
  return {
    offered: inPreferenceOrder([...toMake, ...disk.keys()]),
    ready: inPreferenceOrder(disk.keys()),
    reps,
    toMake,
    jobs: new Map(),
    started: false,
    bytes: 0,
    shed: false,
  }
}

/**
 * The ETag of a variant: the identity ETag with `-<coding>` inside the quotes (`"abc"` → `"abc-br"`), so
 * no two representations share a strong validator (RFC 9110 §8.8.3).
 *
 * @param etag - the identity ETag, or undefined when ETags are off
 * @param coding - the variant's coding
 * @returns the variant's ETag
 * @example
 * ```ts
 * variantEtag('"5f-abc"', 'br') // '"5f-abc-br"'
 * ```
 */
export function variantEtag(etag: string | undefined, coding: ContentCoding): string | undefined {
  return etag === undefined ? undefined : `${etag.slice(0, -1)}-${coding}"`
}

/**
 * Builds the representation of bytes made from the identity: same type, Last-Modified and file, its own
 * ETag, length, `Content-Encoding` and prepared header blocks (with `Vary`).
 *
 * @param identity - the original
 * @param coding - the coding of `bytes`
 * @param bytes - the encoded bytes
 * @param config - header configuration
 * @returns the variant
 * @example
 * ```ts
 * const br = madeRepresentation(entry.identity, 'br', await encodeBytes('br', body, type), config)
 * br.validators.etag // identity ETag + '-br'
 * ```
 */
export function madeRepresentation(identity: Representation, coding: ContentCoding, bytes: Buffer, config: HeaderConfig): Representation {
  const validators = { ...identity.validators, etag: variantEtag(identity.validators.etag, coding) }
  return {
    encoding: coding,
    real: identity.real,
    stats: identity.stats,
    size: bytes.length,
    body: bytes,
    contentType: identity.contentType,
    validators,
    ...buildHeaderBlocks(identity.contentType, coding, true, validators, config),
    loadedAt: identity.loadedAt,
    made: true,
    baked: null,
  }
}

/**
 * Records a settled job: the variant becomes ready, or (not smaller than identity, failed) the coding is
 * no longer offered unless a disk sibling has it.
 *
 * @param made - the entry's state
 * @param coding - the coding whose job settled
 * @param rep - the variant, or undefined when none is kept
 * @example
 * ```ts
 * settleMade(made, 'gzip', gzipRep)   // ready: [..., 'gzip']
 * settleMade(made, 'br', undefined)   // offered no longer has 'br'
 * ```
 */
export function settleMade(made: MadeVariants, coding: ContentCoding, rep: Representation | undefined): void {
  if (rep !== undefined) {
    made.reps.set(coding, rep)
    made.ready = inPreferenceOrder(made.reps.keys())
  } else if (!made.reps.has(coding)) {
    made.offered = made.offered.filter(c => c !== coding)
  }
}

/**
 * Drops the made variants (memory pressure): disk siblings stay, nothing is made again for this version.
 *
 * @param made - the entry's state
 * @returns the bytes freed
 * @example
 * ```ts
 * entry.cost -= shedMade(entry.made)
 * ```
 */
export function shedMade(made: MadeVariants): number {
  for (const [coding, rep] of made.reps) if (rep.made) made.reps.delete(coding)
  made.shed = true
  made.offered = inPreferenceOrder(made.reps.keys())
  made.ready = made.offered
  const freed = made.bytes
  made.bytes = 0
  return freed
}

/**
 * What a request gets: a representation, null when nothing is acceptable (not even identity: 406), or a
 * promise to wait on when the only acceptable codings are still being made (the client refused identity).
 *
 * @param identity - the original
 * @param made - the entry's state
 * @param acceptEncoding - the request's `Accept-Encoding`
 * @param negotiate - the negotiation (tinyhttp-core's `negotiateEncoding`, or a memo of it)
 * @returns the representation to send, null, or a job to wait for before choosing again
 * @example
 * ```ts
 * const rep = chooseRepresentation(entry.identity, entry.made, 'gzip, br')
 * ```
 */
export function chooseRepresentation(
  identity: Representation,
  made: MadeVariants,
  acceptEncoding: string | undefined,
  negotiate: typeof negotiateEncoding = negotiateEncoding,
): Representation | null | Promise<void> {
  const wanted = negotiate(acceptEncoding, made.offered)
  if (wanted === 'identity') return identity
  if (wanted === null) return null
  const rep = made.reps.get(wanted)
  if (rep !== undefined) return rep
  // Being made: the best representation ready now (never wait for a job while identity is acceptable).
  const now = negotiate(acceptEncoding, made.ready)
  if (now === 'identity') return identity
  if (now !== null) return made.reps.get(now) as Representation
  return made.jobs.get(wanted) ?? identity
}
