// A job's status in words and colour (never colour alone): running stages in Ocean's text, and a
// finished job by its outcome, so succeeded, failed, stopped and expired look different.
import { Badge, type MantineColor } from '@mantine/core'
import {
  JOB_STATUS_PHASE,
  JOB_STATUS_TEXT,
  type JobOutcome,
  type JobStatus,
} from '../../engine/console-api/contract'

const OUTCOME: Record<JobOutcome['kind'], { label: string; color: MantineColor }> = {
  succeeded: { label: 'Succeeded', color: 'green' },
  failed: { label: 'Failed', color: 'red' },
  stopped: { label: 'Stopped', color: 'orange' },
  expired: { label: 'Expired', color: 'gray' },
}

export function statusLabel(status: JobStatus, outcome?: JobOutcome | null): string {
  return status === 70 && outcome ? OUTCOME[outcome.kind].label : JOB_STATUS_TEXT[status].trim()
}

export function StatusBadge({ status, outcome }: { status: JobStatus; outcome?: JobOutcome | null }) {
  const phase = JOB_STATUS_PHASE[status]
  const color: MantineColor =
    status === 70 && outcome
      ? OUTCOME[outcome.kind].color
      : phase === 'queued'
        ? 'gray'
        : phase === 'settling'
          ? 'violet'
          : 'blue'
  return (
    <Badge
      color={color}
      // Dot variant: text in the body colour (AA contrast in both themes), the dot carries the colour.
      variant="dot"
      data-status={status}
      data-outcome={outcome?.kind}
      style={{ textTransform: 'none' }}
    >
      {statusLabel(status, outcome)}
    </Badge>
  )
}
