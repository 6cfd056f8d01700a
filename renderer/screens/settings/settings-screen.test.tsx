import { afterEach, describe, it, expect } from 'vitest'
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

  describe('desktop app: remember the wallet password on this computer', () => {
    const win = window as unknown as { c2d?: unknown }
    afterEach(() => {
      delete win.c2d
    })
    function keychainStub(status: { isAvailable: boolean; reason?: string; isRemembered: boolean }) {
      const remembered: string[] = []
      let current = status
      win.c2d = {
        keychainStatus: async () => current,
        rememberWalletPassword: async (password: string) => {
          remembered.push(password)
          return (current = { ...current, isRemembered: true })
        },
        forgetWalletPassword: async () => (current = { ...current, isRemembered: false }),
      }
      return remembered
    }

    it('unlocking with the switch on hands the password to the keychain once; Forget removes it', async () => {
      const remembered = keychainStub({ isAvailable: true, isRemembered: false })
      renderApp('settings', createFakeConsole({ walletState: 'locked' }))
      const box = await screen.findByRole('checkbox', { name: /Remember the password on this computer/ })
      await waitForEnabled(box)
      await userEvent.click(box)
      await userEvent.type(screen.getByLabelText('Wallet password'), 'correct horse')
      await userEvent.click(screen.getByRole('button', { name: 'Unlock wallet' }))
      expect(await screen.findByText(/remembered on this computer/)).toBeTruthy()
      expect(remembered).toEqual(['correct horse'])
      await userEvent.click(screen.getByRole('button', { name: 'Forget the password' }))
      expect(await screen.findByText(/remembered on this computer/).catch(() => null)).toBeNull()
    }, 20_000)

    it('without a keyring the switch is off and says why; in the browser it is not shown at all', async () => {
      keychainStub({
        isAvailable: false,
        reason: 'no keyring (GNOME Keyring or KWallet) is running',
        isRemembered: false,
      })
      const { unmount } = renderApp('settings', createFakeConsole({ walletState: 'locked' }))
      expect((await screen.findByTestId('keychain-unavailable')).textContent).toContain('no keyring')
      expect(
        (screen.getByRole('checkbox', { name: /Remember the password/ }) as HTMLInputElement).disabled,
      ).toBe(true)
      unmount()
      delete win.c2d
      renderApp('settings', createFakeConsole({ walletState: 'locked' }))
      await screen.findByLabelText('Wallet password')
      expect(screen.queryByRole('checkbox', { name: /Remember the password/ })).toBeNull()
    }, 20_000)
  })
})

async function waitForEnabled(element: HTMLElement): Promise<void> {
  for (let i = 0; i < 100 && (element as HTMLInputElement).disabled; i++)
    await new Promise((resolve) => setTimeout(resolve, 10))
}
