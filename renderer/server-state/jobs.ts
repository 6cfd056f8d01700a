// Job queries and commands. Lists and details are kept fresh by live events, not by polling.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { JobFilterInput } from '../../engine/console-api/contract'
import { useConsoleClient } from '../console-client/console-client-context'
import { queryKeys } from './query-keys'

export function useJobList(filters: JobFilterInput) {
  const client = useConsoleClient()
  return useQuery({
    queryKey: queryKeys.jobs.list(filters),
    queryFn: () => client.listJobs(filters),
    staleTime: Infinity,
  })
}

export function useJob(jobId: string) {
  const client = useConsoleClient()
  return useQuery({
    queryKey: queryKeys.jobs.detail(jobId),
    queryFn: () => client.getJob({ jobId }),
    staleTime: Infinity,
  })
}

export function useJobLog(jobId: string) {
  const client = useConsoleClient()
  return useQuery({
    queryKey: queryKeys.jobs.log(jobId),
    queryFn: () => client.getJobLogTail({ jobId }),
    staleTime: Infinity,
  })
}

export function useStopJob() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (jobId: string) => client.stopJob({ jobId }),
    onSuccess: ({ job }) =>
      queryClient.setQueryData(queryKeys.jobs.detail(job.jobId), (d: { events: unknown[] } | undefined) =>
        d ? { ...d, job } : d,
      ),
  })
}

export function useReadResult() {
  const client = useConsoleClient()
  return useMutation({ mutationFn: (input: { jobId: string; index: number }) => client.readResult(input) })
}
