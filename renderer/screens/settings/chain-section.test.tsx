// Settings → Chain → Check: the choice is tried before it is saved, every check listed with its
// fix, a failed check named in the confirmation, and a result that goes stale when the fields change.
import { describe, expect, it } from 'vitest'
import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../../test-support/render-app'

const T = { timeout: 30_000 }
const wait = { timeout: 8000 }

async function rpcForm(url: string, chainId: string) {
  const form = await screen.findByRole('form', { name: 'Chain' }, wait)
  await userEvent.click(within(form).getByRole('radio', { name: 'RPC URL' }))
  fireEvent.change(within(form).getByLabelText('RPC endpoint URL'), { target: { value: url } })
  fireEvent.change(within(form).getByLabelText('Chain id'), { target: { value: chainId } })
  return form
}

describe('ChainSection check', () => {
  it('checks an RPC before saving: reachable, chain id, contracts, with the block height', T, async () => {
    const { fake } = renderApp('settings')
    const form = await rpcForm('https://polygon.example', '137')
    await userEvent.click(within(form).getByRole('button', { name: 'Check' }))
    const status = await within(form).findByRole('status', {}, wait)
    expect(status.textContent).toContain('Every check passed at block 123,456.')
    const checks = within(form).getByRole('list', { name: 'Chain checks' })
    expect(within(checks).getByText('RPC answers')).toBeTruthy()
    expect(within(checks).getByText('Chain id matches')).toBeTruthy()
    expect(within(checks).getByText('Ocean: the OCEAN token')).toBeTruthy()
    expect(fake.calls.filter((c) => c.method === 'checkChain').map((c) => c.input)).toEqual([
      { mode: 'rpc', rpcUrl: 'https://polygon.example', chainId: 137 },
    ])
    expect(fake.calls.some((c) => c.method === 'saveSettings')).toBe(false)
    // Editing a field makes the result stale: it is no longer shown.
    fireEvent.change(within(form).getByLabelText('Chain id'), { target: { value: '1' } })
    expect(within(form).queryByRole('list', { name: 'Chain checks' })).toBeNull()
  })

  it('lists a failed check with its cause and fix, and the confirmation says so', T, async () => {
    const { fake } = renderApp('settings')
    const form = await rpcForm('https://polygon.example', '1')
    await userEvent.click(within(form).getByRole('button', { name: 'Use this chain' }))
    // "Use this chain" checked first; the confirmation names the failure and asks to switch anyway.
    const dialog = await screen.findByRole('dialog', { name: 'Switch to a chain whose check failed?' }, wait)
    expect(dialog.textContent).toContain('1 of 2 checks failed at block 123,456: Chain id matches.')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    const checks = within(form).getByRole('list', { name: 'Chain checks' })
    expect(within(checks).getByText('The RPC serves chain 137, but chain 1 is typed.')).toBeTruthy()
    expect(within(checks).getByText(/Type chain id 137/)).toBeTruthy()
    expect(fake.calls.some((c) => c.method === 'saveSettings')).toBe(false)
  })

  it('tells an RPC that does not answer apart', T, async () => {
    renderApp('settings')
    const form = await rpcForm('https://unreachable.example', '137')
    await userEvent.click(within(form).getByRole('button', { name: 'Check' }))
    await waitFor(
      () => expect(within(form).getByRole('status').textContent).toContain('1 of 1 checks failed'),
      wait,
    )
    expect(within(form).getByText(/No answer from https:\/\/unreachable.example: ECONNREFUSED/)).toBeTruthy()
  })
})
