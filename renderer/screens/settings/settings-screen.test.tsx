import { afterEach, describe, it, expect } from 'vitest'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { shortenValue } from '../../../engine/console-api/contract'
import { renderApp } from '../../test-support/render-app'
import {
  createFakeConsole,
  DEV_KEY_ADDRESS,
  FAKE_RECOVERY_PHRASE,
  makeAsset,
} from '../../test-support/fake-console-service'
import { exposureWarnings } from './provider-section'
import { bindAddressWarning } from './network-exposure'
import { openListbox, optionWords, pickOption } from '../../test-support/pick-option'

const T = { timeout: 30_000 }
const wait = { timeout: 8000 }

/** The wallet section once the wallet's state has loaded. */
async function walletRegion() {
  const region = await screen.findByRole('region', { name: 'Provider wallet' }, wait)
  await waitFor(() => expect(region.getAttribute('data-wallet-state')).toBeTruthy(), wait)
  return region
}

describe('SettingsScreen', () => {
  it('shows provider bind settings, a read-only data dir and the wallet address only', T, async () => {
    renderApp('settings')
    expect(((await screen.findByLabelText('Provider port', {}, wait)) as HTMLInputElement).value).toBe('8001')
    expect((screen.getByLabelText('Data directory') as HTMLInputElement).readOnly).toBe(true)
    expect(screen.getByTestId('wallet-address').textContent).toBe('0x' + '6'.repeat(40))
    expect(screen.queryByLabelText(/private key/i)).toBeNull()
  })

  it(
    'on the dev chain with no wallet, names the dev key the Provider signs with and offers to create one',
    T,
    async () => {
      renderApp('settings', createFakeConsole({ walletState: 'dev-key' }))
      const region = await walletRegion()
      expect(within(region).getByTestId('wallet-address').textContent).toBe(DEV_KEY_ADDRESS)
      expect(within(region).getByText('dev key (throwaway)')).toBeTruthy()
      expect(within(region).getByText("The Provider signs with the dev chain's public dev key")).toBeTruthy()
      expect(within(region).getByRole('button', { name: /Create/ })).toBeTruthy()
    },
  )

  it('after a restart shows the wallet locked with its address, and unlocks it', T, async () => {
    const { fake } = renderApp('settings', createFakeConsole({ walletState: 'locked' }))
    const region = await walletRegion()
    expect(within(region).getByTestId('wallet-address').textContent).toBe('0x' + '6'.repeat(40))
    expect(within(region).getByText('locked')).toBeTruthy()
    await userEvent.type(within(region).getByLabelText('Wallet password'), 'correct horse')
    await userEvent.click(within(region).getByRole('button', { name: 'Unlock wallet' }))
    expect(await within(region).findByText('unlocked')).toBeTruthy()
    expect(fake.calls.some((c) => c.method === 'unlockWallet')).toBe(true)
  })

  it(
    'saves the bind settings (the public URL lives in Network) and warns about a wildcard bind and a loopback URL in DDOs',
    T,
    async () => {
      const { fake } = renderApp('settings')
      const form = await screen.findByRole('form', { name: 'Provider settings' }, wait)
      expect(form.textContent).toContain("DDOs name this machine's bound address")
      const host = within(form).getByLabelText('Provider bind address')
      await userEvent.clear(host)
      await userEvent.type(host, '0.0.0.0')
      // The same words as the Network section's warning (one function for both).
      expect(form.textContent).toContain(bindAddressWarning('0.0.0.0'))
      expect(form.textContent).toContain('anyone on every network this machine is on')
      // One place for the public URL: the Network section (applied at once, DDOs re-published).
      expect(within(form).queryByLabelText('Public Provider URL')).toBeNull()
      // The log level is a Mantine Select with the four levels.
      const level = within(form).getByRole('combobox', { name: 'Log level' })
      expect(optionWords(await openListbox(level))).toEqual(['debug', 'info', 'warn', 'error'])
      await pickOption(level, 'debug')
      await userEvent.click(within(form).getByRole('button', { name: 'Save settings' }))
      const saved = await within(form).findByText(/^Saved\./)
      expect(saved.textContent).toMatch(
        /bind address, port and log level take effect when the console next starts/,
      )
      // The public URL is no longer published "at the next start": Network applies it at once.
      expect(saved.textContent).not.toMatch(/public URL is published/)
      expect(saved.textContent).toMatch(/public URL \(Network section\) applies at once/)
      expect(fake.calls.find((c) => c.method === 'saveSettings')?.input).toMatchObject({
        providerHost: '0.0.0.0',
        providerPort: 8001,
        logLevel: 'debug',
      })
      expect(fake.calls.find((c) => c.method === 'saveSettings')?.input).not.toHaveProperty('publicUrl')
      expect(exposureWarnings('127.0.0.1', 'https://provider.example.com')).toEqual([])
    },
  )

  it('picks a chain by RPC URL and chain id, checked in place and confirmed first', T, async () => {
    const { fake } = renderApp('settings')
    const form = await screen.findByRole('form', { name: 'Chain' }, wait)
    await userEvent.click(within(form).getByRole('radio', { name: 'RPC URL' }))
    await userEvent.click(within(form).getByRole('button', { name: 'Use this chain' }))
    expect(within(form).getByText('The RPC URL, such as https://rpc.example.org.')).toBeTruthy()
    await userEvent.type(within(form).getByLabelText('RPC endpoint URL'), 'https://rpc.example.org')
    await userEvent.type(within(form).getByLabelText('Chain id'), '137')
    await userEvent.click(within(form).getByRole('button', { name: 'Use this chain' }))
    const dialog = await screen.findByRole('dialog', { name: 'Switch the chain at the next start?' })
    await userEvent.click(within(dialog).getByRole('button', { name: 'Switch chain' }))
    await waitFor(() =>
      expect(fake.calls.find((c) => c.method === 'saveSettings')?.input).toEqual({
        chain: { mode: 'rpc', rpcUrl: 'https://rpc.example.org', chainId: 137 },
      }),
    )
  })

  it(
    'creates a wallet with the rules up front and a confirm field, and shows the recovery phrase once',
    T,
    async () => {
      const { fake } = renderApp('settings', createFakeConsole({ walletState: 'none' }))
      const form = await screen.findByRole('form', { name: 'Wallet' }, wait)
      expect(form.textContent).toContain('At least 8 characters')
      await userEvent.type(within(form).getByLabelText('Wallet password'), 'correct horse battery')
      await userEvent.type(within(form).getByLabelText('Confirm password'), 'correct horse')
      await userEvent.click(within(form).getByRole('button', { name: 'Create wallet' }))
      expect(within(form).getByText('The two passwords differ.')).toBeTruthy()
      expect(fake.calls.some((c) => c.method === 'createWallet')).toBe(false)
      await userEvent.type(within(form).getByLabelText('Confirm password'), ' battery')
      await userEvent.click(within(form).getByRole('button', { name: 'Create wallet' }))
      const backup = await screen.findByRole('region', { name: 'Write down your recovery phrase now' }, wait)
      expect(within(backup).getByTestId('recovery-phrase').textContent).toBe(FAKE_RECOVERY_PHRASE)
      expect(screen.getByTestId('wallet-address').textContent).toBe('0x' + '7'.repeat(40))
      await userEvent.click(within(backup).getByRole('button', { name: 'I have written it down' }))
      expect(document.body.innerHTML).not.toContain(FAKE_RECOVERY_PHRASE)
    },
  )

  it('locks and exports the wallet only after confirming each', T, async () => {
    const { fake } = renderApp('settings')
    const region = await walletRegion()
    URL.createObjectURL = () => 'blob:keystore'
    URL.revokeObjectURL = () => {}
    await userEvent.click(within(region).getByRole('button', { name: 'Export keystore (backup)' }))
    await userEvent.click(
      within(await screen.findByRole('dialog', { name: 'Export the keystore?' })).getByRole('button', {
        name: 'Export keystore',
      }),
    )
    expect(await within(region).findByText(/Saved the encrypted keystore/)).toBeTruthy()
    await userEvent.click(within(region).getByRole('button', { name: 'Lock wallet' }))
    const dialog = await screen.findByRole('dialog', { name: 'Lock the wallet?' })
    await userEvent.click(within(dialog).getByRole('button', { name: 'Lock wallet' }))
    expect(await within(region).findByText('locked')).toBeTruthy()
    expect(
      fake.calls.filter((c) => c.method === 'lockWallet' || c.method === 'exportWallet').map((c) => c.method),
    ).toEqual(['exportWallet', 'lockWallet'])
  })

  it('shows the balances of the same address, with symbols', T, async () => {
    const asset = makeAsset()
    renderApp('settings', createFakeConsole({ assets: [asset] }))
    const table = await screen.findByRole('table', { name: 'Balances' }, wait)
    const row = (name: string) =>
      within(table).getByRole('rowheader', { name }).closest('tr')!.querySelector('td')!.textContent
    expect(row('Native coin (gas)')).toBe('2.5 ETH')
    expect(row('OCEAN')).toBe('10 OCEAN')
    await waitFor(() => expect(row('Weather 2024 datatoken')).toBe('1 DT'))
    // Shortened (the full address on hover and copy), the same address as the wallet's.
    const account = screen.getByTestId('balances-address')
    expect(account.getAttribute('title')).toBe(screen.getByTestId('wallet-address').textContent)
    expect(account.textContent).toBe(shortenValue(account.getAttribute('title')!))
    expect(screen.queryByText(/has no native coin/)).toBeNull()
  })

  const nativeRow = async () => {
    const table = await screen.findByRole('table', { name: 'Balances' }, wait)
    return within(table)
      .getByRole('rowheader', { name: 'Native coin (gas)' })
      .closest('tr')!
      .querySelector('td')!.textContent
  }

  it("shows the native balance in the chain's own coin", T, async () => {
    renderApp('settings', createFakeConsole({ chain: { chainId: 23294, nativeSymbol: 'ROSE' } }))
    expect(await nativeRow()).toBe('2.5 ROSE')
  })

  it('names the native coin in words on a chain the engine does not know', T, async () => {
    renderApp('settings', createFakeConsole({ chain: { chainId: 424242, nativeSymbol: 'native coin' } }))
    expect(await nativeRow()).toBe('2.5 native coin')
  })

  it('tells a datatoken that is not on this chain in its own row; the others still show', T, async () => {
    const gone = makeAsset({
      did: 'did:op:' + 'e'.repeat(64),
      name: 'Gone weather',
      datatokenAddress: '0x' + '7'.repeat(40),
      notOnChain: { missing: ['data NFT', 'datatoken'], message: 'gone' },
    })
    renderApp('settings', createFakeConsole({ assets: [makeAsset(), gone] }))
    const table = await screen.findByRole('table', { name: 'Balances' }, wait)
    const row = (name: string) =>
      within(table).getByRole('rowheader', { name }).closest('tr')!.querySelector('td')!.textContent
    await waitFor(() => expect(row('Weather 2024 datatoken')).toBe('1 DT'))
    expect(row('Gone weather datatoken')).toMatch(/Not on chain 8996/)
    expect(screen.queryByRole('alert', { name: 'Could not read balances' })).toBeNull()
  })

  it('explains a wrong chain instead of showing balances', T, async () => {
    const fake = createFakeConsole()
    fake.fail.getBalances = {
      code: 'CHAIN_ID_MISMATCH',
      message: 'The RPC at http://127.0.0.1:8545 serves chain 1, but chain 8996 is configured',
    }
    renderApp('settings', fake)
    const alert = await screen.findByRole('alert', { name: 'Could not read balances' }, wait)
    expect(alert.textContent).toContain('serves chain 1, but chain 8996 is configured')
    expect(alert.textContent).toContain('fix the chain id or the URL in Settings')
    expect(screen.queryByRole('table', { name: 'Balances' })).toBeNull()
  })

  it('imports a wallet from a recovery phrase and never shows the phrase again', T, async () => {
    const phrase = 'test test test test test test test test test test test junk'
    const { fake } = renderApp('settings', createFakeConsole({ walletState: 'none' }))
    const form = await screen.findByRole('form', { name: 'Import wallet' }, wait)
    await userEvent.type(within(form).getByLabelText('Private key or recovery phrase'), phrase)
    await userEvent.type(
      within(form).getByLabelText('Password for the imported wallet'),
      'correct horse battery',
    )
    await userEvent.type(within(form).getByLabelText('Confirm password'), 'correct horse battery')
    await userEvent.click(within(form).getByRole('button', { name: 'Import wallet' }))
    expect(
      await screen.findByText('0x' + '9'.repeat(40), { selector: '[data-testid="wallet-address"]' }, wait),
    ).toBeTruthy()
    expect(fake.calls.find((c) => c.method === 'importMnemonic')?.input).toEqual({
      mnemonic: phrase,
      password: 'correct horse battery',
      confirm: true,
    })
    expect(document.body.innerHTML).not.toContain('test junk')
  })

  it('imports a wallet from a private key through importWallet', T, async () => {
    const key = 'ab'.repeat(32)
    const { fake } = renderApp('settings', createFakeConsole({ walletState: 'none' }))
    const form = await screen.findByRole('form', { name: 'Import wallet' }, wait)
    await userEvent.type(within(form).getByLabelText('Private key or recovery phrase'), key)
    await userEvent.type(
      within(form).getByLabelText('Password for the imported wallet'),
      'correct horse battery',
    )
    await userEvent.type(within(form).getByLabelText('Confirm password'), 'correct horse battery')
    await userEvent.click(within(form).getByRole('button', { name: 'Import wallet' }))
    expect(
      await screen.findByText('0x' + '8'.repeat(40), { selector: '[data-testid="wallet-address"]' }, wait),
    ).toBeTruthy()
    expect(fake.calls.find((c) => c.method === 'importWallet')?.input).toMatchObject({
      privateKey: key,
      confirm: true,
    })
    expect(document.body.innerHTML).not.toContain(key)
  })

  it('follows the system until a theme is picked, then applies and keeps the pick', T, async () => {
    localStorage.clear()
    renderApp('settings')
    expect(await screen.findByRole('radio', { name: 'Follow the system' }, wait)).toHaveProperty(
      'checked',
      true,
    )
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
