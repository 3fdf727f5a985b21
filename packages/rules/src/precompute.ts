/**
 * Header rules and presets precomputed into static's prepared blocks: `fileHeaders(rules, presets)` is
 * what tinyhttp-static's option `headers` takes; the middlewares then recognize the blocks baked with
 * their own headers and do nothing more for those answers.
 *
 * @module
 */
import { PreparedHeaders, ResponseHeaders, type Context } from 'tinyhttp-core'

/** One header edit, in the order it applies: set the field to the value, or remove it (`null`). */
export type HeaderEdit = readonly [name: string, value: string | null]

/**
 * What a baked block was made of, for one layer that added its edits.
 *
 * @example
 * ```ts
 * const stamp: LayerStamp = { path: '/index.html', state: compiled, before: staticBlock }
 * ```
 */
export interface LayerStamp {
  /** The canonical path the block was baked for. */
  readonly path: string
  /** The layer's state (rule set) whose edits it carries. */
  readonly state: object
  /** The block as it was before this layer's edits (static's own block, plus the edits of inner layers). */
  readonly before: PreparedHeaders
}

/**
 * A middleware's headers as a layer that can be baked into static's blocks: its current state (changes
 * identity when its rule set is swapped), the edits a file answer at a path gets under a state, and the
 * blocks baked with them. Made by `rules()` and `presets()` (their `headerLayer`); opaque otherwise.
 *
 * @example
 * ```ts
 * const layer: HeaderLayer = rules(config).headerLayer
 * serveStatic(root, { headers: fileHeaders(layer) })
 * ```
 */
export interface HeaderLayer {
  /** The state in force now (its identity changes when the edits may change). */
  current(): object
  /**
   * The edits a file answer at this canonical path gets under `state`.
   *
   * @param state - a value `current()` returned
   * @param path - the canonical path (`/docs/` for the folder's index file)
   * @param segments - its segments
   * @param trailingSlash - whether it ends in `/`
   */
  edits(state: object, path: string, segments: readonly string[], trailingSlash: boolean): readonly HeaderEdit[]
  /**
   * Whether a `Content-Security-Policy` edit is added as a second field when the block has one already
   * (the presets: a second policy only adds restrictions) instead of replacing it (header rules).
   */
  readonly appendPolicy?: boolean
  /** The blocks baked with this layer's edits (written by {@link fileHeaders}). */
  readonly stamps: WeakMap<PreparedHeaders, LayerStamp>
}

/**
 * Makes a {@link HeaderLayer}.
 *
 * @param current - the state in force now
 * @param edits - the edits of a file answer under a state
 * @returns the layer
 * @example
 * ```ts
 * const layer = headerLayer(() => compiled, (c, path, segments, slash) => (c as CompiledRules).headers(segments, slash))
 * ```
 */
export function headerLayer<S extends object>(
  current: () => S,
  edits: (state: S, path: string, segments: readonly string[], trailingSlash: boolean) => readonly HeaderEdit[],
  appendPolicy = false,
): HeaderLayer {
  return { current, edits: edits as HeaderLayer['edits'], stamps: new WeakMap(), appendPolicy }
}

/**
 * The shape of tinyhttp-static's option `headers` (its `FileHeaders`): a version, and the block a file
 * answer at a path is sent with in place of static's own.
 *
 * @example
 * ```ts
 * const source: FileHeaderSource = fileHeaders(rulesMw.headerLayer)
 * source.bake(block, '/index.html', ['index.html'], false)
 * ```
 */
export interface FileHeaderSource {
  /** Changes when a layer's state does. */
  readonly version: number
  /**
   * The block with every layer's edits for this path applied, innermost layer first (`block` itself when
   * none has any).
   *
   * @param block - static's block
   * @param path - the canonical path
   * @param segments - its segments
   * @param trailingSlash - whether it ends in `/`
   */
  bake(block: PreparedHeaders, path: string, segments: readonly string[], trailingSlash: boolean): PreparedHeaders
}

/**
 * The source of static's option `headers` (tinyhttp-static's `FileHeaders`): it bakes the edits of the
 * given layers, innermost first (the order they apply on the way out: `rules` inside `presets`), into a
 * file's blocks, so that a 200, HEAD or 304 answered from memory carries them with no work per request.
 * `version` changes when a layer's state does (a rule set swapped with `update`): static bakes again.
 *
 * @remarks
 * The baked block is exactly what the middlewares would make of static's block on the way out (each
 * edit applied through `ResponseHeaders.set` / `delete`, layer after layer), field order included. Each
 * middleware then leaves a response alone when its headers are only such a block, baked for its current
 * state and the request's canonical path, and the answer is the kind its edits were computed for; in
 * every other case it applies its edits per request as before (first putting back the block as it was
 * before its edits when the block was baked for another state or path).
 *
 * @param layers - the `headerLayer` of each middleware, innermost first
 * @returns the source for `serveStatic(root, { headers })`
 * @example
 * ```ts
 * const rulesMw = rules(config, { exists })
 * const presetsMw = presets({ cache: 'spa' })
 * app.use(presetsMw, fallback(), rulesMw, allow, serveStatic(root, { headers: fileHeaders(rulesMw.headerLayer, presetsMw.headerLayer) }))
 * ```
 */
export function fileHeaders(...layers: HeaderLayer[]): FileHeaderSource {
  const seen = layers.map(l => l.current())
  let version = 0
  return {
    get version() {
      for (let i = 0; i < layers.length; i++) {
        const state = (layers[i] as HeaderLayer).current()
        if (state !== seen[i]) {
          seen[i] = state
          version++
        }
      }
      return version
    },
    bake(block, path, segments, trailingSlash) {
      let current = block
      const stamps: Array<[HeaderLayer, object, PreparedHeaders]> = []
      for (const layer of layers) {
        const state = layer.current()
        const edits = layer.edits(state, path, segments, trailingSlash)
        stamps.push([layer, state, current])
        if (edits.length > 0) current = applyEdits(current, edits, layer.appendPolicy === true)
      }
      if (current === block) return block
      for (const [layer, state, before] of stamps) layer.stamps.set(current, { path, state, before })
      return current
    },
  }
}

/**
 * A block with edits applied as a middleware applies them to a response (`set` replaces every line of
 * the name and goes last, `delete` removes them): the same bytes in the same order.
 *
 * @param block - the block
 * @param edits - the edits, in order
 * @returns a new block
 * @example
 * ```ts
 * applyEdits(new PreparedHeaders([['A', '1'], ['B', '2']]), [['A', '3']]).text // 'B: 2\r\nA: 3\r\n'
 * ```
 */
export function applyEdits(block: PreparedHeaders, edits: readonly HeaderEdit[], appendPolicy = false): PreparedHeaders {
  const headers = new ResponseHeaders()
  headers.usePrepared(block)
  for (const [name, value] of edits) {
    if (value === null) headers.delete(name)
    else if (appendPolicy && name === 'Content-Security-Policy') addPolicy(headers, value)
    else headers.set(name, value)
  }
  return new PreparedHeaders(headers.entries())
}

/**
 * On the way out, whether a response already carries this layer's edits (its headers are only a block
 * baked for `state` and `path`, and `fits` says the answer is of the kind the edits were computed for):
 * then there is nothing to do. A baked block that does not fit is put back as it was before this layer's
 * edits, and false is returned: the caller applies its edits per request.
 *
 * @param ctx - the context
 * @param layer - the layer
 * @param state - the state the caller applies
 * @param path - the request's canonical path
 * @param fits - whether the answer is of the kind baked (a file answer below 400, …)
 * @returns true when the response carries the edits already
 * @example
 * ```ts
 * if (carriesEdits(ctx, layer, compiled, path.path, servedFile(res.reason))) return
 * ```
 */
export function carriesEdits(ctx: Context, layer: HeaderLayer, state: object, path: string | undefined, fits: boolean): boolean {
  const headers = ctx.res.headers
  const block = headers.prepared
  if (block === null) return false
  const stamp = layer.stamps.get(block)
  if (stamp === undefined) return false
  if (stamp.state === state && stamp.path === path && fits) {
    // Fields set besides the block: applying the edits again gives the same bytes as applying them once.
    return !headers.hasOwnFields
  }
  headers.usePrepared(stamp.before)
  return false
}

/**
 * Adds a `Content-Security-Policy` without lifting one the answer has: set when there is none (or when
 * this exact policy is the only one: it moves last, as a set field does), added as a second field when
 * another policy is there (every policy is enforced), and nothing when this policy is one of several
 * already. Applying it twice gives the bytes of applying it once.
 *
 * @param headers - the response's headers
 * @param value - the policy
 * @example
 * ```ts
 * addPolicy(ctx.res.headers, "frame-ancestors 'none'")
 * ```
 */
export function addPolicy(headers: ResponseHeaders, value: string): void {
  let count = 0
  let same = false
  for (const [name, current] of headers.entries()) {
    if (name.toLowerCase() !== 'content-security-policy') continue
    count++
    if (current === value) same = true
  }
  // None, or only this one: set (a field set again moves last, as for every other header).
  if (count === 0 || (count === 1 && same)) headers.set('Content-Security-Policy', value)
  else if (!same) headers.append('Content-Security-Policy', value)
}
