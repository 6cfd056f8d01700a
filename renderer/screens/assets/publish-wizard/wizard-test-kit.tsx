// Shared by the wizard's component tests: the app at #/assets/new over the fake console, and the
// walk through the steps a publisher takes (each step's test starts where the one before ends).
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { expect } from 'vitest'
import type { ConsoleEnvironment } from '../../../../engine/console-api/contract'
import { renderApp } from '../../../test-support/render-app'
import {
  createFakeConsole,
  FAKE_OCEAN,
  makeAsset,
  type FakeConsole,
} from '../../../test-support/fake-console-service'

export const ALGORITHM = makeAsset({
  did: 'did:op:' + 'b'.repeat(64),
  kind: 'algorithm',
  name: 'Mean temperature',
  nftAddress: '0x' + '4'.repeat(40),
  datatokenAddress: '0x' + '5'.repeat(40),
})

/** A paid environment: 0.5 OCEAN per CPU, 0.1 per GB of RAM, 0.01 per GB of disk, per minute. */
export const PAID_ENV: ConsoleEnvironment = {
  id: 'paid-local',
  description: 'Paid sandbox',
  cpu: { total: 2, max: 2, min: 1 },
  ramGb: { total: 4, max: 2, min: 1 },
  diskGb: { total: 10, max: 5, min: 1 },
  minJobDurationSec: 60,
  maxJobDurationSec: 3600,
  maxJobs: 2,
  queueMaxWaitTimeSec: 0,
  storageExpirySec: 604800,
  allowNetwork: false,
  accessAddresses: [],
  fees: {
    '8996': [
      {
        feeToken: FAKE_OCEAN,
        prices: [
          { id: 'cpu', price: 0.5 },
          { id: 'ram', price: 0.1 },
          { id: 'disk', price: 0.01 },
        ],
      },
    ],
  },
}

export async function openWizard(fake: FakeConsole = createFakeConsole({ assets: [{ ...ALGORITHM }] })) {
  const rendered = renderApp('/assets/new', fake)
  const form = await screen.findByRole('form', { name: 'Asset' }, { timeout: 8000 })
  return { ...rendered, form }
}

/** Types into a field at once (paste): the steps' tests are about the wizard, not keystrokes. */
export async function fill(field: HTMLElement, text: string) {
  await userEvent.clear(field)
  await userEvent.click(field)
  if (text) await userEvent.paste(text)
}

export const next = (form: HTMLElement) => userEvent.click(within(form).getByRole('button', { name: 'Next' }))

export async function fillFiles(form: HTMLElement, file = 'https://data.example/weather.csv') {
  await fill(within(form).getByLabelText('File (URL or local path)'), file)
  await next(form)
  expect(await within(form).findByLabelText('Name')).toBeTruthy()
}

export async function fillMetadata(form: HTMLElement, name = 'Weather 2024') {
  await fill(within(form).getByLabelText('Name'), name)
  await next(form)
  expect(await within(form).findByRole('switch', { name: /Allow network access/ })).toBeTruthy()
}

export async function pickAlgorithm(form: HTMLElement, text = 'Mean') {
  const field = within(form).getByLabelText('Trusted algorithms')
  await userEvent.click(field)
  await userEvent.type(field, text)
  await userEvent.click(await screen.findByText(/Mean temperature \(did:op:bbbbbb/))
}

export async function pickEnvironment(form: HTMLElement, id: string) {
  await userEvent.click(within(form).getByRole('checkbox', { name: new RegExp(`^${id}`) }))
}
