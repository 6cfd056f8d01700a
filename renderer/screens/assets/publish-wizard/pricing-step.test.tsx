import { describe, expect, it } from 'vitest'
import { within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { createFakeConsole } from '../../../test-support/fake-console-service'
import {
  ALGORITHM,
  fill,
  fillFiles,
  fillMetadata,
  next,
  openWizard,
  PAID_ENV,
  pickEnvironment,
} from './wizard-test-kit'

async function toPricing(environment: string) {
  const fake = createFakeConsole({ assets: [{ ...ALGORITHM }] })
  fake.environments.push(PAID_ENV)
  const opened = await openWizard(fake)
  await fillFiles(opened.form)
  await fillMetadata(opened.form)
  await pickEnvironment(opened.form, environment)
  await next(opened.form)
  await within(opened.form).findByRole('radiogroup', { name: /Price of access/ })
  return opened
}

describe('Publish wizard: pricing', { timeout: 30_000 }, () => {
  it('shows the picked environment’s price in OCEAN and what the smallest job costs per minute', async () => {
    const { form } = await toPricing('paid-local')
    const section = within(form).getByRole('region', { name: 'Compute time in paid-local' })
    expect(await within(section).findByText(/cpu 0.5/)).toBeTruthy()
    // 1 CPU × 0.5 + 1 GB × 0.1 + 1 GB × 0.01 = 0.61 OCEAN per minute, in the app's token format.
    expect((await within(section).findByTestId('minimum-job-price')).textContent).toContain('0.61 OCEAN')
  })

  it('a free environment says it is free only', async () => {
    const { form } = await toPricing('free-local')
    const section = within(form).getByRole('region', { name: 'Compute time in free-local' })
    expect(section.textContent).toContain('Free only')
    expect(section.textContent).toContain('Free tier: 1 job at a time')
    expect(within(section).queryByTestId('minimum-job-price')).toBeNull()
  })

  it('a fixed price must be a positive number of tokens, said beside the field', async () => {
    const { form } = await toPricing('paid-local')
    await userEvent.click(within(form).getByLabelText('A fixed price per datatoken'))
    const price = within(form).getByLabelText('Price per datatoken')
    await fill(price, '0')
    await next(form)
    expect(price.getAttribute('aria-invalid')).toBe('true')
    expect(within(form).getByText('Must be more than 0.')).toBeTruthy()
    await fill(price, 'abc')
    await next(form)
    expect(within(form).getByText(/A number of tokens such as "10" or "0.5"/)).toBeTruthy()
    await fill(price, '2.5')
    await next(form)
    const review = await within(form).findByRole('table', { name: 'Review' })
    expect(review.textContent).toContain('2.5 OCEAN per datatoken')
    expect(review.textContent).toContain('paid-local')
  })
})
