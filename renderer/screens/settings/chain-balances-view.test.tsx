// Settings → Balances per chain (issue 14): with several served chains, the publishing account's
// native coin and OCEAN on each, one row per chain; a chain whose RPC is down says so in its row.
// With one chain, nothing more than the Balances table (and no extra chain reads).
import { describe, expect, it } from 'vitest'
import { screen, waitFor, within } from '@testing-library/react'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole, FAKE_OCEAN_2 } from '../../test-support/fake-console-service'

const wait = { timeout: 10_000 }

describe('balances per served chain', () => {
  it('lists native coin and OCEAN on every served chain, and a chain that does not answer', async () => {
    const fake = createFakeConsole({
      extraChains: [
        { chainId: 8997, name: 'second', feeToken: FAKE_OCEAN_2, blockNumber: 50 },
        { chainId: 137, name: 'polygon', feeToken: null, blockNumber: null },
      ],
    })
    renderApp('settings', fake)
    const table = await screen.findByRole('table', { name: 'Balances per chain' }, wait)
    const row = (name: RegExp) => within(table).getByRole('row', { name })
    expect(row(/dev chain \(8996\)/).textContent).toContain('2.5')
    await waitFor(() => expect(row(/dev chain \(8996\)/).textContent).toContain('10 OCEAN'))
    expect(row(/second \(8997\)/).textContent).toContain('0.7 xDAI')
    await waitFor(() => expect(row(/second \(8997\)/).textContent).toContain('3 mOCEAN'))
    expect(row(/polygon \(137\)/).textContent).toContain(
      'Could not read (CHAIN_UNAVAILABLE): The RPC of chain 137 did not answer.',
    )
    // The single-chain table is still there, unchanged.
    expect(screen.getByRole('table', { name: 'Balances' })).toBeTruthy()
  })

  it('shows no per-chain table and reads no chain balances with one chain', async () => {
    const { fake } = renderApp('settings')
    await screen.findByRole('table', { name: 'Balances' }, wait)
    expect(screen.queryByRole('table', { name: 'Balances per chain' })).toBeNull()
    expect(fake.calls.some((c) => c.method === 'getChainBalances')).toBe(false)
  })
})
