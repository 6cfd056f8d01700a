/**
 * A job's logs in the react-query cache, whole from the first byte: the first read walks the file
 * in 1 MiB ranges (readJobLog), then live onJobLog chunks are spliced on by byte position. A chunk
 * that does not start where the cache ends (a gap: chunks sent before the read answered, or
 * dropped) is never guessed at; the missing range is read again from `nextByte`.
 */
import { useEffect } from 'react'
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query'
import type { ConsoleClient, EventPayload, JobLogKind } from '../../engine/console-api/contract'
import { useConsoleClient } from '../console-client/console-client-context'
import { queryKeys } from './query-keys'

export interface JobLogState {
  /**
   * The text in file order, as read and as it arrived. Kept as parts, never joined: one string of
   * 50 MB plus a chunk is flattened (copied whole) on its next read, 35 ms a chunk (bench console-ui).
   */
  chunks: readonly string[]
  /** Bytes of the file the text covers (0..nextByte). */
  nextByte: number
  isRunning: boolean
  isAvailable: boolean
}

const READ_BYTES = 1_048_576
/** A log beyond this is shown from its first 256 MiB (the output limit); the download has it all. */
const MAX_LOG_BYTES = 256 * 1_048_576

/** Pure: splice a live chunk onto the cached log. `gap` asks the caller to read from nextByte. */
export function applyLogChunk(
  state: JobLogState,
  event: EventPayload<'onJobLog'>,
): { state: JobLogState; gap: boolean } {
  if (event.offsetBytes === undefined || event.nextByte === undefined)
    return { state: { ...state, chunks: [...state.chunks, event.chunk], isAvailable: true }, gap: false }
  if (event.nextByte <= state.nextByte) return { state, gap: false } // already read
  if (event.offsetBytes !== state.nextByte) return { state, gap: true }
  return {
    state: { ...state, chunks: [...state.chunks, event.chunk], nextByte: event.nextByte, isAvailable: true },
    gap: false,
  }
}

async function readFrom(
  client: ConsoleClient,
  jobId: string,
  log: JobLogKind,
  start: JobLogState,
): Promise<JobLogState> {
  let state = start
  for (;;) {
    const part = await client.readJobLog({ jobId, log, fromByte: state.nextByte, maxBytes: READ_BYTES })
    state = {
      chunks: part.text ? [...state.chunks, part.text] : state.chunks,
      nextByte: part.nextByte,
      isRunning: part.isRunning,
      isAvailable: state.isAvailable || part.isAvailable,
    }
    if (part.nextByte <= part.fromByte || part.nextByte >= part.sizeBytes || part.nextByte >= MAX_LOG_BYTES)
      return state
  }
}

const catchingUp = new WeakMap<QueryClient, Set<string>>()

/** Reads what the cache lacks after a gap (one read at a time per log). */
export async function catchUpJobLog(
  queryClient: QueryClient,
  client: ConsoleClient,
  jobId: string,
  log: JobLogKind = 'algorithm',
): Promise<void> {
  const key = queryKeys.jobs.log(jobId, log)
  const busy = catchingUp.get(queryClient) ?? new Set<string>()
  catchingUp.set(queryClient, busy)
  const id = `${jobId}:${log}`
  const cached = queryClient.getQueryData<JobLogState>(key)
  if (!cached || busy.has(id)) return
  busy.add(id)
  try {
    const read = await readFrom(client, jobId, log, cached)
    // Chunks that landed while reading are already in `read` (they are in the file) or later.
    queryClient.setQueryData<JobLogState>(key, (now) => (now && now.nextByte > read.nextByte ? now : read))
  } finally {
    busy.delete(id)
  }
}

export function applyLogEventToCache(
  queryClient: QueryClient,
  client: ConsoleClient,
  event: EventPayload<'onJobLog'>,
): void {
  const key = queryKeys.jobs.log(event.jobId, 'algorithm')
  const cached = queryClient.getQueryData<JobLogState>(key)
  if (!cached) return
  const { state, gap } = applyLogChunk(cached, event)
  if (state !== cached) queryClient.setQueryData(key, state)
  if (gap) void catchUpJobLog(queryClient, client, event.jobId)
}

/**
 * One log of a job, whole. `jobStatus` changing (e.g. the job finished) reads whatever was written
 * after the last chunk, so the final lines are never lost between a read and a chunk.
 */
export function useJobLogText(jobId: string, log: JobLogKind, jobStatus: number | undefined) {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  const query = useQuery({
    queryKey: queryKeys.jobs.log(jobId, log),
    queryFn: () =>
      readFrom(client, jobId, log, { chunks: [], nextByte: 0, isRunning: false, isAvailable: false }),
    staleTime: Infinity,
  })
  const hasData = query.data !== undefined
  useEffect(() => {
    if (hasData && jobStatus !== undefined) void catchUpJobLog(queryClient, client, jobId, log)
  }, [jobStatus, hasData, queryClient, client, jobId, log])
  return query
}
