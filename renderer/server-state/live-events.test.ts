import { QueryClient, QueryObserver } from '@tanstack/react-query'
import { describe, expect, it } from 'vitest'
import { makeJob } from '../test-support/fake-console-service'
import type { JobDetail } from './apply-job-event'
import { applyJobEventToCache } from './live-events'
import { queryKeys } from './query-keys'

const detail = (status: 30 | 40): JobDetail => ({ job: makeJob('j1', status), events: [] })

describe('applyJobEventToCache', () => {
  it('refetches a job page that is still loading when a transition arrives, so the page does not keep a stale status', async () => {
    const queryClient = new QueryClient()
    let calls = 0
    let answerFirst!: (d: JobDetail) => void
    const observer = new QueryObserver(queryClient, {
      queryKey: queryKeys.jobs.detail('j1'),
      queryFn: () =>
        ++calls === 1
          ? new Promise<JobDetail>((resolve) => (answerFirst = resolve))
          : Promise.resolve(detail(40)),
      staleTime: Infinity,
    })
    const unsubscribe = observer.subscribe(() => {})
    await new Promise((r) => setTimeout(r, 0))
    // The server answered (status 30) before the job moved on; the event for 40 arrives meanwhile.
    applyJobEventToCache(queryClient, {
      seq: 7,
      job: makeJob('j1', 40),
      from: 30,
      to: 40,
      cause: 'driver: algorithm-started',
    })
    answerFirst(detail(30))
    for (
      let i = 0;
      i < 50 && queryClient.getQueryData<JobDetail>(queryKeys.jobs.detail('j1'))?.job.status !== 40;
      i++
    )
      await new Promise((r) => setTimeout(r, 5))
    expect(queryClient.getQueryData<JobDetail>(queryKeys.jobs.detail('j1'))?.job.status).toBe(40)
    expect(calls).toBe(2)
    unsubscribe()
    queryClient.clear()
  })

  it('marks the earnings stale when a paying job changes, and leaves them alone for a free job without orders', () => {
    const queryClient = new QueryClient()
    queryClient.setQueryData(queryKeys.earnings.period('month'), { rows: [], totals: [] })
    const stale = () => queryClient.getQueryState(queryKeys.earnings.period('month'))?.isInvalidated
    applyJobEventToCache(queryClient, { seq: 1, job: makeJob('free', 70), from: 40, to: 70, cause: 'x' })
    expect(stale()).toBe(false)
    const paid = {
      ...makeJob('paid', 70),
      payment: { chainId: 8996, token: '0x' + '3'.repeat(40), costWei: '5', claimTx: '0x1' },
    }
    applyJobEventToCache(queryClient, { seq: 2, job: paid, from: 40, to: 70, cause: 'x' })
    expect(stale()).toBe(true)
    queryClient.clear()
  })
})
