// One job: what ran on what, for whom, how long, what it cost; the stage timeline in words; the
// algorithm log; results with download; Stop behind a confirmation. Its state comes from the one
// detail entry that live events keep current (server-state/jobs.ts).
import { useState } from 'react'
import { Button, Code, Group, List, Paper, ScrollArea, Stack, Table, Text, Title } from '@mantine/core'
import { isTerminalStatus, type JobSummary } from '../../../engine/console-api/contract'
import { useJob, useJobLog, useReadResult, useStopJob } from '../../server-state/jobs'
import { ErrorMessage } from '../../components/error-message'
import { StatusBadge } from '../../components/status-badge'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { formatBytes } from '../../components/format'
import { AddressLabel } from '../../components/labels/address-label'
import { DateLabel } from '../../components/labels/date-label'
import { DurationLabel } from '../../components/labels/duration-label'
import { OnChainTokenAmount } from '../../components/labels/on-chain-token-amount'
import { JOB_STAGE_WORDS } from './job-stage-words'

function saveBase64(filename: string, contentType: string, base64: string) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
  const url = URL.createObjectURL(new Blob([bytes], { type: contentType }))
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.click()
  URL.revokeObjectURL(url)
}

function jobDurationMs(job: JobSummary): number | null {
  if (job.algoStartMs !== null)
    return (job.algoStopMs ?? job.finishedAtMs ?? job.updatedAtMs) - job.algoStartMs
  return job.finishedAtMs !== null ? job.finishedAtMs - job.createdAtMs : null
}

function Payment({ job }: { job: JobSummary }) {
  if (!job.payment) return <>{job.isFree ? 'Free tier' : 'Paid by order'}</>
  const p = job.payment
  const settled = p.claimTx ? (
    <>
      claimed (<AddressLabel value={p.claimTx} what="claim transaction" />)
    </>
  ) : p.cancelTx ? (
    <>
      released to the consumer (<AddressLabel value={p.cancelTx} what="release transaction" />)
    </>
  ) : (
    'locked in escrow, claim pending'
  )
  return (
    <>
      <OnChainTokenAmount wei={p.costWei} token={p.token} /> — {settled}
    </>
  )
}

export function JobPage({ jobId, onBack }: { jobId: string; onBack: () => void }) {
  const detail = useJob(jobId)
  const log = useJobLog(jobId)
  const stop = useStopJob()
  const download = useReadResult()
  const [confirmingStop, setConfirmingStop] = useState(false)
  const back = (
    <Button variant="subtle" onClick={onBack} px={0}>
      Back to jobs
    </Button>
  )
  // The heading is there from the first frame, so focus can land on it when the route opens.
  if (detail.isPending || detail.isError)
    return (
      <article aria-labelledby="job-title">
        {back}
        <Title order={2} id="job-title">
          Job {jobId}
        </Title>
        {detail.isPending ? (
          <p role="status">Loading job…</p>
        ) : (
          <ErrorMessage title="Could not load the job" error={detail.error} />
        )}
      </article>
    )
  const { job, events } = detail.data
  const isFinished = isTerminalStatus(job.status)
  const isStopping = job.stopRequested && !isFinished
  const datasets = job.datasets.map((d) => d.did)
  return (
    <Stack component="article" aria-labelledby="job-title" gap="md">
      {back}
      <Group justify="space-between" align="center">
        <Group gap="sm">
          <Title order={2} id="job-title">
            Job {job.jobId}
          </Title>
          <StatusBadge status={job.status} outcome={job.outcome} />
        </Group>
        <Button
          color="red"
          variant="light"
          disabled={isFinished || job.stopRequested || stop.isPending}
          loading={false}
          onClick={() => setConfirmingStop(true)}
        >
          {isStopping ? 'Stopping…' : 'Stop job'}
        </Button>
      </Group>
      {job.outcome?.reason && <Text c="dimmed">{job.outcome.reason}</Text>}
      <ConfirmDialog
        opened={confirmingStop}
        title="Stop this job?"
        confirmLabel="Stop the job"
        onCancel={() => setConfirmingStop(false)}
        onConfirm={() => {
          setConfirmingStop(false)
          stop.mutate(job.jobId)
        }}
      >
        The algorithm is stopped now; whatever outputs it has written are published as the job&apos;s results.
        This cannot be undone.
      </ConfirmDialog>
      {stop.isError && <ErrorMessage title="Could not stop the job" error={stop.error} />}
      <Table variant="vertical" withTableBorder aria-label="Job facts">
        <Table.Tbody>
          <Table.Tr>
            <Table.Th w={180}>Dataset</Table.Th>
            <Table.Td>
              {datasets.length === 0
                ? '—'
                : datasets.map((did) => <AddressLabel key={did} value={did} what="dataset DID" />)}
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Algorithm</Table.Th>
            <Table.Td>
              {job.algorithm.did ? (
                <AddressLabel value={job.algorithm.did} what="algorithm DID" />
              ) : job.algorithm.isRawCode ? (
                'Raw code sent by the consumer'
              ) : (
                '—'
              )}
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Consumer</Table.Th>
            <Table.Td>
              <AddressLabel value={job.owner} what="consumer address" />
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Environment</Table.Th>
            <Table.Td>{job.environmentId}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Started</Table.Th>
            <Table.Td>
              <DateLabel atMs={job.createdAtMs} />
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Duration</Table.Th>
            <Table.Td>
              <DurationLabel durationMs={jobDurationMs(job)} />
              {!isFinished && job.algoStartMs !== null && ' so far'}
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Payment</Table.Th>
            <Table.Td>
              <Payment job={job} />
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      <Title order={3}>Timeline</Title>
      <List type="ordered" aria-label="Stage timeline" spacing={4}>
        {events.map((e) => (
          <List.Item key={e.seq} title={e.cause}>
            <DateLabel atMs={e.atMs} /> — {JOB_STAGE_WORDS[e.to]}
          </List.Item>
        ))}
      </List>
      <Title order={3}>Algorithm log</Title>
      <Paper withBorder>
        <ScrollArea.Autosize mah={320}>
          <Code block aria-label="Algorithm log" tabIndex={0}>
            {log.data?.text || (log.isPending ? 'Loading…' : 'No output yet.')}
          </Code>
        </ScrollArea.Autosize>
      </Paper>
      <Title order={3}>Results</Title>
      {job.results.length === 0 ? (
        <Text>
          {isFinished
            ? 'This job published no results.'
            : 'No results yet. They appear when the job publishes its outputs.'}
        </Text>
      ) : (
        <List aria-label="Results" spacing="xs">
          {job.results.map((r) => (
            <List.Item key={r.index}>
              <Group gap="sm">
                <Text span>
                  {r.filename} ({formatBytes(r.filesizeBytes)}, {r.type})
                </Text>
                <Button
                  size="xs"
                  variant="default"
                  aria-label={`Download ${r.filename}`}
                  onClick={() =>
                    download.mutate(
                      { jobId: job.jobId, index: r.index },
                      { onSuccess: (f) => saveBase64(f.filename, f.contentType, f.base64) },
                    )
                  }
                >
                  Download
                </Button>
              </Group>
            </List.Item>
          ))}
        </List>
      )}
      {download.isError && <ErrorMessage title="Could not download the result" error={download.error} />}
    </Stack>
  )
}
