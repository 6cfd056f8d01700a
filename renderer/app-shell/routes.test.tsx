// Routes: deep links open the right page, Back returns to the previous one, and focus lands on the
// new page's heading.
import { describe, expect, it } from 'vitest'
import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../test-support/render-app'
import { createFakeConsole, makeJob } from '../test-support/fake-console-service'

describe('routes', () => {
  it('opens a job from its deep link', async () => {
    renderApp('/jobs/job-deep', createFakeConsole({ jobs: [makeJob('job-deep', 40)] }))
    expect(await screen.findByRole('heading', { name: 'Job job-deep' })).toBeTruthy()
    expect(screen.getByRole('link', { name: 'Jobs' }).getAttribute('aria-current')).toBe('page')
  })

  it('navigates by the sidebar, moves focus to the heading, and Back returns', async () => {
    const { history } = renderApp('overview')
    await userEvent.click(await screen.findByRole('link', { name: 'Jobs' }))
    const heading = await screen.findByRole('heading', { name: 'Jobs', level: 2 })
    await waitFor(() => expect(document.activeElement).toBe(heading))
    expect(history.location.pathname).toBe('/jobs')
    history.back()
    await waitFor(() => expect(history.location.pathname).toBe('/'))
    expect(screen.getByRole('link', { name: 'Overview' }).getAttribute('aria-current')).toBe('page')
  })

  it('leaves an open job for the Jobs list when Jobs is clicked in the sidebar', async () => {
    const { history } = renderApp('/jobs/job-a', createFakeConsole({ jobs: [makeJob('job-a', 70)] }))
    await screen.findByRole('heading', { name: 'Job job-a' })
    await userEvent.click(screen.getByRole('link', { name: 'Jobs' }))
    await waitFor(() => expect(history.location.pathname).toBe('/jobs'))
    expect(await screen.findByRole('heading', { name: 'Jobs', level: 2 })).toBeTruthy()
  })
})
