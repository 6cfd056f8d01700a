// The on-chain steps of one publish, oldest first (the order they happen), each with its status in
// words and its tx hash once signed.
import { Badge, Group, Text, Timeline } from '@mantine/core'
import type { PublishProgressEvent } from '../../../server-state/publish-progress'
import { AddressLabel } from '../../../components/labels/address-label'

export const STEP_WORDS: Record<PublishProgressEvent['step'], string> = {
  create: 'Create the data NFT and datatoken',
  encrypt: 'Encrypt the DDO for this Provider',
  metadata: 'Publish the DDO on chain (setMetaData)',
  state: 'Set the asset state',
  mint: 'Mint datatokens',
  dispenser: 'Create a free dispenser',
  fixedRate: 'Create the fixed price',
  registry: 'Record it in this console',
}
const STATUS_WORDS: Record<PublishProgressEvent['status'], { label: string; color: string }> = {
  started: { label: 'working', color: 'blue' },
  sent: { label: 'sent, waiting to be mined', color: 'blue' },
  mined: { label: 'mined', color: 'green' },
  done: { label: 'done', color: 'green' },
  failed: { label: 'failed', color: 'red' },
}

/**
 * Oldest first. The engine reports "encrypt" only as started (it is local work, no tx); once any
 * later step has arrived it is done, so it is shown done instead of "working" forever.
 */
export function settledSteps(events: PublishProgressEvent[]): PublishProgressEvent[] {
  return events.map((e, i) =>
    e.step === 'encrypt' && e.status === 'started' && i < events.length - 1 ? { ...e, status: 'done' } : e,
  )
}

export function PublishProgressSteps({
  events: raw,
  label,
}: {
  events: PublishProgressEvent[]
  label: string
}) {
  const events = settledSteps(raw)
  const finished = events.filter((e) => e.status === 'mined' || e.status === 'done').length
  return (
    <Timeline active={finished - 1} bulletSize={18} lineWidth={2} aria-label={label} role="list">
      {events.map((e, i) => (
        <Timeline.Item
          key={`${e.step}-${e.txHash ?? ''}-${i}`}
          role="listitem"
          data-status={e.status}
          title={
            <Group gap="xs">
              <Text size="sm" fw={600}>
                {STEP_WORDS[e.step] ?? e.step}
              </Text>
              <Badge
                size="sm"
                variant="dot"
                color={STATUS_WORDS[e.status].color}
                style={{ textTransform: 'none' }}
              >
                {STATUS_WORDS[e.status].label}
              </Badge>
            </Group>
          }
        >
          {e.txHash && (
            <Group gap={4}>
              <Text size="xs" c="dimmed">
                tx
              </Text>
              <AddressLabel value={e.txHash} what="transaction hash" />
            </Group>
          )}
          {e.message && (
            <Text size="xs" c={e.status === 'failed' ? 'red' : 'dimmed'}>
              {e.message}
            </Text>
          )}
        </Timeline.Item>
      ))}
    </Timeline>
  )
}
