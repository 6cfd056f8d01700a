// An asset's nft.state in words; anything but active refuses compute, so it says so (never colour alone).
import { Badge } from '@mantine/core'
import { assetStateName } from '../../../engine/console-api/contract'

export const ASSET_STATE_WORDS: Record<string, string> = {
  active: 'Active',
  endOfLife: 'End of life',
  deprecated: 'Deprecated',
  revoked: 'Revoked',
  orderingDisabled: 'Ordering disabled',
  unlisted: 'Unlisted',
  unknown: 'Unknown state',
}

export function AssetStateBadge({ state }: { state: number }) {
  const name = assetStateName(state)
  return (
    <Badge
      variant="dot"
      color={state === 0 ? 'green' : 'orange'}
      data-state={state}
      style={{ textTransform: 'none' }}
    >
      {ASSET_STATE_WORDS[name]}
      {state !== 0 && ' (compute refused)'}
    </Badge>
  )
}
