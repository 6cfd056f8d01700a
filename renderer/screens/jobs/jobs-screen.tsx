// Jobs: status filters (incl. Succeeded, Failed, Stopped) and a substring search over a live,
// sortable, virtualised table; a job opens its own route (/jobs/$jobId).
import { useMemo } from 'react'
import { SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core'
import { useNavigate } from '@tanstack/react-router'
import {
  useUiStore,
  STATUS_FILTER_CODES,
  STATUS_FILTER_OUTCOME,
  type StatusFilter,
} from '../../ui-state/ui-store'
import { useJobList } from '../../server-state/jobs'
import { ErrorMessage } from '../../components/error-message'
import { EmptyState } from '../../components/empty-state'
import { JobTable, jobMatchesSearch } from './job-table'

const STATUS_OPTIONS: Array<{ value: StatusFilter; label: string }> = [
  { value: 'all', label: 'All' },
  { value: 'running', label: 'Running' },
  { value: 'queued', label: 'Queued' },
  { value: 'succeeded', label: 'Succeeded' },
  { value: 'failed', label: 'Failed' },
  { value: 'stopped', label: 'Stopped' },
]

export function JobsScreen() {
  const { jobFilters, setJobFilters } = useUiStore()
  const navigate = useNavigate()
  const openJob = (jobId: string) => void navigate({ to: '/jobs/$jobId', params: { jobId } })
  const codes = STATUS_FILTER_CODES[jobFilters.status]
  const list = useJobList({ ...(codes ? { statuses: codes } : {}), limit: 1000 })
  const outcome = STATUS_FILTER_OUTCOME[jobFilters.status]
  const shown = useMemo(
    () =>
      (list.data?.jobs ?? []).filter(
        (j) => (!outcome || j.outcome?.kind === outcome) && jobMatchesSearch(j, jobFilters.search),
      ),
    [list.data, outcome, jobFilters.search],
  )
  const isNarrowed = Boolean(outcome || jobFilters.search.trim())
  return (
    <Stack component="section" aria-labelledby="jobs-title" gap="md">
      <Title order={2} id="jobs-title">
        Jobs
      </Title>
      <form role="search" aria-label="Filter jobs" onSubmit={(e) => e.preventDefault()}>
        <Stack gap="sm">
          <div role="group" aria-labelledby="jobs-status-label">
            <Text id="jobs-status-label" size="sm" fw={500} mb={4}>
              Status
            </Text>
            <SegmentedControl
              value={jobFilters.status}
              onChange={(value) => setJobFilters({ status: value as StatusFilter })}
              data={STATUS_OPTIONS}
            />
          </div>
          <TextInput
            label="Search by job id, dataset or algorithm DID, or consumer address"
            value={jobFilters.search}
            onChange={(e) => setJobFilters({ search: e.currentTarget.value })}
            maw={520}
          />
        </Stack>
      </form>
      {list.isPending && <p role="status">Loading jobs…</p>}
      {list.isError && <ErrorMessage title="Could not load jobs" error={list.error} />}
      {list.data && shown.length === 0 && (
        <EmptyState title="No jobs">
          <p>
            Nothing matches these filters. Consumers start jobs with ocean.js against your Provider URL (see
            Overview); each appears here live.
          </p>
        </EmptyState>
      )}
      {list.data && shown.length > 0 && (
        <>
          <p role="status">
            {isNarrowed
              ? `Showing ${shown.length} matching of ${list.data.jobs.length} loaded (${list.data.total} jobs)`
              : `Showing ${shown.length} of ${list.data.total} jobs`}
          </p>
          <JobTable jobs={shown} onOpen={openJob} />
        </>
      )}
    </Stack>
  )
}
