// The status bar and shell banners: one wallet address, chain, backend, Provider URL; the dev-chain
// banner; one connection banner (not one error box per screen) when the console is unreachable.
import { describe, expect, it } from 'vitest'
import { cleanup, screen, within } from '@testing-library/react'
import { renderApp } from '../test-support/render-app'
import { createFakeConsole } from '../test-support/fake-console-service'
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
