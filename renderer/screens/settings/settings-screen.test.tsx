import { describe, it, expect } from 'vitest'
import { screen, within } from '@testing-library/react'
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
    expect(
      await screen.findByText('0x' + '7'.repeat(40), { selector: '[data-testid="wallet-address"]' }),
    ).toBeTruthy()
    expect(fake.calls.find((c) => c.method === 'createWallet')?.input).toMatchObject({ confirm: true })
  })

  it('shows the publishing account balances: native coin, OCEAN and each datatoken', async () => {
    const asset = {
      did: 'did:op:' + 'd'.repeat(64),
      kind: 'dataset' as const,
      name: 'Weather 2024',
      chainId: 8996,
      nftAddress: '0x' + '2'.repeat(40),
      datatokenAddress: '0x' + '3'.repeat(40),
      state: 0,
      serviceIds: ['compute'],
      createdAtMs: 1,
      updatedAtMs: 1,
    }
    renderApp('settings', createFakeConsole({ assets: [asset] }))
    const table = await screen.findByRole('table', { name: 'Balances' })
    const row = (name: string) =>
      within(table).getByRole('rowheader', { name }).closest('tr')!.querySelector('td')!.textContent
    expect(row('Native coin (gas)')).toBe('2.5')
    expect(row('OCEAN')).toBe('10')
    expect(row('Weather 2024 datatoken')).toBe('1')
    expect(screen.getByTestId('balances-address').textContent).toBe('0x' + '6'.repeat(40))
    expect(screen.queryByText(/has no native coin/)).toBeNull()
  })

  it('explains a wrong chain instead of showing balances', async () => {
    const fake = createFakeConsole()
    fake.fail.getBalances = {
      code: 'CHAIN_ID_MISMATCH',
      message: 'The RPC at http://127.0.0.1:8545 serves chain 1, but chain 8996 is configured',
    }
    renderApp('settings', fake)
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('serves chain 1, but chain 8996 is configured')
    expect(alert.textContent).toContain('fix the chain id or the URL in Settings')
    expect(screen.queryByRole('table', { name: 'Balances' })).toBeNull()
  })

  it('imports a wallet from a recovery phrase and never shows the phrase again', async () => {
    const phrase = 'test test test test test test test test test test test junk'
    const { fake } = renderApp('settings', createFakeConsole({ walletState: 'none' }))
    await userEvent.type(await screen.findByLabelText('Wallet password'), 'correct horse battery')
    await userEvent.type(screen.getByLabelText('Private key or recovery phrase'), phrase)
    await userEvent.click(screen.getByRole('button', { name: 'Import wallet' }))
    expect(
      await screen.findByText('0x' + '9'.repeat(40), { selector: '[data-testid="wallet-address"]' }),
    ).toBeTruthy()
    expect(fake.calls.find((c) => c.method === 'importMnemonic')?.input).toEqual({
      mnemonic: phrase,
      password: 'correct horse battery',
      confirm: true,
    })
    expect(document.body.innerHTML).not.toContain('test junk')
  })

  it('imports a wallet from a private key through importWallet', async () => {
    const key = 'ab'.repeat(32)
    const { fake } = renderApp('settings', createFakeConsole({ walletState: 'none' }))
    await userEvent.type(await screen.findByLabelText('Wallet password'), 'correct horse battery')
    await userEvent.type(screen.getByLabelText('Private key or recovery phrase'), key)
    await userEvent.click(screen.getByRole('button', { name: 'Import wallet' }))
    expect(
      await screen.findByText('0x' + '8'.repeat(40), { selector: '[data-testid="wallet-address"]' }),
    ).toBeTruthy()
    expect(fake.calls.find((c) => c.method === 'importWallet')?.input).toMatchObject({
      privateKey: key,
      confirm: true,
    })
    expect(document.body.innerHTML).not.toContain(key)
  })

  it('follows the system until a theme is picked, then applies and keeps the pick', async () => {
    localStorage.clear()
    renderApp('settings')
    expect(await screen.findByRole('radio', { name: 'Follow the system' })).toHaveProperty('checked', true)
    await userEvent.click(screen.getByRole('radio', { name: 'Dark' }))
    expect(document.documentElement.getAttribute('data-mantine-color-scheme')).toBe('dark')
    expect(localStorage.getItem('c2d-color-scheme')).toBe('dark')
  })
})
