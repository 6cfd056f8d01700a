// An amount of a token known by its address: "1.35 OCEAN", with the symbol and decimals the engine
// read on chain. Until (or unless) the symbol is known, the shortened address stands in for it.
import { TokenAmount } from './token-amount'
import { shortenValue } from './address-label'
import { useTokenInfo } from '../../server-state/tokens'

export function OnChainTokenAmount({ wei, token }: { wei: string; token: string }) {
  const info = useTokenInfo(token)
  return (
    <TokenAmount
      wei={wei}
      symbol={info.data?.symbol ?? shortenValue(token)}
      decimals={info.data?.decimals ?? 18}
    />
  )
}

/** A token's symbol alone (for unit labels such as "OCEAN per minute"). */
export function TokenSymbol({ token }: { token: string }) {
  const info = useTokenInfo(token)
  return <span title={token}>{info.data?.symbol ?? shortenValue(token)}</span>
}
