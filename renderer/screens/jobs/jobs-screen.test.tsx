import { describe, it, expect } from 'vitest'
import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole, makeAsset, makeJob } from '../../test-support/fake-console-service'

describe('JobsScreen', () => {
  it('renders thousands of jobs a page at a time through the virtual table (a window of rows in the DOM)', async () => {
    const jobs = Array.from({ length: 5000 }, (_, i) => makeJob(`job-${String(i).padStart(5, '0')}`, 70))
    const { fake } = renderApp('jobs', createFakeConsole({ jobs }))
    expect(
      await screen.findByText('Showing 50 of 5,000 jobs (more load as you scroll)', {}, { timeout: 5000 }),
    ).toBeTruthy()
    const table = screen.getByRole('table', { name: 'Jobs' })
    const rows = within(table).getAllByRole('row')
    expect(rows.length).toBeGreaterThan(2)
    expect(rows.length).toBeLessThan(100)
    const asked = fake.calls.filter((c) => c.method === 'listJobs').map((c) => c.input as { limit: number })
    // A screenful first (it shows sooner), then pages of 200 by cursor.
    expect(asked[0]!.limit).toBe(50)
    expect(asked.slice(1).every((input) => input.limit === 200)).toBe(true)
  }, 15_000)

  it('filters by status through the contract, with the count of each filter', async () => {
    const { fake } = renderApp('jobs')
    await screen.findByText('Showing 3 of 3 jobs', {}, { timeout: 5000 })
    expect(screen.getByRole('radio', { name: 'All (3)' })).toBeTruthy()
    await userEvent.click(screen.getByRole('radio', { name: /^Queued \(1\)/ }))
    expect(await screen.findByText('Showing 1 of 1 jobs')).toBeTruthy()
    expect(
      fake.calls.some((c) => c.method === 'listJobs' && JSON.stringify(c.input).includes('"statuses":[1]')),
    ).toBe(true)
  })

  it('filters failed and stopped apart, searches by substring and sorts by column', async () => {
    const done = (
      id: string,
      owner: string,
      kind: 'succeeded' | 'failed' | 'stopped',
      createdAtMs: number,
    ) => ({
      ...makeJob(id, 70),
      owner,
      createdAtMs,
      outcome: { kind },
    })
    const { fake } = renderApp(
      'jobs',
      createFakeConsole({
        jobs: [
          done('job-a', '0xaaaa000000000000000000000000000000000001', 'failed', 3),
          done('job-b', '0xbbbb000000000000000000000000000000000002', 'stopped', 2),
          done('job-c', '0xcccc000000000000000000000000000000000003', 'failed', 1),
        ],
      }),
    )
    await screen.findByText('Showing 3 of 3 jobs', {}, { timeout: 5000 })
    await userEvent.click(screen.getByRole('radio', { name: 'Failed (2)' }))
    expect(await screen.findByText('Showing 2 of 2 jobs')).toBeTruthy()
    expect(fake.calls.some((c) => JSON.stringify(c.input).includes('"outcome":"failed"'))).toBe(true)
    await userEvent.click(screen.getByRole('radio', { name: 'Stopped (1)' }))
    expect(await screen.findByText('Showing 1 of 1 jobs')).toBeTruthy()
    await userEvent.click(screen.getByRole('radio', { name: /^All/ }))
    await userEvent.type(screen.getByRole('textbox', { name: /Search/ }), 'CCCC0000')
    // The search goes to the server (debounced), which narrows the counts too.
    expect(await screen.findByRole('radio', { name: 'All (1)' }, { timeout: 5000 })).toBeTruthy()
    expect(await screen.findByRole('link', { name: 'Open job job-c' })).toBeTruthy()
    expect(screen.queryByRole('link', { name: 'Open job job-a' })).toBeNull()
    await waitFor(() =>
      expect(fake.calls.some((c) => JSON.stringify(c.input).includes('"search":"CCCC0000"'))).toBe(true),
    )
    await userEvent.clear(screen.getByRole('textbox', { name: /Search/ }))
    const openButtons = () =>
      within(screen.getByRole('table', { name: 'Jobs' }))
        .getAllByRole('link', { name: /^Open job / })
        .map((b) => b.getAttribute('aria-label'))
    await waitFor(() => expect(openButtons()).toEqual(['Open job job-a', 'Open job job-b', 'Open job job-c']))
    await userEvent.click(screen.getByRole('button', { name: /^Created/ }))
    await waitFor(() => expect(openButtons()).toEqual(['Open job job-c', 'Open job job-b', 'Open job job-a']))
    // The header asks the server (which sorts all jobs, not the loaded pages).
    expect(
      fake.calls.some((c) =>
        JSON.stringify(c.input).includes('"sort":{"column":"created","direction":"asc"}'),
      ),
    ).toBe(true)
    expect(screen.queryByRole('button', { name: /^Consumer/ })).toBeNull()

    // Typing and sorting through userEvent is slow on a shared 2-core machine; no time is asserted.
  }, 20_000)

  it('applies live job events to the table without refetching', async () => {
    const { fake } = renderApp('jobs', createFakeConsole({ jobs: [makeJob('job-live', 1)] }))
    await screen.findByText('Showing 1 of 1 jobs', {}, { timeout: 5000 })
    const listCalls = fake.calls.filter((c) => c.method === 'listJobs').length
    act(() =>
      fake.emit('onDidChangeJob', {
        seq: 200,
        job: makeJob('job-live', 40),
        from: 1,
        to: 40,
        cause: 'running',
      }),
    )
    expect(await screen.findByText('Running algorithm')).toBeTruthy()
    act(() =>
      fake.emit('onDidChangeJob', {
        seq: 150,
        job: makeJob('job-live', 1),
        from: null,
        to: 1,
        cause: 'stale',
      }),
    )
    expect(screen.getByText('Running algorithm')).toBeTruthy()
    expect(fake.calls.filter((c) => c.method === 'listJobs').length).toBe(listCalls)
  })

  it('opens a row through a real link (#/jobs/<id>) that the keyboard can follow', async () => {
    renderApp('jobs', createFakeConsole({ jobs: [makeJob('job-key', 40)] }))
    const link = await screen.findByRole('link', { name: 'Open job job-key' }, { timeout: 5000 })
    // The app runs on hash history ("#/jobs/job-key"); tests on memory history ("/jobs/job-key").
    expect(link.getAttribute('href')).toMatch(/^#?\/jobs\/job-key$/)
    link.focus()
    expect(document.activeElement).toBe(link)
    await userEvent.keyboard('{Enter}')
    expect(await screen.findByRole('heading', { name: 'Job job-key' }, { timeout: 5000 })).toBeTruthy()
  })

  it('names the dataset by its asset name, with the DID on hover and to copy', async () => {
    const did = 'did:op:' + 'a'.repeat(64)
    renderApp(
      'jobs',
      createFakeConsole({
        jobs: [makeJob('job-named', 40)],
        assets: [makeAsset({ did, name: 'Weather 2024' })],
      }),
    )
    const name = await screen.findByText('Weather 2024', {}, { timeout: 5000 })
    expect(name.getAttribute('title')).toBe(did)
    expect(screen.getByRole('button', { name: `Copy DID ${did}` })).toBeTruthy()
  })

  it('sorts by status on the server and pages on in that order', async () => {
    const jobs = Array.from({ length: 300 }, (_, i) => ({
      ...makeJob(`job-${String(i).padStart(3, '0')}`, i % 3 === 0 ? 1 : 40),
      createdAtMs: 1000 + i,
    }))
    const { fake } = renderApp('jobs', createFakeConsole({ jobs }))
    await screen.findByText(/^Showing 50 of 300 jobs/, {}, { timeout: 5000 })
    await userEvent.click(screen.getByRole('button', { name: /^Status/ }))
    // First click: descending (running 40 before queued 1), newest first within a status.
    await waitFor(() =>
      expect(
        within(screen.getByRole('table', { name: 'Jobs' }))
          .getAllByRole('link', { name: /^Open job / })[0]!
          .getAttribute('aria-label'),
      ).toBe('Open job job-299'),
    )
    const sorted = fake.calls.filter(
      (c) => c.method === 'listJobs' && JSON.stringify(c.input).includes('"column":"status"'),
    )
    expect(sorted.length).toBeGreaterThan(0)
    expect(JSON.stringify(sorted[0]!.input)).toContain('"direction":"desc"')
    expect(screen.getByRole('columnheader', { name: /^Status/ }).getAttribute('aria-sort')).toBe('descending')
    expect(screen.getByRole('columnheader', { name: /^Created/ }).getAttribute('aria-sort')).toBe('none')
  })

  it('keeps status, search and tab in the route, so a filter deep-links and survives reload', async () => {
    const failed = { ...makeJob('job-bad', 70), outcome: { kind: 'failed' as const } }
    const expired = { ...makeJob('job-old', 70), outcome: { kind: 'expired' as const } }
    const { fake, history } = renderApp(
      '/jobs?status=failed',
      createFakeConsole({ jobs: [failed, expired, makeJob('job-run', 40)] }),
    )
    expect(await screen.findByText('Showing 1 of 1 jobs', {}, { timeout: 5000 })).toBeTruthy()
    expect(screen.getByRole('radio', { name: 'Failed (1)' })).toHaveProperty('checked', true)
    expect(fake.calls.some((c) => JSON.stringify(c.input).includes('"outcome":"failed"'))).toBe(true)
    // Expired is a filter of its own, as on the Overview.
    await userEvent.click(screen.getByRole('radio', { name: 'Expired (1)' }))
    expect(await screen.findByRole('link', { name: 'Open job job-old' })).toBeTruthy()
    expect(history.location.search).toContain('status=expired')
    await userEvent.type(screen.getByRole('textbox', { name: /Search/ }), 'old')
    await waitFor(() => expect(history.location.search).toContain('q=old'), { timeout: 5000 })
    await userEvent.click(screen.getByRole('tab', { name: 'Earnings' }))
    expect(history.location.search).toContain('tab=earnings')
  }, 15_000)

  it('keeps the sort in the URL: a duration or asset-name sort deep-links, survives reload and Back', async () => {
    const jobs = [
      {
        ...makeJob('job-long', 70),
        datasets: [{ did: 'did:op:' + 'b'.repeat(64), serviceId: 'c' }],
        createdAtMs: 1,
        finishedAtMs: 9_001,
      },
      {
        ...makeJob('job-short', 70),
        datasets: [{ did: 'did:op:' + 'a'.repeat(64), serviceId: 'c' }],
        createdAtMs: 2,
        finishedAtMs: 1_002,
      },
    ]
    const assets = [
      makeAsset({ did: 'did:op:' + 'a'.repeat(64), name: 'Zebra data' }),
      makeAsset({ did: 'did:op:' + 'b'.repeat(64), name: 'apple data' }),
    ]
    const firstJob = () =>
      within(screen.getByRole('table', { name: 'Jobs' }))
        .getAllByRole('link', { name: /^Open job / })[0]!
        .getAttribute('aria-label')
    const { fake, history } = renderApp('/jobs?sort=duration&dir=asc', createFakeConsole({ jobs, assets }))
    // From the URL: shortest first, asked of the server.
    await waitFor(() => expect(firstJob()).toBe('Open job job-short'), { timeout: 5000 })
    expect(screen.getByRole('columnheader', { name: /^Duration/ }).getAttribute('aria-sort')).toBe(
      'ascending',
    )
    expect(
      fake.calls.some((c) =>
        JSON.stringify(c.input).includes('"sort":{"column":"duration","direction":"asc"}'),
      ),
    ).toBe(true)
    // The Dataset header sorts by asset name (newest-first default: descending, Zebra first) into the URL.
    await userEvent.click(screen.getByRole('button', { name: /^Dataset/ }))
    await waitFor(() => expect(history.location.search).toContain('sort=assetName'))
    expect(history.location.search).toContain('dir=desc')
    await waitFor(() => expect(firstJob()).toBe('Open job job-short'))
    await userEvent.click(screen.getByRole('button', { name: /^Dataset/ }))
    await waitFor(() => expect(history.location.search).toContain('dir=asc'))
    await waitFor(() => expect(firstJob()).toBe('Open job job-long'))
    // Open a job and go Back: the list comes back sorted as it was.
    await userEvent.click(screen.getByRole('link', { name: 'Open job job-short' }))
    await waitFor(() => expect(history.location.pathname).toBe('/jobs/job-short'))
    act(() => history.back())
    await waitFor(() => expect(history.location.search).toContain('sort=assetName'))
    await waitFor(() => expect(firstJob()).toBe('Open job job-long'))
    expect(screen.getByRole('columnheader', { name: /^Dataset/ }).getAttribute('aria-sort')).toBe('ascending')
  }, 20_000)

  it('drops an unknown sort from the URL and writes none for the default', async () => {
    const { history } = renderApp(
      '/jobs?sort=owner&dir=sideways',
      createFakeConsole({ jobs: [makeJob('job-a', 40)] }),
    )
    expect(await screen.findByRole('link', { name: 'Open job job-a' }, { timeout: 5000 })).toBeTruthy()
    expect(screen.getByRole('columnheader', { name: /^Created/ }).getAttribute('aria-sort')).toBe(
      'descending',
    )
    await userEvent.click(screen.getByRole('button', { name: /^Created/ }))
    await waitFor(() => expect(history.location.search).toContain('sort=created&dir=asc'))
    await userEvent.click(screen.getByRole('button', { name: /^Created/ }))
    await waitFor(() => expect(history.location.search).not.toContain('sort='))
  })

  it('opens with the search from the URL and drops unknown params', async () => {
    renderApp(
      '/jobs?status=bogus&q=job-b',
      createFakeConsole({ jobs: [makeJob('job-a', 40), makeJob('job-b', 40)] }),
    )
    expect(await screen.findByRole('link', { name: 'Open job job-b' }, { timeout: 5000 })).toBeTruthy()
    expect(screen.queryByRole('link', { name: 'Open job job-a' })).toBeNull()
    expect(screen.getByRole('textbox', { name: /Search/ })).toHaveProperty('value', 'job-b')
    expect(screen.getByRole('radio', { name: /^All/ })).toHaveProperty('checked', true)
  })

  it('shows an empty state that teaches', async () => {
    renderApp('jobs', createFakeConsole({ jobs: [] }))
    expect(await screen.findByRole('region', { name: 'No jobs' }, { timeout: 5000 })).toBeTruthy()
  })

  it('opens a job page with timeline, log, results and a working Stop button', async () => {
    const { fake } = renderApp(
      'jobs',
      createFakeConsole({ jobs: [makeJob('job-run', 40), makeJob('job-done', 70)] }),
    )
    await userEvent.click(await screen.findByRole('link', { name: 'Open job job-run' }))
    expect(await screen.findByRole('heading', { name: 'Job job-run' }, { timeout: 5000 })).toBeTruthy()
    const timeline = await screen.findByRole('list', { name: 'Stage timeline' })
    expect(within(timeline).getAllByRole('listitem')).toHaveLength(2)
    // The windowed viewer shows a placeholder per line until its window of lines has been read.
    const log = await screen.findByRole('log', { name: 'Algorithm log' })
    await waitFor(() => expect(log.textContent).toContain('log of job-run'))
    act(() => fake.emit('onJobLog', { jobId: 'job-run', chunk: 'epoch 2\n' }))
    await waitFor(() =>
      expect(screen.getByRole('log', { name: 'Algorithm log' }).textContent).toContain('epoch 2'),
    )
    await userEvent.click(screen.getByRole('button', { name: 'Stop job' }))
    // Stop asks first; Cancel changes nothing.
    const dialog = await screen.findByRole('dialog', { name: 'Stop this job?' })
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(fake.calls.some((c) => c.method === 'stopJob')).toBe(false)
    await userEvent.click(screen.getByRole('button', { name: 'Stop job' }))
    await userEvent.click(
      within(await screen.findByRole('dialog', { name: 'Stop this job?' })).getByRole('button', {
        name: 'Stop the job',
      }),
    )
    expect(await screen.findByRole('button', { name: 'Stopping…' })).toHaveProperty('disabled', true)
    expect(fake.calls.some((c) => c.method === 'stopJob')).toBe(true)
    await userEvent.click(screen.getByRole('button', { name: 'Back to jobs' }))
    await userEvent.click(await screen.findByRole('link', { name: 'Open job job-done' }))
    expect(await screen.findByRole('button', { name: 'Download out.txt' })).toBeTruthy()
    expect(screen.getByText(/out\.txt \(2\.0 KB, output\)/)).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Stop job' })).toHaveProperty('disabled', true)
  }, 15_000)

  it('tells succeeded, failed and stopped apart, and never shows Stopping… on a finished job', async () => {
    const done = (id: string, kind: 'succeeded' | 'failed' | 'stopped') => ({
      ...makeJob(id, 70),
      outcome: { kind },
      stopRequested: kind === 'stopped',
    })
    renderApp(
      '/jobs/job-stopped',
      createFakeConsole({
        jobs: [done('job-ok', 'succeeded'), done('job-bad', 'failed'), done('job-stopped', 'stopped')],
      }),
    )
    await screen.findByRole('button', { name: 'Stop job' })
    const article = screen.getByRole('article')
    expect(article.querySelector('[data-status]')?.textContent).toBe('Stopped')
    expect(within(article).getByRole('button', { name: 'Stop job' })).toHaveProperty('disabled', true)
    expect(within(article).queryByText('Stopping…')).toBeNull()
  })
})
