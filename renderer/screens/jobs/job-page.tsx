// One job: what ran on what (names first), for whom, how long, what it cost and earned; the stage
// timeline in words; the logs from their first line with live follow; results saved as a stream;
// Stop behind a confirmation. Its state comes from the one detail entry that live events keep
// current (server-state/jobs.ts).
import { useState } from 'react'
import { Alert, Anchor, Button, Group, List, Progress, Stack, Table, Tabs, Text, Title } from '@mantine/core'
import {
  isTerminalStatus,
  type JobLogKind,
  type JobResultFile,
  type JobSummary,
} from '../../../engine/console-api/contract'
import { useMutation } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { useJob, useStopJob } from '../../server-state/jobs'
import { useAssets } from '../../server-state/assets'
import { useEnvironments } from '../../server-state/compute-backend'
import { useConsoleClient } from '../../console-client/console-client-context'
import { JobLogPanel } from './job-log-panel'
import { saveResult } from './result-download'
import { ErrorMessage } from '../../components/error-message'
import { StatusBadge } from '../../components/status-badge'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { formatBytes } from '../../components/format'
import { AddressLabel } from '../../components/labels/address-label'
import { DateLabel } from '../../components/labels/date-label'
import { DurationLabel } from '../../components/labels/duration-label'
import { OnChainTokenAmount } from '../../components/labels/on-chain-token-amount'
import { JOB_STAGE_WORDS } from './job-stage-words'
import { jobDurationMs } from './job-duration'

/** What the job cost the consumer and what it earned: "1.35 OCEAN, claimed (tx …)". */
function Payment({ job }: { job: JobSummary }) {
  if (!job.payment) return <>{job.isFree ? 'Free (free tier): nothing earned' : 'Paid by order'}</>
  const p = job.payment
  const amount = <OnChainTokenAmount wei={p.costWei} token={p.token} />
  if (p.claimTx)
    return (
      <>
        Earned {amount}, claimed from escrow (<AddressLabel value={p.claimTx} what="claim transaction" />)
      </>
    )
  if (p.cancelTx)
    return (
      <>
        Nothing earned: {amount} released to the consumer (
        <AddressLabel value={p.cancelTx} what="release transaction" />)
      </>
    )
  return <>{amount} locked in escrow; claimed when the job ends</>
}

/** A DID with the asset's name, a link to its asset page, when it is one of this console's assets. */
function AssetName({ did, names, what }: { did: string; names: Map<string, string>; what: string }) {
  const name = names.get(did)
  return (
    <Group gap="xs" wrap="nowrap">
      {name && (
        <Anchor fw={500} renderRoot={(props) => <Link {...props} to="/assets/$did" params={{ did }} />}>
          {name}
        </Anchor>
      )}
      <AddressLabel value={did} what={what} />
    </Group>
  )
}

const LOG_TABS: Array<{ log: JobLogKind; label: string; resultType?: JobResultFile['type'] }> = [
  { log: 'algorithm', label: 'Algorithm log' },
  { log: 'configuration', label: 'Configuration log', resultType: 'configurationLog' },
  { log: 'publish', label: 'Publish log', resultType: 'publishLog' },
]

function ResultRow({ jobId, file }: { jobId: string; file: JobResultFile }) {
  const client = useConsoleClient()
  const [progress, setProgress] = useState<number | null>(null)
  const save = useMutation({
    mutationFn: () =>
      saveResult(
        client,
        { jobId, index: file.index, filename: file.filename, sizeBytes: file.filesizeBytes },
        (saved, total) => setProgress(total > 0 ? Math.min(100, (saved / total) * 100) : null),
      ),
    onSettled: () => setProgress(null),
  })
  return (
    <List.Item>
      <Stack gap={4}>
        <Group gap="sm">
          <Text span>
            {file.filename} ({formatBytes(file.filesizeBytes)}, {file.type})
          </Text>
          <Button
            size="xs"
            variant="default"
            aria-label={`Download ${file.filename}`}
            loading={save.isPending}
            onClick={() => save.mutate()}
          >
            Download
          </Button>
          {save.data === 'saved' && <Text size="sm">Saved.</Text>}
          {save.data === 'handed-to-browser' && <Text size="sm">Downloading in your browser.</Text>}
        </Group>
        {progress !== null && (
          <Progress value={progress} aria-label={`Saving ${file.filename}`} size="sm" maw={320} />
        )}
        {save.isError && <ErrorMessage title="Could not save the result" error={save.error} />}
      </Stack>
    </List.Item>
  )
}

/**
 * "Job 3f2a…91c0": the id shortened as everywhere (full on hover, copy button beside the heading, so
 * the heading's name stays "Job 3f2a…91c0"). The route focuses this h2 when the page opens.
 */
function JobTitle({ jobId }: { jobId: string }) {
  return (
    <AddressLabel
      value={jobId}
      what="job id"
      container={(label) => (
        <Title order={2} id="job-title">
          Job {label}
        </Title>
      )}
    />
  )
}

export function JobPage({ jobId, onBack }: { jobId: string; onBack: () => void }) {
  const detail = useJob(jobId)
  const stop = useStopJob()
  const assets = useAssets()
  const names = new Map((assets.data?.assets ?? []).map((a) => [a.did, a.name]))
  const environments = useEnvironments()
  const [logTab, setLogTab] = useState<JobLogKind>('algorithm')
  const [confirmingStop, setConfirmingStop] = useState(false)
  const back = (
    <Button variant="subtle" onClick={onBack} px={0}>
      Back to jobs
    </Button>
  )
  // The heading is there from the first frame, so focus can land on it when the route opens; it sits
  // where the loaded page has it (same elements around it), so React keeps the focused h2 when the
  // job arrives instead of replacing it (focus would drop to the body). Once loaded, the job stays on
  // screen when a refetch fails (console unreachable): the shell marks it not live under its one
  // banner, as the lists do.
  if (!detail.data)
    return (
      <Stack component="article" aria-labelledby="job-title" gap="md">
        {back}
        <Group justify="space-between" align="center">
          <Group gap="sm">
            <JobTitle jobId={jobId} />
          </Group>
        </Group>
        {!detail.isError ? (
          <p role="status">Loading job…</p>
        ) : (
          <ErrorMessage title="Could not load the job" error={detail.error} />
        )}
      </Stack>
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
          <JobTitle jobId={job.jobId} />
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
      {job.waiting && !isFinished && (
        <Alert color="yellow" title="Waiting on the compute backend" role="status">
          <Text size="sm">{job.waiting.reason}</Text>
          <Text size="xs">
            since <DateLabel atMs={job.waiting.sinceMs} />
          </Text>
        </Alert>
      )}
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
                : datasets.map((did) => <AssetName key={did} did={did} names={names} what="dataset DID" />)}
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Algorithm</Table.Th>
            <Table.Td>
              {job.algorithm.did ? (
                <AssetName did={job.algorithm.did} names={names} what="algorithm DID" />
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
            <Table.Td>
              {environments.data?.environments.some((e) => e.id === job.environmentId) ? (
                <Anchor
                  renderRoot={(props) => (
                    <Link
                      {...props}
                      to="/compute-backend/environments/$envId"
                      params={{ envId: job.environmentId }}
                    />
                  )}
                >
                  {job.environmentId}
                </Anchor>
              ) : (
                job.environmentId
              )}
            </Table.Td>
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
            <Table.Th>Earnings</Table.Th>
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
      <Title order={3}>Logs</Title>
      <Tabs value={logTab} onChange={(v) => v && setLogTab(v as JobLogKind)} keepMounted={false}>
        <Tabs.List>
          {LOG_TABS.filter((t) => !t.resultType || job.results.some((r) => r.type === t.resultType)).map(
            (t) => (
              <Tabs.Tab key={t.log} value={t.log}>
                {t.label}
              </Tabs.Tab>
            ),
          )}
        </Tabs.List>
        {LOG_TABS.map((t) => (
          <Tabs.Panel key={t.log} value={t.log} pt="xs">
            <JobLogPanel job={job} log={t.log} label={t.label} />
          </Tabs.Panel>
        ))}
      </Tabs>
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
            <ResultRow key={r.index} jobId={job.jobId} file={r} />
          ))}
        </List>
      )}
    </Stack>
  )
}
