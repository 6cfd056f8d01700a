import { afterEach, describe, it, expect } from 'vitest'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { AssetSummary } from '../../../engine/console-api/contract'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole } from '../../test-support/fake-console-service'

const dataset: AssetSummary = {
  did: 'did:op:' + 'd'.repeat(64),
  kind: 'dataset',
  name: 'Weather 2024',
  chainId: 8996,
  nftAddress: '0x' + '2'.repeat(40),
  datatokenAddress: '0x' + '3'.repeat(40),
  state: 0,
  serviceIds: ['compute'],
  createdAtMs: 1,
  updatedAtMs: 1,
}
const originalConfirm = window.confirm
afterEach(() => {
  window.confirm = originalConfirm
})
/** window.confirm answers from a script and remembers each question. */
function answerConfirm(...answers: boolean[]): string[] {
  const asked: string[] = []
  window.confirm = (question?: string) => (asked.push(String(question)), answers.shift() ?? false)
  return asked
}

async function openManage() {
  const fake = createFakeConsole({ assets: [{ ...dataset }] })
  renderApp('assets', fake)
  const table = await screen.findByRole('table', { name: 'Assets' })
  expect(within(table).getByText('Active')).toBeTruthy()
  await userEvent.click(within(table).getByRole('button', { name: 'Manage Weather 2024' }))
  return { fake, table }
}

describe('Asset actions', () => {
  it('changes the state only after confirmation and shows the badge and the tx hash', async () => {
    const { fake, table } = await openManage()
    const asked = answerConfirm(false, true)
    const form = screen.getByRole('form', { name: 'Asset state' })
    await userEvent.selectOptions(within(form).getByLabelText('New state'), 'revoked')
    await userEvent.click(within(form).getByRole('button', { name: 'Change state' }))
    expect(asked[0]).toContain('Set Weather 2024 to revoked?')
    expect(asked[0]).toContain('no longer start compute jobs')
    expect(fake.calls.some((c) => c.method === 'setAssetState')).toBe(false)
    await userEvent.click(within(form).getByRole('button', { name: 'Change state' }))
    expect(await within(table).findByText('Revoked (compute refused)')).toBeTruthy()
    expect(fake.calls.find((c) => c.method === 'setAssetState')?.input).toEqual({
      did: dataset.did,
      state: 'revoked',
      confirm: true,
    })
    const status = await screen.findByText(/State set to revoked/)
    const txHash = status.querySelector('code')?.textContent ?? ''
    expect(txHash).toMatch(/^0x[0-9a-f]{64}$/)
    const log = await screen.findByRole('log', { name: 'On-chain steps' })
    expect(within(log).getByText(/Set asset state: mined/).textContent).toContain(txHash)
  })

  it('checks the mint form before sending: bad address and amounts are refused in place', async () => {
    const { fake } = await openManage()
    const asked = answerConfirm(true)
    const form = screen.getByRole('form', { name: 'Mint datatokens' })
    await userEvent.type(within(form).getByLabelText('Recipient address'), '0x1234')
    await userEvent.type(within(form).getByLabelText('Amount'), '0')
    await userEvent.click(within(form).getByRole('button', { name: 'Mint' }))
    expect(within(form).getByText('an 0x address of 40 hex digits')).toBeTruthy()
    expect(within(form).getByText('must be more than 0')).toBeTruthy()
    await userEvent.clear(within(form).getByLabelText('Amount'))
    await userEvent.type(within(form).getByLabelText('Amount'), '1.5e3')
    await userEvent.click(within(form).getByRole('button', { name: 'Mint' }))
    expect(within(form).getByText(/a number of tokens such as/)).toBeTruthy()
    expect(asked).toEqual([])
    expect(fake.calls.some((c) => c.method === 'mintDatatokens')).toBe(false)

    const consumer = '0x' + 'a'.repeat(40)
    await userEvent.clear(within(form).getByLabelText('Recipient address'))
    await userEvent.type(within(form).getByLabelText('Recipient address'), consumer)
    await userEvent.clear(within(form).getByLabelText('Amount'))
    await userEvent.type(within(form).getByLabelText('Amount'), '2.5')
    await userEvent.click(within(form).getByRole('button', { name: 'Mint' }))
    expect(asked).toEqual([`Mint 2.5 datatokens of Weather 2024 to ${consumer}? This sends a transaction.`])
    expect((await screen.findByTestId('distribution-tx')).textContent).toMatch(/^0x[0-9a-f]{64}$/)
    expect(fake.calls.find((c) => c.method === 'mintDatatokens')?.input).toEqual({
      did: dataset.did,
      to: consumer,
      amount: '2.5',
      confirm: true,
    })
    expect(within(form).queryByRole('alert')).toBeNull()
  })

  it('creates a dispenser and a fixed price with the chosen values', async () => {
    const { fake } = await openManage()
    answerConfirm(true, true)
    await userEvent.click(
      within(screen.getByRole('form', { name: 'Free dispenser' })).getByRole('button', {
        name: 'Create dispenser',
      }),
    )
    await screen.findByTestId('distribution-tx')
    const price = screen.getByRole('form', { name: 'Fixed price' })
    await userEvent.type(within(price).getByLabelText('Price per datatoken'), '3')
    await userEvent.click(within(price).getByRole('button', { name: 'Set fixed price' }))
    await screen.findByText(/Create fixed-rate price: mined/)
    expect(
      fake.calls
        .filter((c) => c.method === 'createDispenser' || c.method === 'createFixedRate')
        .map((c) => c.input),
    ).toEqual([
      { did: dataset.did, maxTokens: '1', maxBalance: '1', confirm: true },
      { did: dataset.did, price: '3', confirm: true },
    ])
  })

  it('says what to do when the chain refuses (wallet without gas)', async () => {
    const { fake } = await openManage()
    answerConfirm(true)
    fake.fail.createDispenser = {
      code: 'INSUFFICIENT_FUNDS',
      message: 'The publisher has not enough native coin for gas on chain 8996',
    }
    await userEvent.click(
      within(screen.getByRole('form', { name: 'Free dispenser' })).getByRole('button', {
        name: 'Create dispenser',
      }),
    )
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('The datatoken action failed')
    expect(alert.textContent).toContain('Send native coin (for gas)')
  })
})
