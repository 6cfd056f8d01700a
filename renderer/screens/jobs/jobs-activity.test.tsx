import { describe, it, expect } from 'vitest'
import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole, makeAsset, makeJob } from '../../test-support/fake-console-service'
import {
  notificationForJobChange,
  notificationForProviderRequest,
} from '../../server-state/job-notifications'

const DATASET = 'did:op:' + 'a'.repeat(64)

describe('notifications', () => {
  it('tell a finished, failed or stopped job apart, and only once it ends', () => {
    const failed = { ...makeJob('job-f', 70), outcome: { kind: 'failed' as const, reason: 'exit code 1' } }
    expect(notificationForJobChange({ seq: 1, job: failed, from: 71, to: 70, cause: 'x' })).toMatchObject({
      title: 'Job failed',
      message: 'Job job-f failed: exit code 1.',
      color: 'red',
    })
    const paid = {
      ...makeJob('job-p', 70),
      payment: { chainId: 1, token: '0x', costWei: '1', claimTx: '0x1' },
    }
    expect(notificationForJobChange({ seq: 2, job: paid, from: 71, to: 70, cause: 'x' })?.title).toBe(
      'Job finished, payment claimed',
    )
    expect(
      notificationForJobChange({ seq: 3, job: makeJob('job-r', 40), from: 30, to: 40, cause: 'x' }),
    ).toBeNull()
  })

  it('tell a refused consumer, not an ordinary error', () => {
    const at = { method: 'POST', path: '/api/services/compute', status: 403, elapsedMs: 3, atMs: 1 }
    expect(notificationForProviderRequest({ ...at, errorCode: 'ALGORITHM_NOT_TRUSTED' })?.title).toBe(
      'A consumer was refused',
    )
    expect(notificationForProviderRequest({ ...at, status: 400, errorCode: 'REQUEST_INVALID' })).toBeNull()
    expect(notificationForProviderRequest({ ...at, status: 200 })).toBeNull()
  })

  it('show in the app when a job fails', async () => {
    const fake = createFakeConsole({ jobs: [makeJob('job-x', 40)] })
    renderApp('jobs', fake)
    await screen.findByRole('link', { name: 'Open job job-x' }, { timeout: 5000 })
    act(() =>
      fake.emit('onDidChangeJob', {
        seq: 500,
        job: { ...makeJob('job-x', 70), outcome: { kind: 'failed', reason: 'out of memory' } },
        from: 71,
        to: 70,
        cause: 'settled',
      }),
    )
    expect(await screen.findByText('Job job-x failed: out of memory.')).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Dismiss notification' })).toBeTruthy()
  })
})

describe('Jobs screen tabs', () => {
  it('sums earnings and orders per asset and period in token units, with a total per period', async () => {
    const token = '0x' + '3'.repeat(40)
    const row = {
      periodStartMs: Date.UTC(2026, 2, 1),
      token,
      claimedWei: '1350000000000000000',
      claimedJobs: 2,
      lockedWei: '0',
      lockedJobs: 0,
      orders: 2,
    }
    const fake = createFakeConsole({
      assets: [
        makeAsset({
          did: DATASET,
          name: 'Weather stations',
          nftAddress: '0x' + '1'.repeat(40),
          datatokenAddress: '0x' + '2'.repeat(40),
        }),
      ],
      earnings: [
        { ...row, datasetDid: DATASET },
        {
          ...row,
          datasetDid: 'did:op:' + 'f'.repeat(64),
          claimedWei: '650000000000000000',
          claimedJobs: 1,
          orders: 1,
        },
        { ...row, datasetDid: DATASET, token: null, claimedWei: '0', claimedJobs: 0, orders: 4 },
      ],
    })
    renderApp('jobs', fake)
    await userEvent.click(await screen.findByRole('tab', { name: 'Earnings' }))
    const table = await screen.findByRole('table', { name: 'Earnings per asset and period' })
    expect(within(table).getAllByText('Weather stations').length).toBe(2)
    expect(within(table).getByText(/1\.35 \w+/)).toBeTruthy()
    // The period's total over both assets: 1.35 + 0.65 = 2, 3 jobs, 3 orders; the free jobs apart.
    const totals = [...table.querySelectorAll('tfoot tr')] as HTMLElement[]
    expect(totals).toHaveLength(2)
    const paid = totals.find((t) => t.textContent?.includes('All assets'))!
    await waitFor(() => expect(paid.textContent).toMatch(/2 \w+ \(3 jobs\).*3$/))
    const free = totals.find((t) => t.textContent?.includes('Free jobs'))!
    expect(free.textContent).toMatch(/4$/)
    await userEvent.click(screen.getByRole('radio', { name: 'Week' }))
    expect(fake.calls.some((c) => JSON.stringify(c.input) === '{"period":"week"}')).toBe(true)
  }, 15_000)

  it('lists refused untrusted algorithms from the engine, so a reload keeps them', async () => {
    const fake = createFakeConsole({
      accessRequests: [
        {
          id: 'r1',
          datasetDid: DATASET,
          serviceId: 'compute',
          algorithmKey: 'k',
          algorithmDid: 'did:op:' + 'e'.repeat(64),
          container: {},
          containerChecksum: 'c',
          filesChecksum: null,
          reason: 'algorithm not in publisherTrustedAlgorithms',
          status: 'pending',
          denyReason: null,
          approvedTx: null,
          onChain: null,
          createdAtMs: 1,
          updatedAtMs: 2,
          consumers: [{ consumer: '0x' + '9'.repeat(40), attempts: 3, lastAtMs: 2 }],
          policies: [],
        },
      ],
    })
    renderApp('jobs', fake)
    await userEvent.click(await screen.findByRole('tab', { name: 'Refused requests' }))
    const table = await screen.findByRole('table', { name: 'Refused requests' })
    expect(within(table).getByText('algorithm not in publisherTrustedAlgorithms')).toBeTruthy()
    expect(within(table).getByText(/\(3×\)/)).toBeTruthy()
  }, 15_000)

  it('shows a refused raw code by its hash, shortened like every id, whole on hover and copy', async () => {
    const hash = 'ab12cd' + '0'.repeat(54) + '9f3e'
    const fake = createFakeConsole({
      accessRequests: [
        {
          id: 'r2',
          datasetDid: DATASET,
          serviceId: 'compute',
          algorithmKey: 'raw',
          rawCodeHash: hash,
          container: {},
          containerChecksum: 'c',
          filesChecksum: null,
          reason: 'raw code not allowed',
          status: 'pending',
          denyReason: null,
          approvedTx: null,
          onChain: null,
          createdAtMs: 1,
          updatedAtMs: 2,
          consumers: [{ consumer: '0x' + '9'.repeat(40), attempts: 1, lastAtMs: 2 }],
          policies: [],
        },
      ],
    })
    renderApp('jobs', fake)
    await userEvent.click(await screen.findByRole('tab', { name: 'Refused requests' }))
    const table = await screen.findByRole('table', { name: 'Refused requests' })
    expect(within(table).getByTitle(hash).textContent).toBe('ab12cd…9f3e')
    expect(within(table).getByRole('button', { name: `Copy raw code hash ${hash}` })).toBeTruthy()
  }, 15_000)
})
