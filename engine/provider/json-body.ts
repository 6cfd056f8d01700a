/**
 * The Provider's JSON body parser. JSON.parse itself copes with any nesting (V8 parses
 * iteratively), but everything after it does not: zod, JSON.stringify and structured clones recurse
 * and die with a RangeError (a 500, after the nonce was spent). So the parsed value is walked once,
 * iteratively, and refused here (a 400, before any route runs) when it is nested too deep or carries
 * a key that reaches an object's prototype (`__proto__`, or `constructor.prototype`, the pair that
 * secure-json-parse refuses as well).
 */
import { providerError } from './errors'

/** Far deeper than any Ocean body (a DDO in algocustomdata is about 10 levels). */
export const MAX_JSON_DEPTH = 64

export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined
  let value: unknown
  try {
    value = JSON.parse(text) as unknown
  } catch {
    throw providerError('REQUEST_MALFORMED_JSON', 'Request body is not valid JSON')
  }
  checkJsonShape(value)
  return value
}

/** Throws REQUEST_INVALID for a value nested deeper than MAX_JSON_DEPTH or with prototype keys. */
export function checkJsonShape(value: unknown): void {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }]
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!
    if (typeof current !== 'object' || current === null) continue
    if (depth >= MAX_JSON_DEPTH)
      throw providerError('REQUEST_INVALID', `The body is nested deeper than ${MAX_JSON_DEPTH} levels`)
    if (Array.isArray(current)) {
      for (const item of current) stack.push({ value: item, depth: depth + 1 })
      continue
    }
    for (const [key, item] of Object.entries(current)) {
      if (
        key === '__proto__' ||
        (key === 'constructor' && typeof item === 'object' && item !== null && 'prototype' in item)
      )
        throw providerError('REQUEST_INVALID', `The body may not contain the key "${key}"`)
      stack.push({ value: item, depth: depth + 1 })
    }
  }
}
