// Token symbols and decimals, read on chain by the engine (getTokenInfo) and cached here for the
// session: a deployed token never changes its symbol, so one read per token is enough.
import { useQuery } from '@tanstack/react-query'
import type { TokenInfo } from '../../engine/console-api/contract'
import { useConsoleClient } from '../console-client/console-client-context'

const ADDRESS = /^0x[0-9a-fA-F]{40}$/

export function useTokenInfo(token: string | null | undefined) {
  const client = useConsoleClient()
  const address = token && ADDRESS.test(token) ? token.toLowerCase() : null
  return useQuery({
    queryKey: ['tokens', address],
    queryFn: async (): Promise<TokenInfo> => (await client.getTokenInfo({ tokens: [address!] })).tokens[0]!,
    enabled: address !== null,
    staleTime: Infinity,
    gcTime: Infinity,
    retry: false,
  })
}
