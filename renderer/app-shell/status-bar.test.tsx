// The status bar and shell banners: one wallet address, chain, backend, Provider URL; the dev-chain
// banner; one connection banner (not one error box per screen) when the console is unreachable.
import { describe, expect, it } from 'vitest'
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { renderApp } from '../test-support/render-app'
import { DEV_KEY_ADDRESS, createFakeConsole } from '../test-support/fake-console-service'
import { createConsoleClient } from '../../engine/console-api/contract'

describe('status bar and banners', () => {
  it('shows chain, wallet, backend and Provider URL, and says the dev chain is throwaway', async () => {
    renderApp('overview', createFakeConsole({ walletState: 'unlocked' }))
    const footer = await screen.findByRole('contentinfo')
    expect(await screen.findByText(/Chain: dev chain \(8996\)/)).toBeTruthy()
    expect(footer.textContent).toContain('unlocked')
    expect(footer.textContent).toContain('Provider URL')
    expect(await screen.findByText('Dev chain: throwaway data')).toBeTruthy()
  })

  it('wallet states: unlocked, locked with a one-click unlock, and the dev key while no wallet exists', async () => {
    renderApp('overview', createFakeConsole({ walletState: 'unlocked' }))
    let wallet = await screen.findByRole('group', { name: 'Publisher wallet' })
    expect(await within(wallet).findByText('unlocked')).toBeTruthy()
    expect(within(wallet).queryByRole('button', { name: 'Unlock' })).toBeNull()
    cleanup()

    renderApp('overview', createFakeConsole({ walletState: 'locked' }))
    wallet = await screen.findByRole('group', { name: 'Publisher wallet' })
    expect(await within(wallet).findByText('locked')).toBeTruthy()
    fireEvent.click(within(wallet).getByRole('button', { name: 'Unlock' }))
    const form = await screen.findByRole('form', { name: 'Unlock the wallet', hidden: true })
    fireEvent.change(within(form).getByLabelText('Wallet password'), { target: { value: 'correct horse' } })
    fireEvent.submit(form)
    await waitFor(() => expect(within(wallet).getByText('unlocked')).toBeTruthy())
    cleanup()

    renderApp('overview', createFakeConsole({ walletState: 'dev-key' }))
    wallet = await screen.findByRole('group', { name: 'Publisher wallet' })
    expect(await within(wallet).findByText('dev key')).toBeTruthy()
    expect(wallet.innerHTML).toContain(DEV_KEY_ADDRESS.slice(0, 6))
    expect(within(wallet).getByRole('link', { name: /create your wallet in Settings/ })).toBeTruthy()
    expect(within(wallet).queryByText('unlocked')).toBeNull()
    expect(within(wallet).getByText('dev key').closest('[title]')?.getAttribute('title')).toMatch(/Throwaway/)
  })

  it("shows the chain's block height, and says when it is unknown", async () => {
    renderApp('overview', createFakeConsole({ blockNumber: 1_234_567 }))
    const footer = await screen.findByRole('contentinfo')
    expect(await within(footer).findByText(/block 1,234,567/)).toBeTruthy()
    cleanup()
    renderApp('overview', createFakeConsole({ blockNumber: null }))
    const again = await screen.findByRole('contentinfo')
    expect(await within(again).findByText(/block height unknown/)).toBeTruthy()
  })

  it('shows one connection banner when the console does not answer', async () => {
    const fake = createFakeConsole()
    const unreachable = {
      ...fake,
      client: createConsoleClient({
        call: () => Promise.reject(new TypeError('Failed to fetch')),
        subscribe: () => () => {},
      }),
    }
    renderApp('overview', unreachable)
    expect(await screen.findByText('The console is not answering')).toBeTruthy()
    expect(screen.getAllByText('The console is not answering')).toHaveLength(1)
  })
})
