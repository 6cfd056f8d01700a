// One job: stage timeline (from job events), live algorithm log, results with download, payment, Stop.
import { JOB_STATUS_TEXT, isTerminalStatus } from '../../../engine/console-api/contract'
import { useJob, useJobLog, useReadResult, useStopJob } from '../../server-state/jobs'
import { ErrorMessage } from '../../components/error-message'
import { StatusBadge } from '../../components/status-badge'
import { formatBytes, formatTime, formatTokenAmount } from '../../components/format'

function saveBase64(filename: string, contentType: string, base64: string) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
  const url = URL.createObjectURL(new Blob([bytes], { type: contentType }))
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.click()
  URL.revokeObjectURL(url)
}

export function JobPage({ jobId, onBack }: { jobId: string; onBack: () => void }) {
  const detail = useJob(jobId)
  const log = useJobLog(jobId)
  const stop = useStopJob()
  const download = useReadResult()
  // The heading is there from the first frame, so focus can land on it when the route opens.
  if (detail.isPending || detail.isError)
    return (
      <article aria-labelledby="job-title">
        <h2 id="job-title">Job {jobId}</h2>
        {detail.isPending ? (
          <p role="status">Loading job…</p>
        ) : (
          <ErrorMessage title="Could not load the job" error={detail.error} />
        )}
      </article>
    )
  const { job, events } = detail.data
  const canStop = !isTerminalStatus(job.status) && !job.stopRequested
  return (
    <article aria-labelledby="job-title">
      <button type="button" onClick={onBack}>
        Back to jobs
      </button>
      <h2 id="job-title">Job {job.jobId}</h2>
      <p>
        <StatusBadge status={job.status} outcome={job.outcome} /> {job.outcome?.reason}
      </p>
      <button type="button" disabled={!canStop || stop.isPending} onClick={() => stop.mutate(job.jobId)}>
        {job.stopRequested && !isTerminalStatus(job.status) ? 'Stopping…' : 'Stop job'}
      </button>
      {stop.isError && <ErrorMessage title="Could not stop the job" error={stop.error} />}
      <dl className="facts">
        <dt>Consumer</dt>
        <dd>{job.owner}</dd>
        <dt>Environment</dt>
        <dd>{job.environmentId}</dd>
        <dt>Payment</dt>
        <dd>
          {job.payment
            ? `${formatTokenAmount(job.payment.costWei)} of token ${job.payment.token} locked in escrow (lock ${job.payment.lockTx ?? '—'}); ${job.payment.claimTx ? `claim ${job.payment.claimTx}` : job.payment.cancelTx ? `released ${job.payment.cancelTx}` : 'claim pending'}`
            : job.isFree
              ? 'Free tier'
              : 'Paid by order'}
        </dd>
        <dt>Orders</dt>
        <dd>
          {[...job.datasets.map((d) => d.transferTxId), job.algorithm.transferTxId]
            .filter(Boolean)
            .join(', ') || '—'}
        </dd>
      </dl>
      <h3>Timeline</h3>
      <ol aria-label="Stage timeline">
        {events.map((e) => (
          <li key={e.seq}>
            {formatTime(e.atMs)} — {JOB_STATUS_TEXT[e.to].trim()} ({e.cause})
          </li>
        ))}
      </ol>
      <h3>Algorithm log</h3>
      <pre aria-label="Algorithm log" className="log" tabIndex={0}>
        {log.data?.text || (log.isPending ? 'Loading…' : 'No output yet.')}
      </pre>
      <h3>Results</h3>
      {job.results.length === 0 ? (
        <p>No results yet. They appear when the job publishes its outputs.</p>
      ) : (
        <ul aria-label="Results">
          {job.results.map((r) => (
            <li key={r.index}>
              {r.filename} ({formatBytes(r.filesizeBytes)}, {r.type}){' '}
              <button
                type="button"
                aria-label={`Download ${r.filename}`}
                onClick={() =>
                  download.mutate(
                    { jobId: job.jobId, index: r.index },
                    { onSuccess: (f) => saveBase64(f.filename, f.contentType, f.base64) },
                  )
                }
              >
                Download
              </button>
            </li>
          ))}
        </ul>
      )}
      {download.isError && <ErrorMessage title="Could not download the result" error={download.error} />}
    </article>
  )
}
