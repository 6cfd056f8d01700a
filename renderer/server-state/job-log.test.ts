// Live chunks on a windowed log: a chunk only marks the log as grown, and a burst of them is
// coalesced into one read in flight plus one after it (never a read per chunk).
import { describe, expect, it, vi } from 'vitest'
import { QueryClient } from '@tanstack/react-query'
import { applyLogEventToCache, type JobLogInfo } from './job-log'
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
