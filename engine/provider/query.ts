/**
 * The query string of a Provider request as single values. A parameter given twice arrives as an
 * array, which no route expects: it is refused with a 400 instead of reaching the store as a
 * non-string (a 500 anyone could trigger on the unauthenticated status route).
 */
import type { FastifyRequest } from 'fastify'
import { providerError } from './errors'

export function singleQuery(request: FastifyRequest): Record<string, string | undefined> {
  const q = request.query as Record<string, string | string[] | undefined>
  for (const [key, value] of Object.entries(q)) {
    if (Array.isArray(value))
      throw providerError('REQUEST_INVALID', `Parameter ${key} is given more than once`)
  }
  return q as Record<string, string | undefined>
}
