// Token symbols and decimals, read on chain by the engine (getTokenInfo) and cached here for the
// session: a deployed token never changes its symbol, so one read per token is enough.
import { useQueries, useQuery } from '@tanstack/react-query'
import type { TokenInfo } from '../../engine/console-api/contract'
import { useConsoleClient } from '../console-client/console-client-context'

const ADDRESS = /^0x[0-9a-fA-F]{40}$/
const addressOf = (token: string | null | undefined) =>
  token && ADDRESS.test(token) ? token.toLowerCase() : null

function tokenQuery(client: ReturnType<typeof useConsoleClient>, token: string | null | undefined) {
  const address = addressOf(token)
  return {
    queryKey: ['tokens', address],
    queryFn: async (): Promise<TokenInfo> => (await client.getTokenInfo({ tokens: [address!] })).tokens[0]!,
    enabled: address !== null,
    staleTime: Infinity,
    gcTime: Infinity,
    retry: false,
  }
}

export function useTokenInfo(token: string | null | undefined) {
  return useQuery(tokenQuery(useConsoleClient(), token))
}

/**
 * Several tokens at once (one per served chain's fee token), each cached as `useTokenInfo` caches
 * it; the answer is in the order asked (undefined for a token not read or not an address).
 */
export function useTokenInfos(
  tokens: ReadonlyArray<string | null | undefined>,
): Array<TokenInfo | undefined> {
  const client = useConsoleClient()
  const unique = [...new Set(tokens.map(addressOf).filter((a): a is string => a !== null))]
  const results = useQueries({ queries: unique.map((address) => tokenQuery(client, address)) })
  return tokens.map((token) => {
    const address = addressOf(token)
    return address === null ? undefined : results[unique.indexOf(address)]?.data
  })
}
