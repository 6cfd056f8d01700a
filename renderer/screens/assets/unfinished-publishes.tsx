// Unfinished publishes on the Assets screen: first publishes that stopped before the asset went
// live (the console closed or crashed mid-publish, a transaction failed). Publishing the draft
// again would mint a second NFT, so each row offers Resume (from its recorded progress, the steps
// streamed as in the wizard, ending at the "you're live" card) and Discard (confirmed; it only
// forgets the local record, nothing on chain is undone).
import { useRef, useState } from 'react'
import { Alert, Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core'
import type { AssetSummary, UnfinishedPublish } from '../../../engine/console-api/contract'
import {
  useDiscardUnfinishedPublish,
  useResumePublish,
  useUnfinishedPublishes,
} from '../../server-state/assets'
import { useOverview } from '../../server-state/overview'
import { usePublishProgress, type PublishProgressEvent } from '../../server-state/publish-progress'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { ErrorMessage } from '../../components/error-message'
import { AddressLabel } from '../../components/labels/address-label'
import { DateLabel } from '../../components/labels/date-label'
import { LiveCard } from './publish-wizard/live-card'
import { PublishProgressSteps } from './publish-wizard/publish-progress-steps'

/** Where it stopped, in words: the on-chain step and what its recorded transaction did. */
export function stoppedAtWords(p: Pick<UnfinishedPublish, 'stoppedAt' | 'txStatus'>): string {
  if (p.stoppedAt === 'create')
    return {
      none: 'Before the data NFT: nothing was sent yet',
      signed: 'Creating the data NFT: sent, not confirmed',
      mined: 'Creating the data NFT: mined',
      failed: 'Creating the data NFT: the transaction failed',
    }[p.txStatus]
  return {
    none: 'The data NFT exists; the DDO was not sent yet',
    signed: 'Publishing the DDO (setMetaData): sent, not confirmed',
    mined: 'The DDO is on chain; not yet recorded in this console',
    failed: 'Publishing the DDO (setMetaData): the transaction failed',
  }[p.txStatus]
}

export function UnfinishedPublishes() {
  const list = useUnfinishedPublishes()
  const resume = useResumePublish()
  const discard = useDiscardUnfinishedPublish()
  const progress = usePublishProgress()
  const overview = useOverview()
  const [discarding, setDiscarding] = useState<UnfinishedPublish | null>(null)
  const [resuming, setResuming] = useState<UnfinishedPublish | null>(null)
  const [live, setLive] = useState<AssetSummary | null>(null)
  const before = useRef<Set<PublishProgressEvent> | null>(null)

  const publishes = list.data?.publishes ?? []
  const stepEvents = before.current
    ? (progress.data ?? []).filter((e) => !before.current!.has(e)).reverse()
    : []
  const start = (p: UnfinishedPublish) => {
    before.current = new Set(progress.data ?? [])
    setResuming(p)
    setLive(null)
    resume.mutate(p.id, { onSuccess: ({ asset }) => setLive(asset) })
  }
  const busy = resume.isPending

  if (list.isError) return <ErrorMessage title="Could not load unfinished publishes" error={list.error} />
  if (publishes.length === 0 && !resuming) return null
  return (
    <Stack component="section" aria-label="Unfinished publishes" gap="sm">
      {publishes.length > 0 && (
        <>
          <Alert color="yellow" variant="light" title="Unfinished publishes" role="note">
            {publishes.length === 1 ? 'This publish' : `These ${publishes.length} publishes`} stopped before
            the asset went live: the console was closed, or a transaction failed. Resume finishes one from
            where it stopped, with the transactions it already sent; publishing the asset again would create a
            second data NFT.
          </Alert>
          <Table aria-label="Unfinished publishes" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Name</Table.Th>
                <Table.Th scope="col">DID</Table.Th>
                <Table.Th scope="col">Stopped at</Table.Th>
                <Table.Th scope="col">Started</Table.Th>
                <Table.Th scope="col">Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {publishes.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Th scope="row">
                    {p.name}
                    <Text size="xs" c="dimmed">
                      {p.kind === 'dataset' ? 'Dataset' : 'Algorithm'}
                    </Text>
                    {p.inProgress && (
                      <Badge size="sm" variant="dot" style={{ textTransform: 'none' }}>
                        Publishing now
                      </Badge>
                    )}
                  </Table.Th>
                  <Table.Td>
                    {p.did ? (
                      <AddressLabel value={p.did} what="DID" />
                    ) : (
                      <Text size="xs" maw={260}>
                        No DID yet: it stopped before this console learned the data NFT&apos;s address. Resume
                        looks its recorded transaction up first, so no second NFT is created.
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{stoppedAtWords(p)}</Text>
                    {p.txHash && (
                      <Group gap={4}>
                        <Text size="xs" c="dimmed">
                          tx
                        </Text>
                        <AddressLabel value={p.txHash} what="transaction hash" />
                      </Group>
                    )}
                    {p.error && (
                      <Text size="xs" c="red">
                        {p.error}
                      </Text>
                    )}
                    {p.notResumable && (
                      <Text size="xs" c="dimmed">
                        {p.notResumable}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <DateLabel atMs={p.startedAtMs} />
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button
                        size="compact-sm"
                        aria-label={`Resume ${p.name}`}
                        disabled={p.inProgress || p.notResumable !== null || busy}
                        loading={busy && resuming?.id === p.id}
                        onClick={() => start(p)}
                      >
                        Resume
                      </Button>
                      <Button
                        size="compact-sm"
                        color="red"
                        variant="light"
                        aria-label={`Discard ${p.name}`}
                        disabled={p.inProgress || (busy && resuming?.id === p.id)}
                        onClick={() => setDiscarding(p)}
                      >
                        Discard
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
      {resuming && (
        <Card withBorder padding="md" component="section" aria-labelledby="resume-title">
          <Title order={3} size="h4" id="resume-title" mb="sm">
            Resuming {resuming.name}
          </Title>
          <Stack gap="md">
            <PublishProgressSteps events={stepEvents} label="On-chain steps of this resume" />
            {busy && (
              <Text role="status" size="sm">
                Resuming… each step appears above, in order, as it is checked, signed and mined.
              </Text>
            )}
            {resume.isError && (
              <ErrorMessage title={`Could not resume ${resuming.name}`} error={resume.error} />
            )}
            {resume.isError && (
              <Text size="sm">
                It stays under Unfinished publishes with what was recorded so far; resume it again once the
                cause is fixed.
              </Text>
            )}
            {live && (
              <>
                <LiveCard asset={live} providerUrl={overview.data?.providerUrl ?? ''} />
                <Text size="sm" c="dimmed">
                  A price chosen in the wizard is not part of the recorded publish: set one on the asset page.
                </Text>
              </>
            )}
          </Stack>
        </Card>
      )}
      <ConfirmDialog
        opened={discarding !== null}
        title={`Discard the publish of ${discarding?.name ?? ''}?`}
        confirmLabel="Discard from this console"
        onCancel={() => setDiscarding(null)}
        onConfirm={() => {
          if (discarding) discard.mutate(discarding.id)
          setDiscarding(null)
        }}
      >
        This console forgets this publish: its draft and the progress it recorded. It undoes nothing on chain
        {discarding?.stoppedAt === 'create' && discarding.txStatus === 'none'
          ? ' (nothing was sent there yet).'
          : ': a data NFT already created stays there, with no DDO, and gas spent is not returned.'}{' '}
        To publish the asset later, start the wizard again.
      </ConfirmDialog>
      {discard.isError && <ErrorMessage title="Could not discard the publish" error={discard.error} />}
    </Stack>
  )
}
