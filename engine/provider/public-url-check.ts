/**
 * The public URL self-check: GET `<publicUrl>/` from the outside in (through whatever reverse
 * proxy or tunnel the publisher set up) and confirm the answer's `providerAddress` is this node's.
 * A proxy pointing at another Provider, or a stale tunnel, shows up as "mismatch".
 */
export interface SelfCheckResult {
  state: 'not-configured' | 'ok' | 'mismatch' | 'unreachable'
  detail?: string
  seenProviderAddress?: string | null
}

export async function checkPublicUrl(
  publicUrl: string | undefined,
  nodeAddress: string | null,
  fetchImpl: typeof fetch = fetch,
  timeoutMs = 5000,
): Promise<SelfCheckResult> {
  if (!publicUrl) return { state: 'not-configured' }
  try {
    const response = await fetchImpl(`${publicUrl.replace(/\/+$/, '')}/`, {
      signal: AbortSignal.timeout(timeoutMs),
    })
    if (!response.ok) return { state: 'unreachable', detail: `HTTP ${response.status}` }
    const body = (await response.json()) as { providerAddress?: unknown }
    const seen = typeof body.providerAddress === 'string' ? body.providerAddress : null
    if (seen && nodeAddress && seen.toLowerCase() === nodeAddress.toLowerCase())
      return { state: 'ok', seenProviderAddress: seen }
    return {
      state: 'mismatch',
      seenProviderAddress: seen,
      detail: nodeAddress
        ? `answered ${seen ?? 'no providerAddress'}, this node is ${nodeAddress}`
        : 'the node key is locked',
    }
  } catch (error) {
    return { state: 'unreachable', detail: error instanceof Error ? error.message : String(error) }
  }
}
