// An environment's prices in words: per resource, per minute, in the fee token's own symbol
// ("cpu 0.5 OCEAN/min"), read on chain by the engine. No prices: free only. Given the served chains,
// each line names its chain, and prices kept for a chain not served say they are not offered.
import { Stack, Text } from '@mantine/core'
import type { ConsoleEnvironment, ServedChain } from '../../../engine/console-api/contract'
import { TokenSymbol } from '../../components/labels/on-chain-token-amount'
import { decimalText } from '../../components/token-units'

/** `inline`: spans only, for use inside a line of text (a checkbox's description). */
export function EnvironmentPrices({
  fees,
  chains,
  inline = false,
}: {
  fees: ConsoleEnvironment['fees']
  /** The served chains (listEnvironments' `chains`); absent: lines name the chain id only. */
  chains?: readonly ServedChain[]
  inline?: boolean
}) {
  const chainWords = (chainId: string) => {
    if (!chains || chains.length === 0) return `chain ${chainId}`
    const served = chains.find((c) => String(c.chainId) === chainId)
    if (!served) return `chain ${chainId}, not served: not offered`
    return chains.length > 1 ? `${served.name}, chain ${chainId}` : `chain ${chainId}`
  }
  const rows = Object.entries(fees).flatMap(([chainId, list]) => list.map((fee) => ({ chainId, fee })))
  if (rows.length === 0 || rows.every((r) => r.fee.prices.length === 0))
    return (
      <Text size="sm" span={inline}>
        Free only
      </Text>
    )
  const lines = rows.map(({ chainId, fee }) => (
    <Text size="sm" span={inline} key={`${chainId}-${fee.feeToken}`}>
      {fee.prices.map((p, i) => (
        <span key={p.id}>
          {i > 0 && ', '}
          {p.id} {decimalText(p.price)} <TokenSymbol token={fee.feeToken} />
          /min
        </span>
      ))}{' '}
      <Text span size="xs" c="dimmed">
        ({chainWords(chainId)})
      </Text>
    </Text>
  ))
  return inline ? <>{lines}</> : <Stack gap={2}>{lines}</Stack>
}
