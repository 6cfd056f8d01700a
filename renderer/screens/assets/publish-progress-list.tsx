// The on-chain steps the console reports (onPublishProgress) for one asset or all of them, oldest
// first, each with its status and tx hash, so a publisher can follow, and later prove, what was sent.
import { Card, Title } from '@mantine/core'
import { usePublishProgress } from '../../server-state/publish-progress'
import { PublishProgressSteps } from './publish-wizard/publish-progress-steps'

export function PublishProgressList({ did }: { did?: string }) {
  const progress = usePublishProgress()
  const events = (progress.data ?? []).filter((e) => did === undefined || e.did === did).reverse()
  if (events.length === 0) return null
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="chain-progress-title">
      <Title order={3} size="h4" id="chain-progress-title" mb="sm">
        On-chain steps
      </Title>
      <PublishProgressSteps events={events} label="On-chain steps" />
    </Card>
  )
}
