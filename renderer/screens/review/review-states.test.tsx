// Load states of output review (loading, console unreachable, contract error) for the list and for
// the held job's outputs, and its empty state; data and release/reject confirmations are in
// review-screen.test.tsx.
import { describe, expect, it } from 'vitest'
import { screen } from '@testing-library/react'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole, makeJob } from '../../test-support/fake-console-service'
import { itRendersLoadStates } from '../../test-support/screen-states'

const held = () =>
  createFakeConsole({
    jobs: [
      makeJob('job-held', 60, {
        review: {
          windowSec: 86_400,
          state: 'held',
          heldAtMs: 1_700_000_000_000,
          deadlineMs: 1_700_086_400_000,
        },
      }),
    ],
  })

describe('Review states: held jobs', () => {
  itRendersLoadStates({
    path: '/review',
    heading: 'Output review',
    methods: ['listReviews'],
    loading: /Loading held jobs…/,
    errorTitle: 'Could not load held jobs',
    dataText: /job-held/,
    seed: held,
  })

  it('empty: says nothing is held and how to hold outputs', { timeout: 20_000 }, async () => {
    renderApp('/review', createFakeConsole({ jobs: [makeJob('job-1', 70)] }))
    const empty = await screen.findByRole('region', { name: 'Nothing to review' }, { timeout: 5000 })
    expect(empty.textContent).toMatch(/Set a dataset's output release to publisher review/)
  })
})

describe("Review states: a held job's outputs", () => {
  itRendersLoadStates({
    path: '/review',
    heading: 'Output review',
    methods: ['getReview'],
    asks: ['listReviews'],
    loading: /Checking the outputs of job job-held…/,
    errorTitle: 'Could not open the review',
    dataText: /summary\.csv/,
    seed: held,
  })
})
