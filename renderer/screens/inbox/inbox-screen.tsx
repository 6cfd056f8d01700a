// Approval inbox (issue 12): algorithms the Provider refused as untrusted, one card per dataset,
// service, algorithm and checksums, with its DDO and code, and who asked how often. Trust it on
// chain (setMetaData with these checksums; its steps and tx shown), approve on this node only (one
// consumer or all, until a date) or deny with a reason; the consumer's next attempt gets it.
import { useState } from 'react'
import {
  Badge,
  Button,
  Card,
  Group,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import type { AccessRequestSummary } from '../../../engine/console-api/contract'
import { useAccessDecision, useAccessRequests, useApproveOnChain } from '../../server-state/publisher-control'
import { usePublishProgress } from '../../server-state/publish-progress'
import { PublishProgressSteps } from '../assets/publish-wizard/publish-progress-steps'
import { AfterFirstPaint } from '../../components/after-first-paint'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { AlgorithmDetails } from './algorithm-details'
import { AddressLabel } from '../../components/labels/address-label'
import { DateLabel } from '../../components/labels/date-label'
import { EmptyState } from '../../components/empty-state'
import { ErrorMessage } from '../../components/error-message'

type StatusFilter = 'pending' | 'approved' | 'denied' | 'all'

// The heading (and what the inbox is) paint on their own first; the status filter, the list, its
// query and its refetch follow as deferred work (a route change renders synchronously, and a cached
// list would be in it).
export function InboxScreen() {
  return (
    <Stack component="section" aria-labelledby="inbox-title" gap="md">
      <Title order={2} id="inbox-title">
        Approval inbox
      </Title>
      <Text size="sm">
        Algorithms a consumer asked to run on your datasets that the dataset does not trust yet. The consumer
        was refused with the request id and waits for your decision.
      </Text>
      <AfterFirstPaint>
        <InboxBody />
      </AfterFirstPaint>
    </Stack>
  )
}

function InboxBody() {
  const [status, setStatus] = useState<StatusFilter>('pending')
  const requests = useAccessRequests(status === 'all' ? undefined : status)
  return (
    <>
      <div role="group" aria-labelledby="inbox-status-label">
        <Text id="inbox-status-label" size="sm" fw={500} mb={4}>
          Status
        </Text>
        <SegmentedControl
          value={status}
          onChange={(v) => setStatus(v as StatusFilter)}
          data={[
            { value: 'pending', label: 'Pending' },
            { value: 'approved', label: 'Approved' },
            { value: 'denied', label: 'Denied' },
            { value: 'all', label: 'All' },
          ]}
        />
      </div>
      {requests.isPending && <p role="status">Loading requests…</p>}
      {requests.isError && <ErrorMessage title="Could not load the inbox" error={requests.error} />}
      {requests.data && requests.data.requests.length === 0 && (
        <EmptyState title="No requests">Nothing is waiting for your approval.</EmptyState>
      )}
      {requests.data?.requests.map((r) => (
        <AccessRequestCard key={r.id} request={r} />
      ))}
    </>
  )
}

/** "Trust on chain": a confirmation, then the setMetaData steps for this dataset as they happen. */
function TrustOnChain({ request }: { request: AccessRequestSummary }) {
  const approve = useApproveOnChain()
  const progress = usePublishProgress()
  const [confirming, setConfirming] = useState(false)
  const [seenBefore, setSeenBefore] = useState<number | null>(null)
  const forDataset = (progress.data ?? []).filter((e) => e.did === request.datasetDid)
  // Newest first: the rows that arrived since the click are this approval's steps.
  const steps = seenBefore === null ? [] : forDataset.slice(0, forDataset.length - seenBefore).reverse()
  const canTrust = Boolean(request.algorithmDid && request.filesChecksum) && !request.approvedTx
  return (
    <Stack gap="xs">
      <Group align="center">
        <Button
          onClick={() => setConfirming(true)}
          loading={approve.isPending}
          disabled={!canTrust}
          variant="filled"
        >
          Trust on chain
        </Button>
        <Text size="xs">
          {request.approvedTx
            ? 'Trusted on chain.'
            : canTrust
              ? "Adds it to the dataset's trusted algorithms with these checksums (setMetaData, paid in gas)."
              : 'Raw code, or code that could not be read, has no DID and checksums a DDO can trust: approve it on this node.'}
        </Text>
      </Group>
      {!approve.isPending && request.onChain?.state === 'approving' && (
        <Text size="sm" role="note">
          An approval on chain is under way
          {request.onChain.txHash ? (
            <>
              {' '}
              (tx <AddressLabel value={request.onChain.txHash} what="transaction hash" />)
            </>
          ) : null}
          ; if the console stopped during it, it is confirmed from the chain at the next start.
        </Text>
      )}
      {request.onChain?.state === 'not-landed' && request.status === 'pending' && (
        <Text size="sm" role="note">
          The last approval on chain did not happen: {request.onChain.reason}
        </Text>
      )}
      {steps.length > 0 && (
        <PublishProgressSteps events={steps} label={`On-chain steps of request ${request.id}`} />
      )}
      {approve.isSuccess && (
        <Text size="sm" role="status">
          Trusted on chain in block {approve.data.blockNumber}, tx{' '}
          <AddressLabel value={approve.data.txHash} what="transaction hash" />
        </Text>
      )}
      {approve.isError && <ErrorMessage title="Not trusted on chain" error={approve.error} />}
      <ConfirmDialog
        opened={confirming}
        title="Trust this algorithm on chain?"
        confirmLabel="Trust on chain"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false)
          setSeenBefore(forDataset.length)
          approve.mutate(request.id)
        }}
      >
        The dataset's DDO is published again with this algorithm in its trusted algorithms, pinned to files
        checksum {request.filesChecksum} and container checksum {request.containerChecksum}. Any Provider
        serving the DDO will then run it for every consumer; a changed algorithm is refused again.
      </ConfirmDialog>
    </Stack>
  )
}

function AccessRequestCard({ request }: { request: AccessRequestSummary }) {
  const decide = useAccessDecision()
  const [consumer, setConsumer] = useState('')
  const [until, setUntil] = useState('')
  const [reason, setReason] = useState('')
  const container = request.container
  const untilMs = until ? new Date(`${until}T23:59:59`).getTime() : undefined
  return (
    <Card withBorder component="article" aria-label={`Access request ${request.id}`}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600}>Request {request.id}</Text>
          <Badge
            variant="dot"
            color={request.status === 'pending' ? 'yellow' : request.status === 'approved' ? 'green' : 'red'}
          >
            {request.status}
          </Badge>
        </Group>
        <Table variant="vertical" withTableBorder>
          <Table.Tbody>
            <Table.Tr>
              <Table.Th>Dataset</Table.Th>
              <Table.Td>
                <AddressLabel value={request.datasetDid} what="dataset DID" /> (service {request.serviceId})
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Algorithm</Table.Th>
              <Table.Td>
                {request.algorithmDid ? (
                  <AddressLabel value={request.algorithmDid} what="algorithm DID" />
                ) : (
                  <>raw code, sha256 {request.rawCodeHash}</>
                )}
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Container</Table.Th>
              <Table.Td>
                {container.image ?? '?'}:{container.tag ?? '?'}{' '}
                {container.checksum ? `(${container.checksum})` : ''}
                {container.entrypoint ? ` — ${container.entrypoint}` : ''}
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Checksums</Table.Th>
              <Table.Td>
                <Text size="xs" ff="monospace">
                  files {request.filesChecksum ?? 'unreadable'} · container {request.containerChecksum}
                </Text>
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Why refused</Table.Th>
              <Table.Td>{request.reason}</Table.Td>
            </Table.Tr>
            {request.approvedTx && (
              <Table.Tr>
                <Table.Th>Trusted on chain</Table.Th>
                <Table.Td>
                  tx <AddressLabel value={request.approvedTx} what="transaction hash" />
                </Table.Td>
              </Table.Tr>
            )}
            {request.denyReason && (
              <Table.Tr>
                <Table.Th>Denied because</Table.Th>
                <Table.Td>{request.denyReason}</Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
        <AlgorithmDetails request={request} />
        <Text size="sm" fw={500}>
          Who asked
        </Text>
        <Table aria-label={`Consumers of request ${request.id}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Consumer</Table.Th>
              <Table.Th>Attempts</Table.Th>
              <Table.Th>Last attempt</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {request.consumers.map((c) => (
              <Table.Tr key={c.consumer}>
                <Table.Td>
                  <AddressLabel value={c.consumer} what="consumer address" />
                </Table.Td>
                <Table.Td>{c.attempts}</Table.Td>
                <Table.Td>
                  <DateLabel atMs={c.lastAtMs} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {request.policies.length > 0 && (
          <Text size="sm">
            Allowed on this node for{' '}
            {request.policies
              .map(
                (p) =>
                  `${p.consumer ?? 'every consumer'}${p.untilMs ? ` until ${new Date(p.untilMs).toLocaleDateString()}` : ''}`,
              )
              .join('; ')}
          </Text>
        )}
        <TrustOnChain request={request} />
        <Group align="flex-end">
          <TextInput
            label="Only for consumer (empty: all)"
            placeholder="0x…"
            value={consumer}
            onChange={(e) => setConsumer(e.currentTarget.value)}
          />
          <TextInput
            label="Until (date, empty: no end)"
            type="date"
            value={until}
            onChange={(e) => setUntil(e.currentTarget.value)}
          />
          <Button
            onClick={() =>
              decide.mutate({
                kind: 'approve',
                requestId: request.id,
                ...(consumer.trim() ? { consumer: consumer.trim() } : {}),
                ...(untilMs ? { untilMs } : {}),
              })
            }
            loading={decide.isPending}
          >
            Approve on this node
          </Button>
        </Group>
        <Group align="flex-end">
          <TextInput
            label="Reason for the consumer"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
          <Button
            color="red"
            variant="light"
            disabled={!reason.trim()}
            onClick={() => decide.mutate({ kind: 'deny', requestId: request.id, reason: reason.trim() })}
          >
            Deny
          </Button>
        </Group>
        {decide.isError && <ErrorMessage title="The decision was not saved" error={decide.error} />}
      </Stack>
    </Card>
  )
}
