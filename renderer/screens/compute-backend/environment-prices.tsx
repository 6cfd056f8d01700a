// An environment's prices in words: per resource, per minute, in the fee token's own symbol
// ("cpu 0.5 OCEAN/min"), read on chain by the engine. No prices: free only.
import { Stack, Text } from '@mantine/core'
import type { ConsoleEnvironment } from '../../../engine/console-api/contract'
import { TokenSymbol } from '../../components/labels/on-chain-token-amount'
import { decimalText } from '../../components/token-units'

/** `inline`: spans only, for use inside a line of text (a checkbox's description). */
export function EnvironmentPrices({
  fees,
  inline = false,
}: {
  fees: ConsoleEnvironment['fees']
  inline?: boolean
}) {
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
        (chain {chainId})
      </Text>
    </Text>
  ))
  return inline ? <>{lines}</> : <Stack gap={2}>{lines}</Stack>
}
