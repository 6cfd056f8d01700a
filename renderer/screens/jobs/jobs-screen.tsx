// Jobs: status filters with counts (incl. Succeeded, Failed, Stopped) and a substring search, both
// answered by the server from indexes; the table loads page after page as it scrolls (virtual rows),
// so 100,000 jobs cost what 300 do. A job opens its own route (/jobs/$jobId).
import { useCallback, useEffect, useMemo, useState } from 'react'
import { AfterFirstPaint } from '../../components/after-first-paint'
import { SegmentedControl, Stack, Tabs, Text, TextInput, Title } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { useNavigate, useSearch } from '@tanstack/react-router'
import { JOB_SORT_COLUMNS, type JobCounts, type JobSort } from '../../../engine/console-api/contract'
import {
  STATUS_FILTERS,
  STATUS_FILTER_CODES,
  STATUS_FILTER_OUTCOME,
  type StatusFilter,
} from '../../ui-state/ui-store'
import { useJobPages } from '../../server-state/jobs'
import { ErrorMessage } from '../../components/error-message'
import { EmptyState } from '../../components/empty-state'
import { JobTable } from './job-table'
import { EarningsView } from './earnings-view'
import { RefusedRequestsView } from './refused-requests-view'

const STATUS_OPTIONS: Array<{ value: StatusFilter; label: string; count: keyof JobCounts }> = [
  { value: 'all', label: 'All', count: 'all' },
  { value: 'running', label: 'Running', count: 'running' },
  { value: 'queued', label: 'Queued', count: 'queued' },
  { value: 'succeeded', label: 'Succeeded', count: 'succeeded' },
  { value: 'failed', label: 'Failed', count: 'failed' },
  { value: 'stopped', label: 'Stopped', count: 'stopped' },
  { value: 'expired', label: 'Expired', count: 'expired' },
]
const TABS = ['list', 'earnings', 'refused'] as const
const DEFAULT_SORT: JobSort = { column: 'created', direction: 'desc' }
type JobsTab = (typeof TABS)[number]

/**
 * The Jobs route's search params (deep links such as "#/jobs?status=failed&sort=duration&dir=asc";
 * they survive reload and Back). The default sort (created, newest first) is not written.
 */
export interface JobsSearch {
  status?: StatusFilter
  q?: string
  tab?: JobsTab
  sort?: JobSort['column']
  dir?: JobSort['direction']
}
/** routes.tsx validateSearch: unknown or malformed params are dropped, never thrown. */
export function validateJobsSearch(raw: Record<string, unknown>): JobsSearch {
  const out: JobsSearch = {}
  if ((STATUS_FILTERS as readonly unknown[]).includes(raw.status) && raw.status !== 'all')
    out.status = raw.status as StatusFilter
  if (typeof raw.q === 'string' && raw.q !== '') out.q = raw.q.slice(0, 200)
  if ((TABS as readonly unknown[]).includes(raw.tab) && raw.tab !== 'list') out.tab = raw.tab as JobsTab
  const sort = (JOB_SORT_COLUMNS as readonly unknown[]).includes(raw.sort)
    ? (raw.sort as JobSort['column'])
    : DEFAULT_SORT.column
  const dir = raw.dir === 'asc' || raw.dir === 'desc' ? raw.dir : DEFAULT_SORT.direction
  if (sort !== DEFAULT_SORT.column || dir !== DEFAULT_SORT.direction) {
    out.sort = sort
    out.dir = dir
  }
  return out
}
/** The sort a validated search asks for (the default when it names none). */
export function jobSortOf(search: JobsSearch): JobSort {
  return { column: search.sort ?? DEFAULT_SORT.column, direction: search.dir ?? DEFAULT_SORT.direction }
}
function useJobsSearch() {
  const search = validateJobsSearch(useSearch({ strict: false }) as Record<string, unknown>)
  const navigate = useNavigate()
  const setSearch = useCallback(
    (patch: Partial<JobsSearch>) =>
      void navigate({
        to: '/jobs',
        // replace: typing and filter clicks are not Back steps.
        replace: true,
        resetScroll: false,
        search: (prev: Record<string, unknown>) => validateJobsSearch({ ...prev, ...patch }),
      } as never),
    [navigate],
  )
  return [search, setSearch] as const
}
/** Rows per page asked of the server; the first page is about a screenful, so it shows sooner. */
const PAGE_SIZE = 200
const FIRST_PAGE_SIZE = 50
const SEARCH_DEBOUNCE_MS = 250
const formatCount = (n: number) => n.toLocaleString('en-US')

export function JobsScreen() {
  const [params, setParams] = useJobsSearch()
  return (
    <Stack component="section" aria-labelledby="jobs-title" gap="md">
      <Title order={2} id="jobs-title">
        Jobs
      </Title>
      <AfterFirstPaint>
        <Tabs
          value={params.tab ?? 'list'}
          onChange={(tab) => setParams({ tab: (tab as JobsTab | null) ?? 'list' })}
          keepMounted={false}
        >
          <Tabs.List>
            <Tabs.Tab value="list">All jobs</Tabs.Tab>
            <Tabs.Tab value="earnings">Earnings</Tabs.Tab>
            <Tabs.Tab value="refused">Refused requests</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="list" pt="md">
            <JobList />
          </Tabs.Panel>
          <Tabs.Panel value="earnings" pt="md">
            <EarningsView />
          </Tabs.Panel>
          <Tabs.Panel value="refused" pt="md">
            <RefusedRequestsView />
          </Tabs.Panel>
        </Tabs>
      </AfterFirstPaint>
    </Stack>
  )
}

function JobList() {
  const [params, setParams] = useJobsSearch()
  // The box answers each keystroke; the URL and the server query follow it, debounced.
  const [typed, setTyped] = useState(params.q ?? '')
  const jobFilters = { status: params.status ?? 'all', search: typed }
  const [debounced] = useDebouncedValue(typed, SEARCH_DEBOUNCE_MS)
  // Only the debounced text moves the URL (not a change of params.q itself).
  useEffect(() => {
    if (debounced !== (params.q ?? '')) setParams({ q: debounced })
  }, [debounced])
  const search = debounced.trim()
  const codes = STATUS_FILTER_CODES[jobFilters.status]
  const outcome = STATUS_FILTER_OUTCOME[jobFilters.status]
  // The sort lives in the URL like the filters: reload and Back keep it.
  const sort = jobSortOf(params)
  const setSort = useCallback(
    (next: JobSort) => setParams({ sort: next.column, dir: next.direction }),
    [setParams],
  )
  const list = useJobPages(
    {
      ...(sort.column !== DEFAULT_SORT.column || sort.direction !== DEFAULT_SORT.direction ? { sort } : {}),
      ...(codes ? { statuses: codes } : {}),
      ...(outcome ? { outcome } : {}),
      ...(search ? { search } : {}),
      limit: PAGE_SIZE,
    },
    FIRST_PAGE_SIZE,
  )
  const jobs = useMemo(() => list.data?.pages.flatMap((p) => p.jobs) ?? [], [list.data])
  const first = list.data?.pages[0]
  const counts = first?.counts
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage()
  }, [hasNextPage, isFetchingNextPage, fetchNextPage])
  return (
    <Stack gap="md">
      <form role="search" aria-label="Filter jobs" onSubmit={(e) => e.preventDefault()}>
        <Stack gap="sm">
          <div role="group" aria-labelledby="jobs-status-label">
            <Text id="jobs-status-label" size="sm" fw={500} mb={4}>
              Status
            </Text>
            <SegmentedControl
              value={jobFilters.status}
              onChange={(value) => setParams({ status: value as StatusFilter })}
              data={STATUS_OPTIONS.map((o) => ({
                value: o.value,
                label: counts ? `${o.label} (${formatCount(counts[o.count])})` : o.label,
              }))}
            />
          </div>
          <TextInput
            label="Search by job id, asset name, dataset or algorithm DID, or consumer address"
            description="Any part of it, upper or lower case"
            value={jobFilters.search}
            onChange={(e) => setTyped(e.currentTarget.value)}
            maw={560}
          />
        </Stack>
      </form>
      {list.isPending && <p role="status">Loading jobs…</p>}
      {list.isError && <ErrorMessage title="Could not load jobs" error={list.error} />}
      {first && jobs.length === 0 && (
        <EmptyState title="No jobs">
          <p>
            Nothing matches these filters. Consumers start jobs with ocean.js against your Provider URL (see
            Overview); each appears here live.
          </p>
        </EmptyState>
      )}
      {first && jobs.length > 0 && (
        <>
          <p role="status">
            {jobs.length < first.total
              ? `Showing ${formatCount(jobs.length)} of ${formatCount(first.total)} jobs (more load as you scroll)`
              : `Showing ${formatCount(first.total)} of ${formatCount(first.total)} jobs`}
          </p>
          <JobTable jobs={jobs} sort={sort} onSortChange={setSort} onEndReached={loadMore} />
        </>
      )}
    </Stack>
  )
}
