// Load states of the Jobs list, a job's page and the Earnings and Refused tabs (loading, console
// unreachable, contract error); their empty and data states are in jobs-screen, job-page and
// jobs-activity tests, and below where those have none.
import { describe, expect, it } from 'vitest'
import { screen } from '@testing-library/react'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole, makeAccessRequest, makeJob } from '../../test-support/fake-console-service'
import { itRendersLoadStates } from '../../test-support/screen-states'

const T = { timeout: 5000 }
const OCEAN = '0x' + '0c'.repeat(20)

describe('Jobs list states', () => {
  itRendersLoadStates({
    path: '/jobs',
    heading: 'Jobs',
    methods: ['listJobs'],
    loading: /Loading jobs…/,
    errorTitle: 'Could not load jobs',
    dataText: /job-2/,
  })
})

describe('Job page states', () => {
  itRendersLoadStates({
    path: '/jobs/job-1',
    heading: 'Job job-1',
    methods: ['getJob'],
    loading: /Loading job…/,
    errorTitle: 'Could not load the job',
    dataText: /Stop job|Stopping…/,
  })

  it(
    'a job that is not in the console: its heading, and what to do in words',
    { timeout: 20_000 },
    async () => {
      renderApp('/jobs/job-gone')
      await screen.findByRole('heading', { level: 2, name: 'Job job-gone' }, T)
      const title = await screen.findByText('Could not load the job', {}, T)
      const alert = title.closest('[role="alert"]')!
      expect(alert.textContent).toContain('No job with id job-gone.')
      expect(alert.textContent).toContain('The job may have been deleted; go back to the job list.')
      expect(screen.queryByRole('button', { name: 'Stop job' })).toBeNull()
    },
  )
})

describe('Earnings tab states', () => {
  const seed = () =>
    createFakeConsole({
      earnings: [
        {
          periodStartMs: Date.UTC(2026, 10, 1),
          datasetDid: 'did:op:' + 'a'.repeat(64),
          token: OCEAN,
          claimedWei: '1350000000000000000',
          claimedJobs: 1,
          lockedWei: '0',
          lockedJobs: 0,
          orders: 2,
        },
      ],
    })
  itRendersLoadStates({
    path: '/jobs?tab=earnings',
    heading: 'Jobs',
    methods: ['getEarnings'],
    loading: /Adding up earnings…/,
    errorTitle: 'Could not add up earnings',
    dataText: /1\.35 OCEAN/,
    seed,
  })

  it('empty: says there are no earnings yet', { timeout: 20_000 }, async () => {
    renderApp('/jobs?tab=earnings')
    expect(await screen.findByRole('heading', { level: 3, name: 'No earnings yet' }, T)).toBeTruthy()
    expect(screen.queryByText(/OCEAN/)).toBeNull()
  })
})

describe('Refused requests tab states', () => {
  itRendersLoadStates({
    path: '/jobs?tab=refused',
    heading: 'Jobs',
    methods: ['listAccessRequests'],
    loading: /Loading refused requests…/,
    errorTitle: 'Could not load refused requests',
    dataText: /Algorithm is not trusted by this dataset/,
    seed: () => createFakeConsole({ accessRequests: [makeAccessRequest()] }),
  })

  it('empty: says nobody has been refused', { timeout: 20_000 }, async () => {
    renderApp('/jobs?tab=refused', createFakeConsole({ jobs: [makeJob('job-1', 70)] }))
    expect(await screen.findByRole('heading', { level: 3, name: 'No refused requests' }, T)).toBeTruthy()
  })
})
