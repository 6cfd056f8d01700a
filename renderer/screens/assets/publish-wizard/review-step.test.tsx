import { describe, expect, it } from 'vitest'
import { within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { createFakeConsole, fakeTrustedAlgorithm } from '../../../test-support/fake-console-service'
import {
  ALGORITHM,
  fillFiles,
  fillMetadata,
  next,
  openWizard,
  pickAlgorithm,
  pickEnvironment,
} from './wizard-test-kit'

async function toReview(form: HTMLElement) {
  await fillFiles(form)
  await fillMetadata(form)
  await pickAlgorithm(form)
  await pickEnvironment(form, 'free-local')
  await next(form)
  await within(form).findByRole('radiogroup', { name: /Price of access/ })
  await next(form)
  return within(form).findByRole('table', { name: 'Review' })
}

const rowOf = (review: HTMLElement, name: string) =>
  within(review).getByRole('rowheader', { name }).closest('tr') as HTMLElement

describe('Publish wizard: review', { timeout: 30_000 }, () => {
  it('lists each trusted algorithm with the checksums the dataset will pin, and the allowed environments', async () => {
    const fake = createFakeConsole({ assets: [{ ...ALGORITHM }] })
    const { form } = await openWizard(fake)
    const review = await toReview(form)
    const trusted = rowOf(review, 'Trusted algorithms')
    expect(trusted.textContent).toContain('Mean temperature')
    const expected = fakeTrustedAlgorithm(ALGORITHM.did)
    expect(await within(trusted).findByTitle(expected.filesChecksum)).toBeTruthy()
    expect(within(trusted).getByTitle(expected.containerSectionChecksum)).toBeTruthy()
    expect(
      within(trusted).getByRole('button', { name: `Copy files checksum ${expected.filesChecksum}` }),
    ).toBeTruthy()
    expect(rowOf(review, 'Environments').textContent).toBe(
      'Environmentsfree-local (jobs in any other are refused)',
    )
    // The publish sends the pick; the engine pins the same checksums (its own test proves equality).
    await userEvent.click(within(form).getByRole('button', { name: 'Publish' }))
    await within(document.body).findByRole('region', { name: /You're live/ })
    const published = (await fake.service.listAssets({})).assets.at(-1)!
    const details = await fake.service.getAsset({ did: published.did })
    expect(details.publisherTrustedAlgorithms).toEqual([expected])
  })

  it('says None when no algorithm is trusted', async () => {
    const { form } = await openWizard()
    await fillFiles(form)
    await fillMetadata(form)
    await pickEnvironment(form, 'free-local')
    await next(form)
    await within(form).findByRole('radiogroup', { name: /Price of access/ })
    await next(form)
    const review = await within(form).findByRole('table', { name: 'Review' })
    expect(rowOf(review, 'Trusted algorithms').textContent).toBe('Trusted algorithmsNone')
  })
})
