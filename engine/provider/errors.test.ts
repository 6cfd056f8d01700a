import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { PROVIDER_ERRORS, providerError } from './errors'

// Fastify's errors.test.js idea: the catalogue and docs/errors.md must list the same codes and statuses.
function documentedRows(): Map<string, number> {
  const text = readFileSync(fileURLToPath(new URL('../../docs/errors.md', import.meta.url)), 'utf8')
  const rows = new Map<string, number>()
  // Only the Provider's table: the page's later sections (console API errors) have their own codes.
  const provider = text.split(/^## /m)[0]!
  for (const match of provider.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm))
    rows.set(match[1]!, Number(match[2]))
  return rows
}

describe('provider error catalogue', () => {
  it('docs/errors.md documents every code with its status, and nothing else', () => {
    const documented = documentedRows()
    const catalogue = new Map(Object.entries(PROVIDER_ERRORS).map(([code, entry]) => [code, entry.status]))
    expect([...documented.entries()].sort()).toEqual([...catalogue.entries()].sort())
  })

  it('providerError builds a C2dError with the catalogue status', () => {
    const error = providerError('NONCE_NOT_INCREASING', 'nonce: 3 is not a valid nonce')
    expect(error.code).toBe('NONCE_NOT_INCREASING')
    expect(error.status).toBe(401)
    expect(error.message).toBe('nonce: 3 is not a valid nonce')
    expect(providerError('INTERNAL').message).toBe('Internal error')
  })
})
