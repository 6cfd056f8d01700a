// Marks an asset the chain in use no longer has (issue 11): its data NFT or datatoken has no code
// there, most often because the embedded dev chain is redeployed at every start. On-chain actions on
// it are refused (ASSET_NOT_ON_CHAIN), so the screens disable them and say why.
import { Alert, Badge, Tooltip } from '@mantine/core'
import type { AssetSummary } from '../../../engine/console-api/contract'

export function NotOnChainBadge({ notOnChain }: { notOnChain: NonNullable<AssetSummary['notOnChain']> }) {
  return (
    <Tooltip label={notOnChain.message} multiline w={320}>
      <Badge variant="filled" color="orange" style={{ textTransform: 'none' }} aria-label="Not on this chain">
        Not on this chain
      </Badge>
    </Tooltip>
  )
}

export function NotOnChainAlert({ notOnChain }: { notOnChain: NonNullable<AssetSummary['notOnChain']> }) {
  return (
    <Alert color="orange" title="Not on this chain">
      {notOnChain.message} Changing its state, minting, pricing and editing are off until it is published
      again.
    </Alert>
  )
}
