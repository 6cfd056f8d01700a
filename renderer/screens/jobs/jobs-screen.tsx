// Jobs: filters (status, asset, consumer) over a live virtualised table; a job opens its own page.
import { useUiStore, STATUS_FILTER_CODES, type StatusFilter } from '../../ui-state/ui-store'
import { useJobList } from '../../server-state/jobs'
import { ErrorMessage } from '../../components/error-message'
import { EmptyState } from '../../components/empty-state'
import { JobTable } from './job-table'
import { useNavigate } from '@tanstack/react-router'

export function JobsScreen() {
  const { jobFilters, setJobFilters } = useUiStore()
  const navigate = useNavigate()
  const openJob = (jobId: string) => void navigate({ to: '/jobs/$jobId', params: { jobId } })
  const filters = {
    ...(STATUS_FILTER_CODES[jobFilters.status] ? { statuses: STATUS_FILTER_CODES[jobFilters.status] } : {}),
    ...(jobFilters.asset ? { did: jobFilters.asset } : {}),
    ...(jobFilters.consumer ? { owner: jobFilters.consumer } : {}),
    limit: 1000,
  }
  const list = useJobList(filters)
  return (
    <section aria-labelledby="jobs-title">
      <h2 id="jobs-title">Jobs</h2>
      <form role="search" aria-label="Filter jobs" onSubmit={(e) => e.preventDefault()} className="filters">
        <label>
          Status
          <select
            value={jobFilters.status}
            onChange={(e) => setJobFilters({ status: e.target.value as StatusFilter })}
          >
            <option value="all">All</option>
            <option value="running">Running</option>
            <option value="queued">Queued</option>
            <option value="finished">Finished</option>
          </select>
        </label>
        <label>
          Asset DID
          <input value={jobFilters.asset} onChange={(e) => setJobFilters({ asset: e.target.value.trim() })} />
        </label>
        <label>
          Consumer address
          <input
            value={jobFilters.consumer}
            onChange={(e) => setJobFilters({ consumer: e.target.value.trim() })}
          />
        </label>
      </form>
      {list.isPending && <p role="status">Loading jobs…</p>}
      {list.isError && <ErrorMessage title="Could not load jobs" error={list.error} />}
      {list.data && list.data.jobs.length === 0 && (
        <EmptyState title="No jobs">
          <p>
            Nothing matches these filters. Consumers start jobs with ocean.js against your Provider URL (see
            Overview); each appears here live.
          </p>
        </EmptyState>
      )}
      {list.data && list.data.jobs.length > 0 && (
        <>
          <p role="status">
            Showing {list.data.jobs.length} of {list.data.total} jobs
          </p>
          <JobTable jobs={list.data.jobs} onOpen={openJob} />
        </>
      )}
    </section>
  )
}
