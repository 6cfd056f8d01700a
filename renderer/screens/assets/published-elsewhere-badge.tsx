// Marks an asset the chain indexer found: published outside this console (ocean.js, Ocean Market)
// with this node as its endpoint. Its NFT is not the console wallet's, so the console cannot sign edits.
import { Badge, Tooltip } from '@mantine/core'
import { shortenValue } from '../../components/labels/address-label'

export function PublishedElsewhereBadge({ publisher }: { publisher: string }) {
  return (
    <Tooltip label={`Published outside this console by ${publisher}`}>
      <Badge
        variant="outline"
        color="grape"
        data-publisher={publisher}
        aria-label={`Published elsewhere by ${publisher}`}
        style={{ textTransform: 'none' }}
      >
        Published elsewhere · {shortenValue(publisher)}
      </Badge>
    </Tooltip>
  )
}
