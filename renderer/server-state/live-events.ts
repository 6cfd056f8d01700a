/**
 * Live events → react-query cache. One subscription per event for the whole app; the cache stays the
 * only source of server state, and job state is never polled (style.md §2.3).
 */
import { useEffect } from 'react'
import { useQueryClient, type QueryClient } from '@tanstack/react-query'
import type { ConsoleClient, JobChangeEvent, JobFilterInput } from '../../engine/console-api/contract'
import {
  applyJobEvent,
  applyJobEventToDetail,
  applyJobEventToPages,
  type JobDetail,
  type JobList,
  type JobPages,
} from './apply-job-event'
import { applyProviderRequest } from './provider-requests'
import { applyLogEventToCache } from './job-log'
import { applyPublishProgressToCache } from './publish-progress'
import { queryKeys } from './query-keys'

export function applyJobEventToCache(queryClient: QueryClient, event: JobChangeEvent): void {
  for (const [key, data] of queryClient.getQueriesData<JobList | JobPages>({
    queryKey: queryKeys.jobs.lists(),
  })) {
    const filters = (key[2] ?? {}) as JobFilterInput
    if (data && 'pages' in data) queryClient.setQueryData(key, applyJobEventToPages(data, event, filters))
    else if (data) queryClient.setQueryData(key, applyJobEvent(data, event, filters))
  }
  const detailKey = queryKeys.jobs.detail(event.job.jobId)
  if (queryClient.getQueryData<JobDetail>(detailKey)) {
    queryClient.setQueryData<JobDetail>(detailKey, (detail) =>
      detail ? applyJobEventToDetail(detail, event) : detail,
    )
  } else {
    const loading = queryClient.getQueryCache().find({ queryKey: detailKey, exact: true })
    if (loading?.state.fetchStatus === 'fetching') {
      // The job page is loading: its answer may predate this event. Fetch again once it has landed
      // (the request in flight cannot be cancelled), rather than drop the transition and leave the
      // page on a stale status.
      const stop = queryClient.getQueryCache().subscribe(({ query }) => {
        if (query !== loading || query.state.fetchStatus !== 'idle') return
        stop()
        void queryClient.invalidateQueries({ queryKey: detailKey, exact: true })
      })
    }
  }
  void queryClient.invalidateQueries({ queryKey: queryKeys.overview() })
  // Earnings sum escrow and orders: a job that pays or ordered may have changed them (a claim, a release).
  if (event.job.payment || event.job.datasets.some((d) => d.transferTxId))
    void queryClient.invalidateQueries({ queryKey: queryKeys.earnings.all() })
}

export function useLiveEvents(client: ConsoleClient): void {
  const queryClient = useQueryClient()
  useEffect(() => {
    const offJob = client.subscribe('onDidChangeJob', (event) => applyJobEventToCache(queryClient, event))
    const offLog = client.subscribe('onJobLog', (event) => applyLogEventToCache(queryClient, event))
    const offHealth = client.subscribe('onDidChangeClusterHealth', (health) =>
      queryClient.setQueryData(queryKeys.health(), health),
    )
    const offRequest = client.subscribe('onProviderRequest', (request) =>
      applyProviderRequest(queryClient, request),
    )
    const offProgress = client.subscribe('onPublishProgress', (event) =>
      applyPublishProgressToCache(queryClient, event),
    )
    // The desktop app's File menu (or another window) turned them on or off: the switch follows.
    const offNotifications = client.subscribe('onDidChangeNotificationSettings', (settings) =>
      queryClient.setQueryData(queryKeys.notificationSettings(), settings),
    )
    return () => {
      offNotifications()
      offProgress()
      offRequest()
      offJob()
      offLog()
      offHealth()
    }
  }, [client, queryClient])
}
