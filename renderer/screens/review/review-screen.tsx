// Output review (issue 12): jobs whose outputs wait for the publisher before the consumer gets
// them. For the chosen job: the files of outputs.tar with previews, the algorithm log, and the
// automated guards (size, count, names, lines of the input found verbatim). Release, or reject
// with a reason (the consumer then gets only the configuration log; a paid job is not charged
// unless "charge for compute used" is ticked).
import { useState } from 'react'
import {
  Badge,
  Button,
  Card,
  Checkbox,
  Code,
  Group,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import type { JobSummary, OutputReviewSummary } from '../../../engine/console-api/contract'
import { useReview, useReviewDecision, useReviews } from '../../server-state/publisher-control'
import { AddressLabel, shortenValue } from '../../components/labels/address-label'
import { DateLabel } from '../../components/labels/date-label'
import { AfterFirstPaint } from '../../components/after-first-paint'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { EmptyState } from '../../components/empty-state'
import { ErrorMessage } from '../../components/error-message'
import { formatBytes } from '../../components/format'

// The heading paints on its own first; the held jobs, the chosen job's review, their queries and
// their refetches follow as deferred work (a route change renders synchronously, and cached data
// would be in it).
export function ReviewScreen() {
  return (
    <Stack component="section" aria-labelledby="review-title" gap="md">
      <Title order={2} id="review-title">
        Output review
      </Title>
      <AfterFirstPaint>
        <ReviewBody />
      </AfterFirstPaint>
    </Stack>
  )
}

function ReviewBody() {
  const reviews = useReviews()
  const [selected, setSelected] = useState<string | undefined>()
  const jobId = selected ?? reviews.data?.jobs[0]?.jobId
  return (
    <>
      {reviews.isPending && <p role="status">Loading held jobs…</p>}
      {reviews.isError && <ErrorMessage title="Could not load held jobs" error={reviews.error} />}
      {reviews.data && reviews.data.jobs.length === 0 && (
        <EmptyState title="Nothing to review">
          No job is waiting for your review. Set a dataset&apos;s output release to publisher review to hold
          its jobs&apos; outputs here.
        </EmptyState>
      )}
      {reviews.data && reviews.data.jobs.length > 0 && (
        <Table aria-label="Held jobs" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Job</Table.Th>
              <Table.Th>Consumer</Table.Th>
              <Table.Th>Dataset</Table.Th>
              <Table.Th>Algorithm</Table.Th>
              <Table.Th>Held since</Table.Th>
              <Table.Th>Rejected automatically at</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {reviews.data.jobs.map((j) => (
              <Table.Tr key={j.jobId} aria-selected={j.jobId === jobId}>
                <Table.Td>
                  <AddressLabel value={j.jobId} what="job id" />
                </Table.Td>
                <Table.Td>
                  <AddressLabel value={j.owner} what="consumer address" />
                </Table.Td>
                <Table.Td>
                  {j.datasets[0] ? <AddressLabel value={j.datasets[0].did} what="dataset DID" /> : '—'}
                </Table.Td>
                <Table.Td>
                  <RunBadge outcome={j.outcome} />
                </Table.Td>
                <Table.Td>
                  <DateLabel atMs={j.review?.heldAtMs ?? null} />
                </Table.Td>
                <Table.Td>
                  <DateLabel atMs={j.review?.deadlineMs ?? null} />
                </Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="light"
                    onClick={() => setSelected(j.jobId)}
                    aria-label={`Review job ${j.jobId}`}
                  >
                    Review
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {jobId && <ReviewPanel key={jobId} jobId={jobId} onDecided={() => setSelected(undefined)} />}
    </>
  )
}

function ReviewPanel({ jobId, onDecided }: { jobId: string; onDecided: () => void }) {
  const review = useReview(jobId)
  const decide = useReviewDecision()
  const [confirming, setConfirming] = useState(false)
  const [reason, setReason] = useState('')
  const [charge, setCharge] = useState(false)
  // A failed refetch keeps the review shown (marked not live by the shell while unreachable).
  if (!review.data)
    return review.isError ? (
      <ErrorMessage title="Could not open the review" error={review.error} />
    ) : (
      <p role="status">Checking the outputs of job {shortenValue(jobId)}…</p>
    )
  const { review: r, job } = review.data
  return (
    <Card withBorder component="article" aria-label={`Review of job ${jobId}`}>
      <Stack gap="sm">
        <Group gap="xs">
          <AddressLabel
            value={jobId}
            what="job id"
            container={(label) => <Title order={3}>Job {label}</Title>}
          />
          <RunBadge outcome={job.outcome} />
        </Group>
        {job.outcome?.kind === 'failed' && (
          <Text size="sm" role="note">
            The algorithm failed: {job.outcome.reason}. Its outputs and log are held like a success&apos;s;
            releasing them ends the job failed, as it ran.
          </Text>
        )}
        <Guards guards={r.guards} />
        <Files review={r} />
        {r.algorithmLog && (
          <div>
            <Text fw={500} size="sm">
              Algorithm log ({formatBytes(r.algorithmLog.sizeBytes)})
            </Text>
            <Code block aria-label="Algorithm log preview">
              {r.algorithmLog.previewLines.join('\n')}
            </Code>
          </div>
        )}
        <Group align="flex-end">
          {/* The primary colour: white on green failed AA contrast (axe, both themes). */}
          <Button onClick={() => setConfirming(true)}>Release to the consumer</Button>
          <TextInput
            label="Reason for rejecting"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
          {!job.isFree && (
            <Checkbox
              label="Charge for compute used"
              checked={charge}
              onChange={(e) => setCharge(e.currentTarget.checked)}
            />
          )}
          <Button
            color="red"
            variant="light"
            disabled={!reason.trim()}
            onClick={() =>
              decide.mutate(
                { kind: 'reject', jobId, reason: reason.trim(), chargeForCompute: charge },
                { onSuccess: onDecided },
              )
            }
          >
            Reject
          </Button>
        </Group>
        {decide.isError && <ErrorMessage title="The decision was not saved" error={decide.error} />}
        <ConfirmDialog
          opened={confirming}
          title="Release these outputs?"
          confirmLabel="Release"
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false)
            decide.mutate({ kind: 'release', jobId }, { onSuccess: onDecided })
          }}
        >
          The consumer can download every file of this job once it is released. This cannot be undone.
        </ConfirmDialog>
      </Stack>
    </Card>
  )
}

// Mantine's Badge clips its label (overflow hidden, in a 1fr grid track), so the badge's min-content
// width is only its padding and dot: the Held jobs table, squeezed at 1440 px, gave the Algorithm
// column that much and "succeeded" showed as "SUCCEE…" ("pass" as "PA…" in the checks). A label that
// does not clip counts at its full width, so the column fits the badge whatever the table's width.
const WHOLE_BADGE = { label: { overflow: 'visible' } } as const

/** How the algorithm ended, before the review decides what leaves. */
function RunBadge({ outcome }: { outcome: JobSummary['outcome'] }) {
  if (outcome?.kind === 'failed')
    return (
      <Badge color="red" variant="dot" styles={WHOLE_BADGE}>
        failed
      </Badge>
    )
  if (outcome?.kind === 'stopped')
    return (
      <Badge color="gray" variant="dot" styles={WHOLE_BADGE}>
        stopped
      </Badge>
    )
  return (
    <Badge color="green" variant="dot" styles={WHOLE_BADGE}>
      succeeded
    </Badge>
  )
}

const GUARD_LABELS: Record<OutputReviewSummary['guards'][number]['id'], string> = {
  'output-size': 'Output size',
  'file-count': 'File count',
  'file-patterns': 'Allowed file names',
  'output-leak': 'Input lines in the outputs',
  'log-leak': 'Input lines in the algorithm log',
}

function Guards({ guards }: { guards: OutputReviewSummary['guards'] }) {
  return (
    <Table aria-label="Automated checks">
      <Table.Tbody>
        {guards.map((g) => (
          <Table.Tr key={g.id}>
            <Table.Th>{GUARD_LABELS[g.id]}</Table.Th>
            <Table.Td>
              <Badge
                variant="dot"
                styles={WHOLE_BADGE}
                color={g.status === 'pass' ? 'green' : g.status === 'flag' ? 'red' : 'gray'}
              >
                {g.status}
              </Badge>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{g.message}</Text>
              {g.examples?.map((e) => (
                <Text key={e} size="xs" ff="monospace">
                  {e}
                </Text>
              ))}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

function Files({ review }: { review: OutputReviewSummary }) {
  if (review.files.length === 0) return <Text size="sm">outputs.tar holds no file.</Text>
  return (
    <Stack gap="xs">
      <Text fw={500} size="sm">
        outputs.tar: {review.files.length} file(s), {formatBytes(review.totalBytes)}
      </Text>
      {review.files.map((f) => (
        <Card key={f.path} component="article" withBorder padding="xs" aria-label={`Output file ${f.path}`}>
          <Group gap="xs">
            <Text size="sm" ff="monospace">
              {f.path}
            </Text>
            <Badge variant="dot" styles={WHOLE_BADGE}>
              {f.kind}
            </Badge>
            <Text size="xs">{formatBytes(f.sizeBytes)}</Text>
          </Group>
          {f.previewLines && <Code block>{f.previewLines.join('\n')}</Code>}
          {f.imageDataUrl && (
            <img src={f.imageDataUrl} alt={`Preview of ${f.path}`} style={{ maxWidth: 320 }} />
          )}
        </Card>
      ))}
    </Stack>
  )
}
