import { describe, it, expect } from 'vitest'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../../test-support/render-app'
import { DEV_KEY_ADDRESS, createFakeConsole, makeJob } from '../../test-support/fake-console-service'

describe('OverviewScreen', () => {
  it('shows the provider URL with a copy button, chain, driver health and job counts', async () => {
    renderApp('overview')
    expect(await screen.findByTestId('provider-url')).toHaveProperty('textContent', 'http://127.0.0.1:8001')
    expect(screen.getByRole('button', { name: 'Copy provider URL' })).toBeTruthy()
    expect(screen.getByText('dev chain (8996)')).toBeTruthy()
    expect(screen.getByText('Local sandbox: needs attention')).toBeTruthy()
    const counts = screen.getByRole('list', { name: 'Job counts' })
    expect(within(counts).getByRole('link', { name: 'Running: 1 (open in Jobs)' })).toBeTruthy()
    expect(within(counts).getByRole('link', { name: 'Queued: 1 (open in Jobs)' })).toBeTruthy()
    // The Jobs list's buckets and names, not a "Finished" that mixes three of them.
    expect(within(counts).getByRole('link', { name: 'Succeeded: 1 (open in Jobs)' })).toBeTruthy()
    expect(within(counts).getByRole('link', { name: 'Stopped: 0 (open in Jobs)' })).toBeTruthy()
    expect(within(counts).getByRole('link', { name: 'Expired: 0 (open in Jobs)' })).toBeTruthy()
    expect(within(counts).queryByText(/Finished/)).toBeNull()
  })

  it('opens the Jobs list with the filter of the count clicked, and the counts match', async () => {
    const { history } = renderApp('overview')
    const counts = await screen.findByRole('list', { name: 'Job counts' }, { timeout: 5000 })
    await userEvent.click(within(counts).getByRole('link', { name: 'Succeeded: 1 (open in Jobs)' }))
    await waitFor(() => expect(history.location.pathname).toBe('/jobs'))
    expect(history.location.search).toContain('status=succeeded')
    expect(await screen.findByRole('radio', { name: 'Succeeded (1)' }, { timeout: 5000 })).toHaveProperty(
      'checked',
      true,
    )
  })

  it('names the dev key as the publisher wallet while none exists (dev chain): the Provider signs with it', async () => {
    renderApp('overview', createFakeConsole({ walletState: 'dev-key' }))
    expect(await screen.findByText('dev key (throwaway)')).toBeTruthy()
    expect(document.body.innerHTML).toContain(DEV_KEY_ADDRESS.slice(0, 6))
  })

  it('opens a recent job on the jobs screen', async () => {
    renderApp('overview', createFakeConsole({ jobs: [makeJob('job-abc', 70)] }))
    await userEvent.click(await screen.findByRole('link', { name: 'Job job-abc' }))
    expect(await screen.findByRole('heading', { name: 'Job job-abc' })).toBeTruthy()
  })

  it('lists Provider requests live, newest first, with the error code of a refused one', async () => {
    const fake = createFakeConsole()
    renderApp('overview', fake)
    expect(await screen.findByText(/No consumer requests since the console opened/)).toBeTruthy()
    fake.emit('onProviderRequest', {
      method: 'GET',
      path: '/api/services/nonce',
      status: 200,
      elapsedMs: 1.2,
      atMs: 1_000,
    })
    fake.emit('onProviderRequest', {
      method: 'POST',
      path: '/api/services/freeCompute',
      status: 401,
      elapsedMs: 3,
      atMs: 2_000,
      errorCode: 'SIGNATURE_INVALID',
    })
    const table = await screen.findByRole('table', { name: 'Provider requests' })
    expect(table.textContent).not.toContain('undefined')
    const rows = within(table).getAllByRole('row').slice(1)
    expect(rows.map((r) => within(r).getAllByRole('cell')[1]!.textContent)).toEqual([
      'POST /api/services/freeCompute',
      'GET /api/services/nonce',
    ])
    expect(within(rows[0]!).getByText('401 SIGNATURE_INVALID')).toBeTruthy()
  })

  it('shows the publisher wallet address the status bar and Settings show, locked or not', async () => {
    renderApp('overview', createFakeConsole({ walletState: 'locked' }))
    const card = await screen.findByRole('region', { name: 'Publisher wallet' })
    expect(await within(card).findByTitle('0x' + '6'.repeat(40))).toBeTruthy()
    expect(within(card).getByText('locked')).toBeTruthy()
  })

  it('explains a failure in words with the next step', async () => {
    const fake = createFakeConsole()
    fake.fail.getOverview = { code: 'UNAUTHORIZED', message: 'Missing or wrong console token.' }
    renderApp('overview', fake)
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Missing or wrong console token.')
    expect(alert.textContent).toContain('Open the Console URL printed')
  })

  it('shows why the chain is not connected, with the fix, when it failed to start', async () => {
    const fake = createFakeConsole()
    const getOverview = fake.service.getOverview.bind(fake.service)
    fake.service.getOverview = async (input) => ({
      ...(await getOverview(input)),
      chainId: null,
      chainName: null,
      chainError: {
        code: 'CHAIN_UNAVAILABLE',
        message: 'EDR\'s native binding did not load. Fix: reinstall, or set chain.mode to "rpc"',
      },
    })
    renderApp('overview', fake)
    const alert = await screen.findByTestId('chain-error')
    expect(alert.textContent).toContain('CHAIN_UNAVAILABLE')
    expect(alert.textContent).toContain('Fix: reinstall')
    expect(screen.getByText(/Not connected/)).toBeTruthy()
  })
})
