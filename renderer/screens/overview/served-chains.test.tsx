// Chain facts per served chain (issue 14): the Overview has a row per chain (name, id, RPC
// reachable or not, block height) and the status bar's chain item opens the same list. With one
// chain both stay as they were.
import { describe, expect, it } from 'vitest'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole, FAKE_OCEAN_2 } from '../../test-support/fake-console-service'

const wait = { timeout: 10_000 }
const twoChains = () =>
  createFakeConsole({
    blockNumber: 1_234_567,
    extraChains: [{ chainId: 8997, name: 'second', feeToken: FAKE_OCEAN_2, blockNumber: null }],
  })
const cells = (row: HTMLElement) =>
  within(row)
    .getAllByRole('cell')
    .map((c) => c.textContent)

describe('served chains on the Overview and in the status bar', () => {
  it('the Overview lists each served chain with its RPC state and block height', async () => {
    renderApp('overview', twoChains())
    const section = await screen.findByRole('region', { name: 'Served chains' }, wait)
    const table = within(section).getByRole('table', { name: 'Served chains' })
    const dev = within(table).getByRole('row', { name: /dev chain/ })
    expect(dev.textContent).toContain('primary')
    expect(cells(dev)).toEqual(['8996', 'reachable', '1,234,567'])
    expect(cells(within(table).getByRole('row', { name: /second/ }))).toEqual([
      '8997',
      'not answering',
      'unknown',
    ])
    expect(screen.getByRole('region', { name: 'Chain' }).textContent).toContain('and 1 more served')
  })

  it("the status bar's chain item opens every served chain", async () => {
    renderApp('overview', twoChains())
    const footer = await screen.findByRole('contentinfo')
    expect(await within(footer).findByText(/Chain: dev \(8996\)/, {}, wait)).toBeTruthy()
    const more = within(footer).getByRole('button', { name: 'All 2 served chains, 1 not answering' })
    expect(more.textContent).toBe('+1 chain (1 down)')
    await userEvent.click(more)
    const list = await screen.findByRole('table', { name: 'Served chains' })
    expect(cells(within(list).getByRole('row', { name: /second/ }))).toEqual([
      '8997',
      'not answering',
      'unknown',
    ])
    expect(cells(within(list).getByRole('row', { name: /dev chain/ }))).toEqual([
      '8996',
      'reachable',
      '1,234,567',
    ])
  })

  it('with one chain, no list of chains anywhere', async () => {
    renderApp('overview', createFakeConsole())
    const footer = await screen.findByRole('contentinfo')
    await within(footer).findByText(/Chain: dev \(8996\)/, {}, wait)
    await screen.findByRole('region', { name: 'Chain' })
    expect(screen.queryByRole('region', { name: 'Served chains' })).toBeNull()
    expect(within(footer).queryByRole('button', { name: /served chains/ })).toBeNull()
  })
})
