// Live chunks on a windowed log: a chunk only marks the log as grown, and a burst of them is
// coalesced into one read in flight plus one after it (never a read per chunk). A search batch
// brings the page of its first match with it.
import { describe, expect, it, vi } from 'vitest'
import { QueryClient } from '@tanstack/react-query'
import { createFakeConsole, makeJob } from '../test-support/fake-console-service'
import { applyLogEventToCache, jobLogSearchQuery, LOG_PAGE_LINES, type JobLogInfo } from './job-log'
import { queryKeys } from './query-keys'

function clientWithInfo(info: JobLogInfo) {
  const queryClient = new QueryClient()
  let reads = 0
  let release: () => void = () => {}
  const queryFn = async () => {
    reads++
    await new Promise<void>((resolve) => (release = resolve))
    return info
  }
  queryClient.setQueryData(queryKeys.jobs.log('job-1', 'algorithm'), info)
  queryClient
    .getQueryCache()
    .find({ queryKey: queryKeys.jobs.log('job-1', 'algorithm') })!
    .setOptions({
      queryKey: queryKeys.jobs.log('job-1', 'algorithm'),
      queryFn,
    })
  return { queryClient, reads: () => reads, release: () => release() }
}

const info: JobLogInfo = { lineCount: 3, sizeBytes: 30, hasTimes: false, isRunning: true, isAvailable: true }
const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('applyLogEventToCache', () => {
  it('ignores chunks for a log no viewer reads, and chunks the counts already cover', async () => {
    const { queryClient, reads } = clientWithInfo(info)
    applyLogEventToCache(queryClient, { jobId: 'other', chunk: 'x\n', offsetBytes: 0, nextByte: 2 })
    applyLogEventToCache(queryClient, { jobId: 'job-1', chunk: 'x\n', offsetBytes: 20, nextByte: 30 })
    await settle()
    expect(reads()).toBe(0)
  })

  it('coalesces a burst of chunks into one read in flight and one after it', async () => {
    const { queryClient, reads, release } = clientWithInfo(info)
    for (let i = 0; i < 50; i++)
      applyLogEventToCache(queryClient, {
        jobId: 'job-1',
        chunk: 'x\n',
        offsetBytes: 30 + 2 * i,
        nextByte: 32 + 2 * i,
      })
    await settle()
    expect(reads()).toBe(1)
    release()
    await vi.waitFor(() => expect(reads()).toBe(2))
    release()
    await settle()
    expect(reads()).toBe(2)
  })
})

describe('jobLogSearchQuery', () => {
  const lines = Array.from({ length: 4 * LOG_PAGE_LINES }, (_, i) => (i === 1234 ? 'the Needle' : `row ${i}`))
  const fake = () =>
    createFakeConsole({ jobs: [makeJob('job-1', 70)], logs: { 'job-1:algorithm': lines.join('\n') + '\n' } })
  const pagesRead = (calls: Array<{ method: string; input: unknown }>) =>
    calls.filter((c) => c.method === 'readJobLogLines').map((c) => (c.input as { fromLine: number }).fromLine)

  it("answers with the first match's page of lines already in the cache", async () => {
    const console = fake()
    const queryClient = new QueryClient()
    const logInfo = {
      lineCount: lines.length,
      sizeBytes: 1,
      hasTimes: false,
      isRunning: false,
      isAvailable: true,
    }
    queryClient.setQueryData(queryKeys.jobs.log('job-1', 'algorithm'), logInfo)
    const found = await queryClient.fetchInfiniteQuery(
      jobLogSearchQuery(console.client, queryClient, 'job-1', 'algorithm', 'needle'),
    )
    expect(found.pages[0]!.matches).toEqual([{ line: 1234, column: 4 }])
    expect(pagesRead(console.calls)).toEqual([1000])
    const page = queryClient.getQueryData<{ lines: string[] }>([
      ...queryKeys.jobs.log('job-1', 'algorithm'),
      'page',
      2,
      'whole',
    ])
    expect(page?.lines[1234 - 1000]).toBe('the Needle')
  })

  it('reads no page when nothing matches, or before the viewer has the counts', async () => {
    const console = fake()
    const queryClient = new QueryClient()
    await queryClient.fetchInfiniteQuery(
      jobLogSearchQuery(console.client, queryClient, 'job-1', 'algorithm', 'needle'),
    )
    queryClient.setQueryData(queryKeys.jobs.log('job-1', 'algorithm'), {
      lineCount: lines.length,
      sizeBytes: 1,
      hasTimes: false,
      isRunning: false,
      isAvailable: true,
    })
    await queryClient.fetchInfiniteQuery(
      jobLogSearchQuery(console.client, queryClient, 'job-1', 'algorithm', 'absent'),
    )
    expect(pagesRead(console.calls)).toEqual([])
  })
})
