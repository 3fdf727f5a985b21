/**
 * The JSON Schema of `tinyhttp.json`: the option keys derived from the command line's flags, the `root`,
 * and the rule keys in `serve.json`'s shape. `tinyhttp-cli --print-schema` prints it, the package ships
 * it as `tinyhttp.schema.json`, and the config file is validated against this very object.
 *
 * @module
 */
import { ROOT_OPTION, configOptions } from './schema-options.js'
import type { JsonSchema } from './schema-validate.js'

/**
 * The JSON Schema draft the schema declares (the one editors support best).
 *
 * @example `configSchema().$schema === SCHEMA_DRAFT // true`
 */
export const SCHEMA_DRAFT = 'http://json-schema.org/draft-07/schema#'

const source: JsonSchema = { type: 'string', minLength: 1, description: 'a path pattern: /exact, /:param, a final /* or /**, /**/*.ext' }
const destination: JsonSchema = {
  type: 'string',
  minLength: 1,
  description: 'a path on this site (may use the source\'s :params), or an absolute http(s) URL on a host in allowedRedirectHosts',
}

/** Host names a redirect may point at: lower-case DNS names, no port, no scheme. */
const HOST_NAME = '^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$'

/**
 * The rule keys, in `serve.json`'s shape (read by tinyhttp-rules' `serveJsonRules`), plus
 * `allowedRedirectHosts`.
 *
 * @example
 * ```ts
 * Object.keys(RULE_SCHEMAS) // ['headers', 'redirects', 'rewrites', 'cleanUrls', 'trailingSlash', 'allowedRedirectHosts']
 * ```
 */
export const RULE_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  headers: {
    type: 'array',
    description: 'header rules: every rule whose source matches the canonical path of the file served applies, in order',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['source', 'headers'],
      properties: {
        source,
        headers: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['key', 'value'],
            properties: { key: { type: 'string', minLength: 1 }, value: { type: 'string' } },
          },
        },
      },
    },
  },
  redirects: {
    type: 'array',
    description: 'redirects, tried in order before any file (the first match wins)',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['source', 'destination'],
      properties: { source, destination, type: { enum: [301, 302, 303, 307, 308], default: 301 } },
    },
  },
  rewrites: {
    type: 'array',
    description: 'rewrites: serve another path of this site (allowed files only) when no file answers the source',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['source', 'destination'],
      properties: { source, destination: { type: 'string', minLength: 1, description: 'a path on this site' } },
    },
  },
  cleanUrls: { type: 'boolean', description: '/about serves about.html; /about.html redirects to /about' },
  trailingSlash: {
    anyOf: [{ type: 'boolean' }, { enum: ['add', 'remove', 'ignore'] }],
    description: 'add (or true): /dir → /dir/; remove (or false): /dir/ → /dir; ignore: both served as asked',
  },
  allowedRedirectHosts: {
    type: 'array',
    items: { type: 'string', pattern: HOST_NAME, patternErrorMessage: 'a lower-case host name like docs.example' },
    description: 'hosts an absolute redirect destination may name (https://docs.example/...); none by default',
  },
}

/**
 * Builds the schema of `tinyhttp.json`.
 *
 * @returns the schema object (draft-07)
 * @example
 * ```ts
 * configSchema().properties?.maxAge // { type: 'integer', minimum: 0, maximum: 315360000, description: … }
 * ```
 */
export function configSchema(): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    $schema: { type: 'string', description: 'the schema this file follows, for editors (ignored by tinyhttp-cli)' },
    [ROOT_OPTION.key]: ROOT_OPTION.schema,
  }
  for (const option of configOptions()) properties[option.key] = option.schema
  for (const [key, schema] of Object.entries(RULE_SCHEMAS)) properties[key] = schema
  return {
    $schema: SCHEMA_DRAFT,
    title: 'tinyhttp-cli configuration (tinyhttp.json)',
    description: 'Options of tinyhttp-cli (each flag in camelCase: --max-age is maxAge) and site rules in serve.json\'s shape. Flags given on the command line win.',
    type: 'object',
    additionalProperties: false,
    properties,
  }
}

/**
 * The schema as `--print-schema` prints it and `tinyhttp.schema.json` holds it: two-space JSON and a
 * final newline.
 *
 * @returns the text
 * @example
 * ```ts
 * process.stdout.write(schemaText())
 * ```
 */
export function schemaText(): string {
  return JSON.stringify(configSchema(), null, 2) + '\n'
}
