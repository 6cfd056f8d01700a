import { describe, it, expect } from 'vitest'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { shortenValue, type AssetSummary } from '../../../../engine/console-api/contract'
import { renderApp } from '../../../test-support/render-app'
import { createFakeConsole, makeAsset, FAKE_OCEAN } from '../../../test-support/fake-console-service'

const dataset = makeAsset()
const T = { timeout: 30_000 }
const DISPENSER = '0x' + 'd'.repeat(40)
const EXCHANGE = '0x' + 'e'.repeat(40)

async function openPrices(
  fake = createFakeConsole({ assets: [{ ...dataset }] }),
  asset: AssetSummary = dataset,
) {
  renderApp(`/assets/${asset.did}`, fake)
  expect(await screen.findByRole('heading', { name: asset.name, level: 2 }, { timeout: 8000 })).toBeTruthy()
  return { fake, panel: screen.getByRole('region', { name: 'Prices' }) }
}

describe("Asset page's prices panel", () => {
  it('says it is reading while the chain has not answered', T, async () => {
    const fake = createFakeConsole({ assets: [{ ...dataset }] })
    fake.service.getAssetPrices = () => new Promise(() => {})
    const { panel } = await openPrices(fake)
    expect(within(panel).getByText('Reading the prices on chain…').getAttribute('role')).toBe('status')
    expect(within(panel).queryByRole('table', { name: 'Datatoken prices' })).toBeNull()
  })

  it('says consumers cannot order yet when the datatoken has no price', T, async () => {
    const { panel } = await openPrices()
    expect(await within(panel).findByText(/No price yet: consumers cannot order this datatoken/)).toBeTruthy()
    expect(within(panel).queryByRole('table', { name: 'Datatoken prices' })).toBeNull()
  })

  it('shows the error in words when the chain cannot be read', T, async () => {
    const fake = createFakeConsole({ assets: [{ ...dataset }] })
    fake.fail.getAssetPrices = { code: 'CHAIN_UNAVAILABLE', message: 'RPC http://127.0.0.1:1 did not answer' }
    const { panel } = await openPrices(fake)
    const alert = await within(panel).findByRole('alert', { name: 'Could not read the prices' })
    expect(alert.textContent).toContain('The chain RPC is not answering')
    expect(within(panel).queryByText(/No price yet/)).toBeNull()
  })

  it(
    'lists fixed rates in the base token with its symbol and dispensers with their limits, active or not',
    T,
    async () => {
      const fake = createFakeConsole({
        assets: [{ ...dataset }],
        prices: {
          [dataset.did]: {
            fixedRates: [
              {
                exchangeContract: EXCHANGE,
                exchangeId: '0x' + '1'.repeat(64),
                baseToken: FAKE_OCEAN,
                rate: '1.5',
                active: true,
              },
            ],
            dispensers: [{ contract: DISPENSER, active: false, maxTokens: '2', maxBalance: '10' }],
          },
        },
      })
      const { panel } = await openPrices(fake)
      const table = await within(panel).findByRole('table', { name: 'Datatoken prices' })
      const fixed = within(table).getByRole('row', { name: /Fixed price/ })
      expect(await within(fixed).findByText('OCEAN')).toBeTruthy()
      expect(fixed.textContent).toContain('1.5 OCEAN per datatoken')
      expect(fixed.textContent).toContain('Active')
      expect(within(fixed).getByTitle(EXCHANGE)).toBeTruthy()
      const free = within(table).getByRole('row', { name: /Free dispenser/ })
      expect(free.textContent).toContain('Free: up to 2 per request, 10 held at most')
      expect(free.textContent).toContain('Inactive')
      // The environments' prices on the asset's chain, in the fee token's symbol.
      const compute = within(panel).getByRole('table', { name: 'Compute prices' })
      expect(within(compute).getByRole('columnheader', { name: 'Paid price on chain 8996' })).toBeTruthy()
      expect(within(compute).getAllByRole('row').length).toBeGreaterThan(1)
    },
  )

  it('adds a fixed price after a confirmation and lists it from the chain', T, async () => {
    const { fake, panel } = await openPrices()
    const form = within(panel).getByRole('form', { name: 'Fixed price' })
    await userEvent.click(within(form).getByRole('button', { name: 'Set fixed price' }))
    expect(within(form).getByText(/more than 0|a number/i)).toBeTruthy()
    expect(screen.queryByRole('dialog')).toBeNull()
    await userEvent.type(within(form).getByLabelText('Price per datatoken'), '2.25')
    await userEvent.click(within(form).getByRole('button', { name: 'Set fixed price' }))
    const dialog = await screen.findByRole('dialog', { name: 'Send this transaction?' })
    expect(dialog.textContent).toContain('at 2.25 OCEAN each?')
    expect(fake.calls.some((c) => c.method === 'createFixedRate')).toBe(false)
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sign and send' }))
    // Shortened on screen (AddressLabel), the whole hash on hover and copy.
    const tx = await within(panel).findByTestId('price-tx')
    expect(tx.getAttribute('title')).toMatch(/^0x[0-9a-f]{64}$/)
    expect(tx.textContent).toBe(shortenValue(tx.getAttribute('title')!))
    expect(tx.textContent).toMatch(/^0x[0-9a-f]{6}…[0-9a-f]{4}$/)
    expect(fake.calls.find((c) => c.method === 'createFixedRate')?.input).toEqual({
      did: dataset.did,
      price: '2.25',
      confirm: true,
    })
    const row = await within(panel).findByRole('row', { name: /Fixed price/ })
    expect(row.textContent).toContain('2.25')
  })

  it('an asset the chain no longer has is not read and its price forms are off', T, async () => {
    const stale = {
      ...dataset,
      notOnChain: {
        missing: ['datatoken' as const],
        message: '"Weather 2024" is not on chain 8996 any more.',
      },
    }
    const { fake, panel } = await openPrices(createFakeConsole({ assets: [stale] }), stale)
    expect(
      within(panel).getByText(/Not read: this asset's datatoken is not on the chain in use/),
    ).toBeTruthy()
    expect(fake.calls.some((c) => c.method === 'getAssetPrices')).toBe(false)
    for (const name of ['Create dispenser', 'Set fixed price'])
      expect((within(panel).getByRole('button', { name }) as HTMLButtonElement).disabled).toBe(true)
  })

  it('an asset published elsewhere shows its prices but offers no form to sign', T, async () => {
    const elsewhere = { ...dataset, publishedElsewhere: { publisher: '0x' + '9'.repeat(40) } }
    const fake = createFakeConsole({
      assets: [elsewhere],
      prices: {
        [dataset.did]: {
          fixedRates: [],
          dispensers: [{ contract: DISPENSER, active: true, maxTokens: '1', maxBalance: '1' }],
        },
      },
    })
    const { panel } = await openPrices(fake, elsewhere)
    expect(await within(panel).findByRole('row', { name: /Free dispenser/ })).toBeTruthy()
    expect(within(panel).queryByRole('form', { name: 'Fixed price' })).toBeNull()
    expect(within(panel).queryByRole('form', { name: 'Free dispenser' })).toBeNull()
  })
})
