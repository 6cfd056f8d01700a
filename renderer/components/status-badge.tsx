// A job's status in words (Ocean's text) and phase colour; never colour alone.
import {
  JOB_STATUS_PHASE,
  JOB_STATUS_TEXT,
  type JobOutcome,
  type JobStatus,
} from '../../engine/console-api/contract'

export function StatusBadge({ status, outcome }: { status: JobStatus; outcome?: JobOutcome | null }) {
  const label = status === 70 && outcome ? `Finished (${outcome.kind})` : JOB_STATUS_TEXT[status].trim()
  return (
    <span
      className={`badge phase-${JOB_STATUS_PHASE[status]}${outcome?.kind === 'failed' ? ' failed' : ''}`}
      data-status={status}
    >
      {label}
    </span>
  )
}
