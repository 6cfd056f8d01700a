// The status bar's own states: loading (each part says it is not known yet, never a guess such as
// "none yet"), a contract error on the overview or the wallet (the bar claims nothing and says
// "error", the message on hover, instead of "…" for ever), and
// the console unreachable after loading (what it showed is marked not live, as the screen is).
import { describe, expect, it } from 'vitest'
import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../test-support/render-app'
import { createFakeConsole } from '../test-support/fake-console-service'
import { CONTRACT_ERROR, holding, switchable } from '../test-support/fake-transport-states'

const T = { timeout: 5000 }

describe('status bar states', () => {
  it(
    'loading: chain, wallet, backend and Provider URL are "…" until the console answers',
    { timeout: 20_000 },
    async () => {
      renderApp('/jobs', holding(createFakeConsole(), ['getOverview', 'getWallet', 'getReachability']))
      const footer = await screen.findByRole('contentinfo', {}, T)
      expect(within(footer).getByText('Chain: …')).toBeTruthy()
      const wallet = within(footer).getByRole('group', { name: 'Publisher wallet' })
      expect(wallet.textContent).toBe('Wallet:…')
      expect(within(footer).queryByText('none yet')).toBeNull()
      expect(within(footer).queryByText(/healthy|failing/)).toBeNull()
    },
  )

  it('data: says what the console answered', { timeout: 20_000 }, async () => {
    renderApp('/jobs', createFakeConsole({ walletState: 'none' }))
    const footer = await screen.findByRole('contentinfo', {}, T)
    await within(footer).findByText(/Chain: dev \(8996\)/, {}, T)
    expect(within(footer).getByText('local failing')).toBeTruthy()
    expect(within(footer).getByRole('group', { name: 'Publisher wallet' }).textContent).toBe(
      'Wallet:none yet',
    )
    expect(footer.querySelector('[data-live]')?.getAttribute('data-live')).toBe('true')
  })

  it(
    'a contract error on the overview: the bar claims no chain or backend, and says "error" (not "…") with the message',
    { timeout: 20_000 },
    async () => {
      const fake = createFakeConsole()
      fake.fail.getOverview = CONTRACT_ERROR
      renderApp('/jobs', fake)
      const footer = await screen.findByRole('contentinfo', {}, T)
      // Chain, backend and Provider URL each say the read failed once the overview has answered.
      const failed = await within(footer).findAllByTestId('status-read-failed', {}, T)
      expect(failed.map((b) => b.textContent)).toEqual(['error', 'error', 'error'])
      expect(failed[0]!.getAttribute('aria-label')).toBe(
        `The chain could not be read: ${CONTRACT_ERROR.message}`,
      )
      expect(within(footer).queryByText('Chain: …')).toBeNull()
      expect(within(footer).queryByText('…')).toBeNull()
      expect(within(footer).queryByText(/healthy|failing/)).toBeNull()
      expect(screen.queryByText('The console is not answering')).toBeNull()
      // The message on hover.
      await userEvent.hover(failed[0]!)
      expect((await screen.findByRole('tooltip', {}, T)).textContent).toBe(CONTRACT_ERROR.message)
    },
  )

  it(
    'a contract error on a refresh: what was shown stays, with one "error" saying the refresh failed',
    { timeout: 20_000 },
    async () => {
      const fake = createFakeConsole()
      const { queryClient } = renderApp('/jobs', fake)
      const footer = await screen.findByRole('contentinfo', {}, T)
      await within(footer).findByText(/Chain: dev \(8996\)/, {}, T)
      expect(within(footer).queryByTestId('status-read-failed')).toBeNull()
      fake.fail.getOverview = CONTRACT_ERROR
      await act(() => queryClient.invalidateQueries())
      const failed = await within(footer).findByTestId('status-read-failed', {}, T)
      expect(failed.getAttribute('aria-label')).toBe(
        `The status bar could not be refreshed: ${CONTRACT_ERROR.message}`,
      )
      expect(within(footer).getByText(/Chain: dev \(8996\)/)).toBeTruthy()
      delete fake.fail.getOverview
      await act(() => queryClient.invalidateQueries())
      await waitFor(() => expect(within(footer).queryByTestId('status-read-failed')).toBeNull(), T)
    },
  )

  it(
    'a contract error on the wallet: the wallet part says "error" with the message',
    { timeout: 20_000 },
    async () => {
      const fake = createFakeConsole()
      fake.fail.getWallet = CONTRACT_ERROR
      renderApp('/jobs', fake)
      const footer = await screen.findByRole('contentinfo', {}, T)
      const wallet = within(footer).getByRole('group', { name: 'Publisher wallet' })
      await waitFor(() => expect(wallet.textContent).toBe('Wallet:error'), T)
      expect(within(wallet).getByTestId('status-read-failed').getAttribute('aria-label')).toBe(
        `The wallet could not be read: ${CONTRACT_ERROR.message}`,
      )
    },
  )

  it(
    'console unreachable after loading: what the bar shows is marked not live',
    { timeout: 20_000 },
    async () => {
      const { fake, state } = switchable(createFakeConsole())
      const { queryClient } = renderApp('/jobs', fake)
      const footer = await screen.findByRole('contentinfo', {}, T)
      await within(footer).findByText(/Chain: dev \(8996\)/, {}, T)
      state.down = true
      await act(() => queryClient.invalidateQueries())
      await screen.findByText('The console is not answering', {}, T)
      expect(footer.querySelector('[data-live]')?.getAttribute('data-live')).toBe('false')
      expect(within(footer).getByText(/not live/)).toBeTruthy()
      // Back: live again.
      state.down = false
      await act(() => queryClient.invalidateQueries())
      await waitFor(() => expect(screen.queryByText('The console is not answering')).toBeNull(), T)
      expect(footer.querySelector('[data-live]')?.getAttribute('data-live')).toBe('true')
      expect(within(footer).queryByText(/not live/)).toBeNull()
    },
  )
})
