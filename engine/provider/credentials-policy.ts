/**
 * DDO `credentials` enforcement (issue 12), as Ocean's Provider does: an address on the asset's
 * `credentials.deny` list is refused; when `credentials.allow` lists addresses, every other
 * address is refused. Only `type: "address"` entries are understood; other credential types are
 * ignored here. Each refusal has its own error code (docs/errors.md).
 */
import { providerError } from './errors'

interface CredentialEntry {
  type?: unknown
  values?: unknown
}

function addressesOf(list: unknown): string[] | undefined {
  if (!Array.isArray(list)) return undefined
  const out: string[] = []
  for (const entry of list as CredentialEntry[]) {
    if (entry?.type !== 'address' || !Array.isArray(entry.values)) continue
    for (const v of entry.values as unknown[]) {
      // Ocean DDOs use plain strings; ddo-js 0.2 also allows { address }.
      const a = typeof v === 'string' ? v : (v as { address?: unknown })?.address
      if (typeof a === 'string') out.push(a.toLowerCase())
    }
  }
  return out
}

/** Throws CREDENTIALS_DENIED or CREDENTIALS_NOT_ALLOWED for `consumer` on the asset `ddo`. */
export function assertCredentials(ddo: { id?: string; credentials?: unknown }, consumer: string): void {
  const credentials = (ddo.credentials ?? {}) as { allow?: unknown; deny?: unknown }
  const me = consumer.toLowerCase()
  const deny = addressesOf(credentials.deny) ?? []
  if (deny.includes(me) || deny.includes('*'))
    throw providerError('CREDENTIALS_DENIED', `${consumer} is on the deny list of ${ddo.id ?? 'this asset'}`)
  const allow = addressesOf(credentials.allow) ?? []
  if (allow.length > 0 && !allow.includes(me) && !allow.includes('*'))
    throw providerError(
      'CREDENTIALS_NOT_ALLOWED',
      `${consumer} is not on the allow list of ${ddo.id ?? 'this asset'}`,
    )
}
