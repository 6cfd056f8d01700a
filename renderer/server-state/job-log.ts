/**
 * A job's logs in the react-query cache, by window: the engine keeps a line index per log file
 * (readJobLogLines), so the renderer holds the counts plus the pages of lines around the viewport,
 * never the whole log. Live onJobLog chunks only say "the file grew": the counts are read again
 * (coalesced: one read in flight, one more after it, 100 ms apart), and the page at the tail is keyed by the
 * file's size, so it is read again as it fills. Search runs on the engine (searchJobLog).
 */
import { useEffect } from 'react'
import {
  infiniteQueryOptions,
  useInfiniteQuery,
  useQueries,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query'
import type { ConsoleClient, EventPayload, JobLogKind, MethodOutput } from '../../engine/console-api/contract'
import { useConsoleClient } from '../console-client/console-client-context'
import { queryKeys } from './query-keys'

export type JobLogInfo = Omit<MethodOutput<'readJobLogLines'>, 'lines' | 'times' | 'fromLine'>
/** One page of a log: its lines and, for a log with recorded times, when each was received. */
type LogPage = Pick<MethodOutput<'readJobLogLines'>, 'lines' | 'times'>

/** Lines per page read; pages off screen leave the cache after PAGE_GC_MS. */
export const LOG_PAGE_LINES = 500
const PAGE_GC_MS = 15_000
/** Matches per search read; Next past the last one reads the next batch from the cursor. */
const SEARCH_BATCH = 200
/** The pause between two re-reads of a log's counts while chunks keep coming. */
const REFRESH_GAP_MS = 100

const refreshing = new WeakMap<QueryClient, Map<string, boolean>>()

/** Reads a log's counts again, coalescing bursts (200 chunks/s become ≤ 10 reads/s). */
export function refreshJobLogInfo(queryClient: QueryClient, jobId: string, log: JobLogKind): void {
  const busy = refreshing.get(queryClient) ?? new Map<string, boolean>()
  refreshing.set(queryClient, busy)
  const id = `${jobId}:${log}`
  if (busy.has(id)) {
    busy.set(id, true) // read once more after the one in flight
    return
  }
  busy.set(id, false)
  void (async () => {
    try {
      for (;;) {
        busy.set(id, false)
        await queryClient.refetchQueries(
          { queryKey: queryKeys.jobs.log(jobId, log), exact: true },
          { cancelRefetch: false },
        )
        if (!busy.get(id)) break
        // At most ~10 re-reads a second: each one re-lays out a virtual list of 500,000 rows.
        await new Promise((resolve) => setTimeout(resolve, REFRESH_GAP_MS))
      }
    } finally {
      busy.delete(id)
    }
  })()
}

export function applyLogEventToCache(queryClient: QueryClient, event: EventPayload<'onJobLog'>): void {
  const info = queryClient.getQueryData<JobLogInfo>(queryKeys.jobs.log(event.jobId, 'algorithm'))
  if (!info) return // no viewer on this log
  if (event.nextByte !== undefined && event.nextByte <= info.sizeBytes) return // already counted
  refreshJobLogInfo(queryClient, event.jobId, 'algorithm')
}

/**
 * A log's counts. `jobStatus` changing (e.g. the job finished) reads them again, so the final
 * lines are never lost between a read and a chunk.
 */
export function useJobLogInfo(jobId: string, log: JobLogKind, jobStatus: number | undefined) {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  const query = useQuery({
    queryKey: queryKeys.jobs.log(jobId, log),
    queryFn: async (): Promise<JobLogInfo> => {
      const {
        lines: _lines,
        times: _times,
        fromLine: _from,
        ...info
      } = await client.readJobLogLines({
        jobId,
        log,
        fromLine: 0,
        maxLines: 0,
      })
      return info
    },
    staleTime: Infinity,
  })
  const hasData = query.data !== undefined
  useEffect(() => {
    if (hasData && jobStatus !== undefined) refreshJobLogInfo(queryClient, jobId, log)
  }, [jobStatus, hasData, queryClient, jobId, log])
  return query
}

/** The page holding lines [page * LOG_PAGE_LINES, …): whole pages never change, the tail one does. */
function pageKey(jobId: string, log: JobLogKind, page: number, info: JobLogInfo) {
  const isWhole = (page + 1) * LOG_PAGE_LINES < info.lineCount
  return [...queryKeys.jobs.log(jobId, log), 'page', page, isWhole ? 'whole' : info.sizeBytes] as const
}

/** The query of one page of lines: what the viewer reads, and what a search prefetches. */
function logPageQuery(client: ConsoleClient, jobId: string, log: JobLogKind, page: number, info: JobLogInfo) {
  return {
    queryKey: pageKey(jobId, log, page, info),
    queryFn: async (): Promise<LogPage> => {
      const { lines, times } = await client.readJobLogLines({
        jobId,
        log,
        fromLine: page * LOG_PAGE_LINES,
        maxLines: LOG_PAGE_LINES,
      })
      return { lines, times }
    },
    staleTime: Infinity,
    gcTime: PAGE_GC_MS,
  }
}

/** The lines of pages covering [firstLine, lastLine]; `lineAt` answers undefined until read. */
export function useJobLogLines(
  jobId: string,
  log: JobLogKind,
  info: JobLogInfo | undefined,
  firstLine: number,
  lastLine: number,
): { lineAt: (line: number) => string | undefined; timeAt: (line: number) => number | null | undefined } {
  const client = useConsoleClient()
  const pages: number[] = []
  if (info && info.lineCount > 0) {
    const last = Math.min(lastLine, info.lineCount - 1)
    for (
      let p = Math.floor(Math.max(0, firstLine) / LOG_PAGE_LINES);
      p <= Math.floor(last / LOG_PAGE_LINES);
      p++
    )
      pages.push(p)
  }
  const results = useQueries({
    queries: pages.map((page) => ({
      ...logPageQuery(client, jobId, log, page, info!),
      // The tail page re-read as the log grows: keep showing what it had meanwhile (the same page
      // only; a slot that moved to another page must not show the old page's lines).
      placeholderData: (previous: LogPage | undefined, previousQuery?: { queryKey: readonly unknown[] }) =>
        previousQuery?.queryKey[5] === page ? previous : undefined,
    })),
  })
  const byPage = new Map<number, LogPage>()
  results.forEach((r, i) => r.data && byPage.set(pages[i]!, r.data))
  return {
    lineAt: (line) => byPage.get(Math.floor(line / LOG_PAGE_LINES))?.lines[line % LOG_PAGE_LINES],
    timeAt: (line) => byPage.get(Math.floor(line / LOG_PAGE_LINES))?.times?.[line % LOG_PAGE_LINES],
  }
}

/**
 * Engine-side search: match lines in file order, read in batches from the engine's cursor. A batch
 * answers once the page holding its first match is read too (the viewer jumps there next): the
 * match is shown with its text in the same render, not a round trip after the jump.
 */
export function jobLogSearchQuery(
  client: ConsoleClient,
  queryClient: QueryClient,
  jobId: string,
  log: JobLogKind,
  query: string,
) {
  return infiniteQueryOptions({
    queryKey: [...queryKeys.jobs.log(jobId, log), 'search', query] as const,
    queryFn: async ({ pageParam }) => {
      const found = await client.searchJobLog({ jobId, log, query, fromLine: pageParam, limit: SEARCH_BATCH })
      const first = found.matches[0]
      const info = queryClient.getQueryData<JobLogInfo>(queryKeys.jobs.log(jobId, log))
      // Only a line the viewer's counts already hold: a newer tail page would be keyed otherwise.
      if (first && info && first.line < info.lineCount)
        await queryClient.prefetchQuery(
          logPageQuery(client, jobId, log, Math.floor(first.line / LOG_PAGE_LINES), info),
        )
      return found
    },
    initialPageParam: 0,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: query.length > 0,
    staleTime: Infinity,
    gcTime: PAGE_GC_MS,
  })
}

export function useJobLogSearch(jobId: string, log: JobLogKind, query: string) {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useInfiniteQuery(jobLogSearchQuery(client, queryClient, jobId, log, query))
}
