// The status bar and shell banners: one wallet address, chain, backend, Provider URL; the dev-chain
// banner; one connection banner (not one error box per screen) when the console is unreachable.
import { describe, expect, it } from 'vitest'
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { providerReachability } from './status-bar'
import { renderApp } from '../test-support/render-app'
import { DEV_KEY_ADDRESS, createFakeConsole } from '../test-support/fake-console-service'
import { createConsoleClient } from '../../engine/console-api/contract'

describe('status bar and banners', () => {
  it('shows chain, wallet, backend and Provider URL, and says the dev chain is throwaway', async () => {
    renderApp('overview', createFakeConsole({ walletState: 'unlocked' }))
    const footer = await screen.findByRole('contentinfo')
    expect(await screen.findByText(/Chain: dev \(8996\)/)).toBeTruthy()
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
    const form = await screen.findByRole('form', { name: 'Unlock wallet' })
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

describe('status bar: one-click unlock and Provider reachability', () => {
  it('unlocks a locked wallet from the status bar, with a wrong password said next to the field', async () => {
    const fake = createFakeConsole({ walletState: 'locked' })
    fake.fail.unlockWallet = { code: 'PASSWORD_WRONG', message: 'The wallet password is wrong.' }
    renderApp('overview', fake)
    const footer = within(await screen.findByRole('contentinfo'))
    await userEvent.click(await footer.findByRole('button', { name: 'Unlock' }))
    const dialog = within(await screen.findByRole('dialog', { name: 'Unlock the provider wallet' }))
    const field = dialog.getByLabelText('Wallet password')
    await userEvent.type(field, 'not-it-at-all')
    await userEvent.click(dialog.getByRole('button', { name: 'Unlock wallet' }))
    const error = await dialog.findByText('That is not the wallet password. Try again.')
    // Next to the field: Mantine ties the error to the input.
    expect(field.getAttribute('aria-describedby') ?? '').toContain(error.id)
    delete fake.fail.unlockWallet
    await userEvent.clear(field)
    await userEvent.type(field, 'the-right-password')
    await userEvent.click(dialog.getByRole('button', { name: 'Unlock wallet' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(await footer.findByText('unlocked')).toBeTruthy()
    expect(footer.queryByRole('button', { name: 'Unlock' })).toBeNull()
    expect(fake.calls.filter((c) => c.method === 'unlockWallet').map((c) => c.input)).toEqual([
      { password: 'not-it-at-all' },
      { password: 'the-right-password' },
    ])
  })

  it('offers no unlock when the wallet is already unlocked', async () => {
    renderApp('overview', createFakeConsole({ walletState: 'unlocked' }))
    const footer = within(await screen.findByRole('contentinfo'))
    await footer.findByText('unlocked')
    expect(footer.queryByRole('button', { name: 'Unlock' })).toBeNull()
  })

  it('shows whether consumers can reach the Provider', async () => {
    const fake = createFakeConsole()
    const r = await fake.service.getReachability({})
    renderApp('overview', fake)
    const footer = within(await screen.findByRole('contentinfo'))
    expect(await footer.findByText(providerReachability(r).label)).toBeTruthy()
    cleanup()
    const ok = {
      ...r,
      http: { ...r.http, publicUrl: 'https://p.example', selfCheck: { state: 'ok' as const } },
    }
    renderApp('overview', createFakeConsole({ reachability: ok }))
    const again = within(await screen.findByRole('contentinfo'))
    expect(await again.findByText('reachable')).toBeTruthy()
  })

  it('words each reachability case', () => {
    const base = {
      p2p: { enabled: false, peerId: null, direct: [], relayed: [], connections: 0, isReachable: false },
      http: { bindHost: '127.0.0.1', publicUrl: null, selfCheck: { state: 'not-configured' as const } },
    }
    expect(providerReachability(base).label).toBe('this machine only')
    expect(
      providerReachability({ ...base, http: { ...base.http, selfCheck: { state: 'unreachable' } } }).color,
    ).toBe('red')
    expect(providerReachability({ ...base, p2p: { ...base.p2p, enabled: true } }).label).toBe(
      'P2P not reachable yet',
    )
    expect(
      providerReachability({ ...base, p2p: { ...base.p2p, enabled: true, isReachable: true } }).label,
    ).toBe('reachable')
  })
})
