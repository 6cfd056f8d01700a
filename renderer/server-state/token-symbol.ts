/**
 * A token's symbol for amounts ("1.35 OCEAN"). The engine reads ERC-20 symbols through the
 * contract's getTokenInfo (added on the console branch). SEAM: until that method is in this
 * build's contract, the symbol reads "tokens"; once it is, nothing here needs to change (the
 * console branch's server-state/tokens.ts useTokenInfo can replace this hook after the merge).
 */
import { useQuery } from '@tanstack/react-query'
import { isConsoleMethod } from '../../engine/console-api/contract'
import { useConsoleClient } from '../console-client/console-client-context'

type TokenInfoCall = (input: {
  tokens: string[]
}) => Promise<{ tokens: Array<{ address: string; symbol: string; decimals: number }> }>

export const UNKNOWN_TOKEN_SYMBOL = 'tokens'

export function useTokenSymbol(address: string | undefined): string {
  const client = useConsoleClient()
  const hasTokenInfo = isConsoleMethod('getTokenInfo')
  const info = useQuery({
    queryKey: ['token-symbol', address?.toLowerCase() ?? ''],
    queryFn: async () => {
      const call = (client as unknown as Record<string, TokenInfoCall>)['getTokenInfo']!
      const { tokens } = await call({ tokens: [address!] })
      return tokens[0]?.symbol ?? UNKNOWN_TOKEN_SYMBOL
    },
    enabled: hasTokenInfo && Boolean(address && /^0x[0-9a-fA-F]{40}$/.test(address)),
    staleTime: Infinity,
  })
  return info.data ?? UNKNOWN_TOKEN_SYMBOL
}
