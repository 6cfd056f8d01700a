import { describe, expect, it } from 'vitest'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { createFakeConsole, fakeTrustedAlgorithm } from '../../../test-support/fake-console-service'
import { useWizardDraft } from './wizard-draft'
import {
  ALGORITHM,
  fill,
  fillFiles,
  fillMetadata,
  next,
  openWizard,
  PAID_ENV,
  pickAlgorithm,
  pickEnvironment,
} from './wizard-test-kit'

describe('Publish wizard: compute settings', { timeout: 30_000 }, () => {
  it('picks a trusted algorithm by name and shows it with its publisher and the checksums it will be pinned with', async () => {
    const fake = createFakeConsole({ assets: [{ ...ALGORITHM }] })
    const { form } = await openWizard(fake)
    await fillFiles(form)
    await fillMetadata(form)
    await pickAlgorithm(form)
    const picked = within(form).getByRole('table', { name: 'Picked algorithms' })
    expect(picked.textContent).toContain('Mean temperature')
    // The console's own algorithm: published by this console's wallet (the fake's 0x6666…).
    expect(within(picked).getByTitle('0x' + '6'.repeat(40))).toBeTruthy()
    // Asked from the engine for this DID, shown before anything is signed.
    const expected = fakeTrustedAlgorithm(ALGORITHM.did)
    expect(await within(picked).findByTitle(expected.filesChecksum)).toBeTruthy()
    expect(within(picked).getByTitle(expected.containerSectionChecksum)).toBeTruthy()
    expect(fake.calls.filter((c) => c.method === 'getTrustedAlgorithmChecksums').map((c) => c.input)).toEqual(
      [{ did: ALGORITHM.did }],
    )
  })

  it('says so beside the algorithm when its checksums cannot be computed', async () => {
    const fake = createFakeConsole({ assets: [{ ...ALGORITHM }] })
    fake.fail.getTrustedAlgorithmChecksums = {
      code: 'ALGORITHM_FILES_UNREADABLE',
      message: 'The files of algorithm did:op:bbbb could not be read: file answered HTTP 404.',
    } as never
    const { form } = await openWizard(fake)
    await fillFiles(form)
    await fillMetadata(form)
    await pickAlgorithm(form)
    const picked = within(form).getByRole('table', { name: 'Picked algorithms' })
    const alert = await within(picked).findByRole('alert')
    expect(alert.textContent).toContain('file answered HTTP 404')
    expect(alert.textContent).toContain('Publishing would fail the same way')
  })

  it('offers the algorithms’ publishers to trust by address', async () => {
    const { form } = await openWizard()
    await fillFiles(form)
    await fillMetadata(form)
    await userEvent.type(within(form).getByLabelText('Trusted algorithm publishers'), '0x66')
    const option = await screen.findByText('0x' + '6'.repeat(40))
    await userEvent.click(option)
    expect(useWizardDraft.getState().values.trustedPublishers).toEqual(['0x' + '6'.repeat(40)])
  })

  it('lists the configured environments with their prices and asks for one before moving on', async () => {
    const fake = createFakeConsole({ assets: [{ ...ALGORITHM }] })
    fake.environments.push(PAID_ENV)
    const { form } = await openWizard(fake)
    await fillFiles(form)
    await fillMetadata(form)
    const group = within(form).getByRole('group', { name: /Environments/ })
    expect(within(group).getByRole('checkbox', { name: /^free-local/ })).toBeTruthy()
    expect(await within(group).findByText(/cpu 0.5/)).toBeTruthy()
    expect(group.textContent).toContain('OCEAN')
    await next(form)
    expect(within(form).getByText('Pick at least one environment consumers run jobs in.')).toBeTruthy()
    await pickEnvironment(form, 'paid-local')
    await next(form)
    expect(await within(form).findByRole('radiogroup', { name: /Price of access/ })).toBeTruthy()
  })

  it('for an algorithm asks for its container and an entrypoint instead of trusted algorithms', async () => {
    const { form } = await openWizard()
    await userEvent.click(within(form).getByText('Algorithm'))
    await fillFiles(form, '/srv/algo.py')
    await fillMetadata(form, 'Mean')
    expect(within(form).queryByLabelText('Trusted algorithms')).toBeNull()
    await fill(within(form).getByLabelText(/Entrypoint/), '')
    await pickEnvironment(form, 'free-local')
    await next(form)
    expect(
      within(form)
        .getByLabelText(/Entrypoint/)
        .getAttribute('aria-invalid'),
    ).toBe('true')
    expect(within(form).getByText('The command that runs the algorithm.')).toBeTruthy()
  })
})
