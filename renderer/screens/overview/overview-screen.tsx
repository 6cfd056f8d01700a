// Overview: where consumers reach us, on which chain, whether the engine is healthy, and job counts.
import { useOverview } from '../../server-state/overview'
import { useProviderRequests } from '../../server-state/provider-requests'
import { CopyButton } from '../../components/copy-button'
import { ErrorMessage } from '../../components/error-message'
import { StatusBadge } from '../../components/status-badge'
import { shortId } from '../../components/format'
import { ReachabilityPanel } from './reachability-panel'
import { useNavigate } from '@tanstack/react-router'

export function OverviewScreen() {
  const overview = useOverview()
  const requests = useProviderRequests()
  const navigate = useNavigate()
  const selectJob = (jobId: string) => void navigate({ to: '/jobs/$jobId', params: { jobId } })
  if (overview.isPending) return <p role="status">Loading overview…</p>
  if (overview.isError) return <ErrorMessage title="Could not load the overview" error={overview.error} />
  const o = overview.data
  return (
    <section aria-labelledby="overview-title">
      <h2 id="overview-title">Overview</h2>
      <dl className="facts">
        <dt>Provider URL</dt>
        <dd>
          <code data-testid="provider-url">{o.providerUrl}</code>{' '}
          <CopyButton text={o.providerUrl} label="Copy provider URL" />
        </dd>
        <dt>Chain</dt>
        <dd>
          {o.chainId === null ? 'Not connected' : `${o.chainName ?? 'chain'} (${o.chainId})`}
          {o.chainError ? <ChainError error={o.chainError} /> : null}
        </dd>
        <dt>Provider address</dt>
        <dd>{o.providerAddress ?? 'No wallet yet — create one in Settings'}</dd>
        <dt>Compute backend</dt>
        <dd>
          {o.health
            ? `${o.health.driver === 'local' ? 'Local sandbox' : 'Kubernetes'}: ${o.health.ok ? 'healthy' : 'needs attention'}`
            : 'Not started'}
        </dd>
      </dl>
      <ReachabilityPanel />
      <ul aria-label="Job counts" className="counts">
        <li>Running: {o.jobCounts.running}</li>
        <li>Queued: {o.jobCounts.queued}</li>
        <li>Finished: {o.jobCounts.finished}</li>
        <li>Failed: {o.jobCounts.failed}</li>
      </ul>
      <h3>Recent activity</h3>
      {o.recentJobs.length === 0 ? (
        <p>No jobs yet. Consumers start jobs with ocean.js against the Provider URL above.</p>
      ) : (
        <ul aria-label="Recent jobs">
          {o.recentJobs.map((job) => (
            <li key={job.jobId}>
              <button type="button" onClick={() => selectJob(job.jobId)}>
                Job {shortId(job.jobId)}
              </button>{' '}
              <StatusBadge status={job.status} outcome={job.outcome} />
            </li>
          ))}
        </ul>
      )}
      <h3 id="provider-requests-title">Provider requests</h3>
      {requests.data.length === 0 ? (
        <p>
          No consumer requests since the console opened. ocean.js calls the Provider URL above; each call
          shows here as it happens.
        </p>
      ) : (
        <table aria-labelledby="provider-requests-title" className="requests">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Request</th>
              <th scope="col">Status</th>
              <th scope="col">Duration</th>
            </tr>
          </thead>
          <tbody>
            {requests.data.map((r, i) => (
              <tr key={`${r.atMs}-${i}`}>
                <td>{new Date(r.atMs).toLocaleTimeString()}</td>
                <td>
                  <code>
                    {r.method} {r.path}
                  </code>
                </td>
                <td>{r.errorCode ? `${r.status} ${r.errorCode}` : r.status}</td>
                <td>{Math.round(r.elapsedMs)} ms</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

/** The chain's start failure and its fix (the console runs without a chain meanwhile). */
export function ChainError({ error }: { error: { code?: string; message: string } }) {
  return (
    <p role="alert" data-testid="chain-error">
      The chain did not start{error.code ? ` (${error.code})` : ''}: {error.message}
    </p>
  )
}
