import { describe, it, expect } from 'vitest'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole, makeJob } from '../../test-support/fake-console-service'

describe('OverviewScreen', () => {
  it('shows the provider URL with a copy button, chain, driver health and job counts', async () => {
    renderApp('overview')
    expect(await screen.findByTestId('provider-url')).toHaveProperty('textContent', 'http://127.0.0.1:8001')
    expect(screen.getByRole('button', { name: 'Copy provider URL' })).toBeTruthy()
    expect(screen.getByText('dev chain (8996)')).toBeTruthy()
    expect(screen.getByText('Local sandbox: needs attention')).toBeTruthy()
    const counts = screen.getByRole('list', { name: 'Job counts' })
    expect(within(counts).getByText('Running: 1')).toBeTruthy()
    expect(within(counts).getByText('Queued: 1')).toBeTruthy()
    expect(within(counts).getByText('Finished: 1')).toBeTruthy()
  })

  it('opens a recent job on the jobs screen', async () => {
    renderApp('overview', createFakeConsole({ jobs: [makeJob('job-abc', 70)] }))
    await userEvent.click(await screen.findByRole('button', { name: 'Job job-abc' }))
    expect(await screen.findByRole('heading', { name: 'Job job-abc' })).toBeTruthy()
  })

  it('explains a failure in words with the next step', async () => {
    const fake = createFakeConsole()
    fake.fail.getOverview = { code: 'UNAUTHORIZED', message: 'Missing or wrong console token.' }
    renderApp('overview', fake)
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Missing or wrong console token.')
    expect(alert.textContent).toContain('Open the Console URL printed')
  })
})
