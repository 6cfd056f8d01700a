import { describe, it, expect } from 'vitest'
import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole } from '../../test-support/fake-console-service'

describe('SettingsScreen', () => {
  it('shows provider bind settings, a read-only data dir and the wallet address only', async () => {
    renderApp('settings')
    expect(((await screen.findByLabelText('Provider port')) as HTMLInputElement).value).toBe('8001')
    expect((screen.getByLabelText('Data directory') as HTMLInputElement).readOnly).toBe(true)
    expect(screen.getByTestId('wallet-address').textContent).toBe('0x' + '6'.repeat(40))
    expect(screen.queryByLabelText(/private key/i)).toBeNull()
  })

  it('saves settings through the contract', async () => {
    const { fake } = renderApp('settings')
    const port = await screen.findByLabelText('Provider port')
    await userEvent.clear(port)
    await userEvent.type(port, '8100')
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }))
    expect(await screen.findByText(/Saved\. Restart the provider/)).toBeTruthy()
    expect(fake.calls.find((c) => c.method === 'saveSettings')?.input).toMatchObject({ providerPort: 8100 })
  })

  it('creates a wallet when none exists', async () => {
    const { fake } = renderApp('settings', createFakeConsole({ walletState: 'none' }))
    await userEvent.type(await screen.findByLabelText('Wallet password'), 'correct horse battery')
    await userEvent.click(screen.getByRole('button', { name: 'Create wallet' }))
    expect(await screen.findByText('0x' + '7'.repeat(40))).toBeTruthy()
    expect(fake.calls.find((c) => c.method === 'createWallet')?.input).toMatchObject({ confirm: true })
  })

  it('switches between light and dark theme', async () => {
    renderApp('settings')
    await userEvent.click(await screen.findByRole('radio', { name: 'Dark' }))
    expect(document.documentElement.dataset.theme).toBe('dark')
  })
})
