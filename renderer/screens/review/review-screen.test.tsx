import { describe, expect, it } from 'vitest'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole, makeJob } from '../../test-support/fake-console-service'

const held = (jobId: string, isFree = true) =>
  makeJob(jobId, 60, {
    isFree,
    review: {
      windowSec: 86_400,
      state: 'held',
      heldAtMs: 1_700_000_000_000,
      deadlineMs: 1_700_086_400_000,
    },
  })

// Generous waits: these render the whole app, and CI machines are shared.
const SLOW = { timeout: 15_000 }

describe('ReviewScreen', () => {
  it('lists held jobs and shows the files, previews and guards of the first', async () => {
    renderApp('/review', createFakeConsole({ jobs: [held('job-held'), makeJob('job-done', 70)] }))
    const rows = within(await screen.findByRole('table', { name: 'Held jobs' }, SLOW)).getAllByRole('row')
    expect(rows).toHaveLength(2)
    const panel = await screen.findByRole('article', { name: 'Review of job job-held' }, SLOW)
    const checks = within(panel).getByRole('table', { name: 'Automated checks' })
    const leak = within(checks).getByText('Input lines in the outputs').closest('tr')!
    expect(within(leak).getByText('flag')).toBeTruthy()
    expect(within(leak).getByText('alice@example.com,1984-02-03,Berlin')).toBeTruthy()
    expect(within(panel).getByRole('article', { name: 'Output file summary.csv' }).textContent).toContain(
      'Berlin,12',
    )
    expect(within(panel).getByLabelText('Algorithm log preview').textContent).toContain('training...')
  }, 60_000)

  it('shows a held job whose algorithm failed as failed, with why', async () => {
    const failed = makeJob('job-failed', 41, {
      ...held('job-failed'),
      status: 41,
      outcome: { kind: 'failed', failureStatus: 41, reason: 'the algorithm exited with code 3' },
    })
    renderApp('/review', createFakeConsole({ jobs: [held('job-ok'), failed] }))
    const table = await screen.findByRole('table', { name: 'Held jobs' }, SLOW)
    const row = within(table).getByRole('button', { name: 'Review job job-failed' }).closest('tr')!
    expect(within(row).getByText('failed')).toBeTruthy()
    const ok = within(table).getByRole('button', { name: 'Review job job-ok' }).closest('tr')!
    expect(within(ok).getByText('succeeded')).toBeTruthy()
    await userEvent.click(within(row).getByRole('button', { name: 'Review job job-failed' }))
    const panel = await screen.findByRole('article', { name: 'Review of job job-failed' }, SLOW)
    expect(within(panel).getByRole('note').textContent).toContain('the algorithm exited with code 3')
  }, 60_000)

  it('releases after confirming, and rejects a paid job with a reason and the charge choice', async () => {
    const fake = createFakeConsole({ jobs: [held('job-a'), held('job-b', false)] })
    renderApp('/review', fake)
    const a = await screen.findByRole('article', { name: 'Review of job job-a' }, SLOW)
    await userEvent.click(within(a).getByRole('button', { name: 'Release to the consumer' }))
    await userEvent.click(await screen.findByRole('button', { name: 'Release' }, SLOW))
    expect(fake.calls.find((c) => c.method === 'releaseJob')?.input).toEqual({
      jobId: 'job-a',
      confirm: true,
    })

    const b = await screen.findByRole('article', { name: 'Review of job job-b' }, SLOW)
    await userEvent.type(within(b).getByLabelText('Reason for rejecting'), 'per-row output')
    await userEvent.click(within(b).getByLabelText('Charge for compute used'))
    await userEvent.click(within(b).getByRole('button', { name: 'Reject' }))
    expect(fake.calls.find((c) => c.method === 'rejectJob')?.input).toEqual({
      jobId: 'job-b',
      reason: 'per-row output',
      chargeForCompute: true,
    })
    expect(await screen.findByText(/No job is waiting for your review/, {}, SLOW)).toBeTruthy()
  }, 60_000)
})

describe('ReviewScreen: ids and badges', () => {
  const LONG_ID = '3f2a5c7e9b1d4f60a8c2e4b6d8f091c0'

  it("shows a job's id shortened in its row and its review's heading, the full id on hover and copy", async () => {
    renderApp('/review', createFakeConsole({ jobs: [held(LONG_ID)] }))
    const table = await screen.findByRole('table', { name: 'Held jobs' }, SLOW)
    const row = within(table)
      .getByRole('button', { name: `Review job ${LONG_ID}` })
      .closest('tr')!
    expect(row.textContent).toContain('3f2a5c…91c0')
    expect(row.textContent).not.toContain(LONG_ID)
    const panel = await screen.findByRole('article', { name: `Review of job ${LONG_ID}` }, SLOW)
    const heading = within(panel).getByRole('heading', { level: 3, name: 'Job 3f2a5c…91c0' })
    expect(heading.querySelector(`[title="${LONG_ID}"]`)).not.toBeNull()
    const copy = within(panel).getByRole('button', { name: `Copy job id ${LONG_ID}` })
    expect(heading.contains(copy)).toBe(false)
  }, 60_000)

  // jsdom lays nothing out, so this checks the property that keeps the badge whole: Mantine's Badge
  // clips its label (so counts as a dot in a squeezed column), which cut "succeeded" to "SUCCEE…".
  it('badges in the tables keep their full width as their minimum (never cut to "SUCCEE…")', async () => {
    renderApp('/review', createFakeConsole({ jobs: [held('job-held')] }))
    const table = await screen.findByRole('table', { name: 'Held jobs' }, SLOW)
    const run = within(table).getByText('succeeded')
    expect(run.className).toContain('mantine-Badge-label')
    expect(run.style.overflow).toBe('visible')
    const panel = await screen.findByRole('article', { name: 'Review of job job-held' }, SLOW)
    const checks = within(panel).getByRole('table', { name: 'Automated checks' })
    const guards = [...checks.querySelectorAll<HTMLElement>('.mantine-Badge-label')]
    expect(guards.length).toBeGreaterThan(0)
    for (const label of guards) expect(label.style.overflow).toBe('visible')
  }, 60_000)
})
