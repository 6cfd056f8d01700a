// Audit trail (issue 12): every access decision, approval, review, download, configuration change
// and wallet event, hash-chained. Filter by type, consumer (actor) and asset or job (subject);
// verify the chain; export JSONL or CSV with the head hash signed by the Provider key.
import { useState } from 'react'
import { Alert, Button, Code, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { useAuditEvents, useAuditExport, useAuditVerify } from '../../server-state/publisher-control'
import { AddressLabel } from '../../components/labels/address-label'
import { DateLabel } from '../../components/labels/date-label'
import { AfterFirstPaint } from '../../components/after-first-paint'
import { EmptyState } from '../../components/empty-state'
import { ErrorMessage } from '../../components/error-message'

const TYPES = [
  'access.accepted',
  'access.refused',
  'approval.granted',
  'approval.denied',
  'review.held',
  'review.released',
  'review.rejected',
  'result.downloaded',
  'config.changed',
  'wallet.event',
]

// The heading paints on its own first; the filters, the trail, its query and its refetch follow as
// deferred work (a route change renders synchronously, and a cached trail would be in it).
export function AuditScreen() {
  return (
    <Stack component="section" aria-labelledby="audit-title" gap="md">
      <Title order={2} id="audit-title">
        Audit trail
      </Title>
      <AfterFirstPaint>
        <AuditBody />
      </AfterFirstPaint>
    </Stack>
  )
}

function AuditBody() {
  const [type, setType] = useState<string | null>(null)
  const [actor, setActor] = useState('')
  const [subject, setSubject] = useState('')
  const filter = {
    ...(type ? { type } : {}),
    ...(actor.trim() ? { actor: actor.trim() } : {}),
    ...(subject.trim() ? { subject: subject.trim() } : {}),
  }
  const events = useAuditEvents(filter)
  const verify = useAuditVerify()
  const exported = useAuditExport()
  const download = (format: 'jsonl' | 'csv') =>
    exported.mutate(
      { ...filter, format },
      {
        onSuccess: (file) => {
          const blob = new Blob([file.text], { type: format === 'csv' ? 'text/csv' : 'application/x-ndjson' })
          const link = document.createElement('a')
          link.href = URL.createObjectURL(blob)
          link.download = `audit-${file.head.seq}.${format}`
          link.click()
          URL.revokeObjectURL(link.href)
        },
      },
    )
  return (
    <>
      <form role="search" aria-label="Filter the audit trail" onSubmit={(e) => e.preventDefault()}>
        <Group align="flex-end">
          <Select
            label="Type"
            placeholder="All types"
            data={TYPES}
            value={type}
            onChange={setType}
            clearable
          />
          <TextInput
            label="Consumer or actor"
            value={actor}
            onChange={(e) => setActor(e.currentTarget.value)}
          />
          <TextInput
            label="Asset DID or job id"
            value={subject}
            onChange={(e) => setSubject(e.currentTarget.value)}
          />
        </Group>
      </form>
      <Group>
        <Button variant="light" onClick={() => verify.mutate()} loading={verify.isPending}>
          Verify the chain
        </Button>
        <Button variant="default" onClick={() => download('jsonl')}>
          Export JSONL
        </Button>
        <Button variant="default" onClick={() => download('csv')}>
          Export CSV
        </Button>
      </Group>
      {verify.data &&
        (verify.data.ok ? (
          <Alert color="green" title="The chain is intact" role="status">
            {verify.data.rows} rows; head hash <Code>{verify.data.headHash}</Code>
          </Alert>
        ) : (
          <Alert color="red" title="The chain is broken" role="alert">
            First row that does not match: {verify.data.firstBadSeq} — {verify.data.reason}
          </Alert>
        ))}
      {verify.isError && <ErrorMessage title="Could not verify the trail" error={verify.error} />}
      {exported.data && (
        <Text size="sm" role="status">
          Exported up to row {exported.data.head.seq}; head signed by {exported.data.signer}:{' '}
          <Code>{exported.data.signature.slice(0, 20)}…</Code>
        </Text>
      )}
      {exported.isError && <ErrorMessage title="Could not export the trail" error={exported.error} />}
      {events.isPending && <p role="status">Loading the trail…</p>}
      {events.isError && <ErrorMessage title="Could not load the trail" error={events.error} />}
      {events.data && events.data.events.length === 0 && (
        <EmptyState title="No events">Nothing matches these filters yet.</EmptyState>
      )}
      {events.data && events.data.events.length > 0 && (
        <Table aria-label="Audit events" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>When</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Actor</Table.Th>
              <Table.Th>Subject</Table.Th>
              <Table.Th>Details</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {events.data.events.map((e) => (
              <Table.Tr key={e.seq}>
                <Table.Td>{e.seq}</Table.Td>
                <Table.Td>
                  <DateLabel atMs={e.atMs} />
                </Table.Td>
                <Table.Td>{e.type}</Table.Td>
                <Table.Td>{e.actor ? <AddressLabel value={e.actor} what="actor" /> : '—'}</Table.Td>
                <Table.Td>{e.subject ? <AddressLabel value={e.subject} what="subject" /> : '—'}</Table.Td>
                <Table.Td>
                  {/* Long DIDs and hashes wrap inside the column instead of widening the page. */}
                  <Text size="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                    {JSON.stringify(e.details)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </>
  )
}
