import { describe, it, expect } from 'vitest'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../../../test-support/render-app'
import { createFakeConsole } from '../../../test-support/fake-console-service'

describe('Publish wizard: wallet gate', () => {
  it(
    'says a wallet is needed before showing the form, and unlocks in place',
    { timeout: 20_000 },
    async () => {
      renderApp('/assets/new', createFakeConsole({ walletState: 'locked' }))
      const gate = await screen.findByRole(
        'region',
        { name: 'Unlock your wallet to publish' },
        { timeout: 8000 },
      )
      expect(screen.queryByRole('form', { name: 'Asset' })).toBeNull()
      await userEvent.type(within(gate).getByLabelText('Wallet password'), 'correct horse')
      await userEvent.click(within(gate).getByRole('button', { name: 'Unlock wallet' }))
      expect(await screen.findByRole('form', { name: 'Asset' })).toBeTruthy()
    },
  )

  it('sends a publisher with no wallet to Settings first', async () => {
    renderApp('/assets/new', createFakeConsole({ walletState: 'none' }))
    const gate = await screen.findByRole(
      'region',
      { name: 'You need a wallet to publish' },
      { timeout: 8000 },
    )
    expect(within(gate).getByRole('link', { name: 'Create a wallet in Settings' })).toBeTruthy()
  })
})
