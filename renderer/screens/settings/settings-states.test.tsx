// Load states of Settings and its sections that load on their own (provider settings and chain,
// the wallet, Network, balances): loading, console unreachable, contract error. Data, the wallet
// states and the lock/export/chain/network confirmations are in settings-screen, chain-section and
// network-section tests.
import { describe, expect, it } from 'vitest'
import { screen, within } from '@testing-library/react'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole } from '../../test-support/fake-console-service'
import { holding } from '../../test-support/fake-transport-states'
import { itRendersLoadStates } from '../../test-support/screen-states'

const T = { timeout: 5000 }

describe('Settings: provider and chain', () => {
  itRendersLoadStates({
    path: '/settings',
    heading: 'Settings',
    methods: ['getSettings'],
    loading: /Loading settings…/,
    errorTitle: 'Could not load settings',
    dataText: /^Provider$/,
  })
})

describe('Settings: wallet', () => {
  itRendersLoadStates({
    path: '/settings',
    heading: 'Settings',
    methods: ['getWallet'],
    loading: /Loading the wallet…/,
    errorTitle: 'Could not read the wallet',
    dataText: /Lock wallet|Export keystore/,
  })

  it('while the wallet loads it does not say there is none', { timeout: 20_000 }, async () => {
    renderApp('/settings', holding(createFakeConsole(), ['getWallet']))
    const wallet = await screen.findByRole('region', { name: 'Provider wallet' }, T)
    await within(wallet).findByText(/Loading the wallet…/, {}, T)
    expect(within(wallet).queryByText('none yet')).toBeNull()
    expect(within(wallet).queryByRole('form', { name: 'Wallet' })).toBeNull()
  })
})

describe('Settings: network', () => {
  itRendersLoadStates({
    path: '/settings',
    heading: 'Settings',
    methods: ['getNetworkSettings'],
    loading: /Loading network settings…/,
    errorTitle: 'Could not load network settings',
    dataText: /Announce addresses/,
  })
})

describe('Settings: balances', () => {
  itRendersLoadStates({
    path: '/settings',
    heading: 'Settings',
    methods: ['getBalances'],
    // Balances are read once the wallet is known to be unlocked.
    asks: ['getWallet'],
    loading: /Reading balances from the chain…/,
    errorTitle: 'Could not read balances',
    dataText: /Native coin \(gas\)/,
  })
})
