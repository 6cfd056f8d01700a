// The one way a token amount is shown: symbol and sensible decimals ("1.35 OCEAN"), the exact
// amount on hover. Amounts travel as wei strings, so the arithmetic is on BigInt, never floats.
import { Tooltip } from '@mantine/core'

/** Wei → decimal text with at most `maxDecimals` (rounded down, trailing zeros dropped). */
export function formatTokenAmount(wei: string, { decimals = 18, maxDecimals = 4 } = {}): string {
  if (!/^\d+$/.test(wei)) return wei
  const value = BigInt(wei)
  const unit = 10n ** BigInt(decimals)
  const whole = value / unit
  const fraction = (value % unit).toString().padStart(decimals, '0').slice(0, maxDecimals).replace(/0+$/, '')
  if (whole === 0n && fraction === '' && value > 0n) return `< 0.${'0'.repeat(maxDecimals - 1)}1`
  return fraction ? `${whole.toLocaleString('en-US')}.${fraction}` : whole.toLocaleString('en-US')
}

export function TokenAmount({
  wei,
  symbol,
  decimals = 18,
}: {
  wei: string
  symbol: string
  decimals?: number
}) {
  const exact = formatTokenAmount(wei, { decimals, maxDecimals: decimals })
  return (
    <Tooltip label={`${exact} ${symbol}`} openDelay={300}>
      <span>
        {formatTokenAmount(wei, { decimals })} {symbol}
      </span>
    </Tooltip>
  )
}
