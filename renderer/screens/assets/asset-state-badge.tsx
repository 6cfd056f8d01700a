// An asset's nft.state in words; anything but active refuses compute, so it says so (never colour alone).
import { assetStateName } from '../../../engine/console-api/contract'

const LABEL: Record<string, string> = {
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
    <span className={`badge asset-state-${name}`} data-state={state}>
      {LABEL[name]}
      {state !== 0 && ' (compute refused)'}
    </span>
  )
}
