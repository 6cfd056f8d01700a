// Job queries and commands. Lists and details are kept fresh by live events, not by polling.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { JobFilterInput } from '../../engine/console-api/contract'
import { useConsoleClient } from '../console-client/console-client-context'
import { queryKeys } from './query-keys'
import { markStopRequested, newerJobDetail, type JobDetail } from './apply-job-event'

export function useJobList(filters: JobFilterInput) {
  const client = useConsoleClient()
  return useQuery({
    queryKey: queryKeys.jobs.list(filters),
    queryFn: () => client.listJobs(filters),
    staleTime: Infinity,
  })
}

/**
 * The Jobs screen's list, one page at a time by cursor (the store pages from an index, so the
 * 100,000th job costs what the first does). Live events keep the loaded pages current.
 */
export function useJobPages(
  filters: Omit<JobFilterInput, 'cursor' | 'offset'>,
  /** The first page's size: a screenful shows sooner; later pages are `filters.limit` each. */
  firstPageLimit?: number,
) {
  const client = useConsoleClient()
  return useInfiniteQuery({
    queryKey: queryKeys.jobs.pages(filters),
    queryFn: ({ pageParam }) =>
      client.listJobs({
        ...filters,
        ...(pageParam ? { cursor: pageParam } : firstPageLimit ? { limit: firstPageLimit } : {}),
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: Infinity,
  })
}

/**
 * The one source of a job's state on every screen: the detail entry, kept current by live events
 * (live-events.ts). A fetch never replaces an entry that events have already moved further.
 */
export function useJob(jobId: string) {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useQuery({
    queryKey: queryKeys.jobs.detail(jobId),
    queryFn: async () => {
      const fetched = await client.getJob({ jobId })
      return newerJobDetail(queryClient.getQueryData<JobDetail>(queryKeys.jobs.detail(jobId)), fetched)
    },
    staleTime: Infinity,
    // The one poll: why a job waits (an unschedulable pod, a volume that does not bind) changes
    // without a status change, so no live event carries it. Only while the job is at a stage where
    // it can wait (before the algorithm runs, or publishing), and only for an open job page.
    refetchInterval: (query) => {
      const job = query.state.data?.job
      return job && (job.waiting || WAITING_STAGES.has(job.status)) ? WAITING_POLL_MS : false
    },
  })
}

const WAITING_STAGES: ReadonlySet<number> = new Set([0, 10, 20, 30, 60])
const WAITING_POLL_MS = 5_000

export function useStopJob() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (jobId: string) => client.stopJob({ jobId }),
    // The answer's job may predate a transition the live events already applied (a stop that lands
    // as the job finishes); writing it back would show "Stopping…" on a finished job. Only the flag
    // is taken from it, and the events move the status.
    onSuccess: ({ job }) =>
      queryClient.setQueryData<JobDetail>(queryKeys.jobs.detail(job.jobId), (d) =>
        d ? markStopRequested(d) : d,
      ),
  })
}
