import { describe, expect, it } from 'vitest'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { createFakeConsole } from '../../../test-support/fake-console-service'
import { STEP_WORDS } from './publish-progress-steps'
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

async function toReview(
  form: HTMLElement,
  options: { environment?: string; price?: string; algorithm?: boolean } = {},
) {
  await fillFiles(form)
  await fillMetadata(form)
  if (options.algorithm !== false) await pickAlgorithm(form)
  await pickEnvironment(form, options.environment ?? 'free-local')
  await next(form)
  await within(form).findByRole('radiogroup', { name: /Price of access/ })
  if (options.price) {
    await userEvent.click(within(form).getByLabelText('A fixed price per datatoken'))
    await fill(within(form).getByLabelText('Price per datatoken'), options.price)
  }
  await next(form)
  return within(form).findByRole('table', { name: 'Review' })
}

describe('Publish wizard: review, publish and live', { timeout: 60_000 }, () => {
  it('publishes a free dataset: each on-chain step in order with its tx, then the live card to share', async () => {
    const fake = createFakeConsole({ assets: [{ ...ALGORITHM }] })
    const { form } = await openWizard(fake)
    const review = await toReview(form)
    expect(review.textContent).toContain('Mean temperature')
    expect(review.textContent).toContain('Free (dispenser)')
    expect(review.textContent).toContain('free-local')
    await userEvent.click(within(form).getByRole('button', { name: 'Publish' }))

    const live = await screen.findByRole('region', { name: /You're live: Weather 2024/ })
    const did = within(live).getByTestId('published-did').textContent ?? ''
    expect(did).toMatch(/^did:op:/)
    expect(within(live).getByTestId('published-provider-url').textContent).toBe('http://127.0.0.1:8001')
    expect(within(live).getByRole('button', { name: 'Copy DID' })).toBeTruthy()
    expect(within(live).getByRole('button', { name: 'Copy Provider URL' })).toBeTruthy()
    expect(within(live).getByRole('button', { name: 'Copy ocean.js snippet' })).toBeTruthy()
    expect(within(live).getByText(/freeComputeStart/).textContent).toContain("environmentId = 'free-local'")
    // The engine pinned the picked algorithm's checksums; the card shows them.
    const pinned = await within(live).findByRole('table', { name: 'Trusted algorithms, checksums pinned' })
    expect(within(pinned).getByTitle('f' + ALGORITHM.did.slice(-8))).toBeTruthy()

    const publish = fake.calls.find((c) => c.method === 'publishAsset')?.input as {
      draft: { service: { publisherTrustedAlgorithms: Array<{ did: string }>; files: unknown[] } }
    }
    expect(publish.draft.service.publisherTrustedAlgorithms.map((t) => t.did)).toEqual([ALGORITHM.did])
    // The picked environment is the dataset's allowed one, stored with it (its policy).
    expect(fake.calls.find((c) => c.method === 'publishAsset')?.input).toMatchObject({
      environments: ['free-local'],
    })
    expect((await fake.service.getDatasetPolicy({ did })).policy.environments).toEqual(['free-local'])
    expect(fake.calls.find((c) => c.method === 'createDispenser')?.input).toMatchObject({ did })

    const steps = within(await screen.findByRole('list', { name: 'On-chain steps of this publish' }))
    await waitFor(() => expect(steps.getAllByRole('listitem')).toHaveLength(5))
    expect(
      steps.getAllByRole('listitem').map((li) => li.textContent?.split(/working|sent|mined|done/)[0]),
    ).toEqual([
      STEP_WORDS.create,
      STEP_WORDS.encrypt,
      STEP_WORDS.metadata,
      STEP_WORDS.registry,
      STEP_WORDS.dispenser,
    ])
    for (const item of steps
      .getAllByRole('listitem')
      .filter((li) => !/Encrypt|Record/.test(li.textContent ?? '')))
      expect(within(item).getByText('tx')).toBeTruthy()
    // The draft is cleared once live: the next "New asset" starts empty.
    expect(useWizardDraft.getState().values.name).toBe('')
  })

  it('publishes at a fixed price: createFixedRate with the typed price, and the paid ocean.js snippet', async () => {
    const fake = createFakeConsole({ assets: [{ ...ALGORITHM }] })
    fake.environments.push(PAID_ENV)
    const { form } = await openWizard(fake)
    const review = await toReview(form, { environment: 'paid-local', price: '2.5', algorithm: false })
    expect(review.textContent).toContain('2.5 OCEAN per datatoken')
    await userEvent.click(within(form).getByRole('button', { name: 'Publish' }))
    const live = await screen.findByRole('region', { name: /You're live/ })
    expect(within(live).getByText(/initializeCompute/).textContent).toContain("environmentId = 'paid-local'")
    expect(fake.calls.find((c) => c.method === 'createFixedRate')?.input).toMatchObject({ price: '2.5' })
  })

  it('a refusal from the engine goes back to the step and field it is about, in words', async () => {
    const fake = createFakeConsole({ assets: [{ ...ALGORITHM }] })
    fake.fail.publishAsset = {
      code: 'REQUEST_INVALID',
      message: 'The draft is not valid.',
      details: [
        {
          path: 'draft.service.publisherTrustedAlgorithms.0.did',
          message: 'not an algorithm this console has',
        },
      ],
    } as never
    const { form } = await openWizard(fake)
    await toReview(form)
    await userEvent.click(within(form).getByRole('button', { name: 'Publish' }))
    const field = await within(form).findByLabelText('Trusted algorithms')
    expect(within(form).getByText('Not an algorithm this console has.')).toBeTruthy()
    expect(field.getAttribute('aria-invalid')).toBe('true')
    expect(within(form).queryByText(/publisherTrustedAlgorithms/)).toBeNull()
    // The values typed before are still there.
    expect(useWizardDraft.getState().values.name).toBe('Weather 2024')
  })

  it('a publish that fails after the NFT offers Resume (not a second NFT); a failed resume can be retried', async () => {
    const fake = createFakeConsole({ assets: [{ ...ALGORITHM }], publishFailsAtMetadata: true })
    const { form } = await openWizard(fake)
    await toReview(form, { algorithm: false })
    await userEvent.click(within(form).getByRole('button', { name: 'Publish' }))
    const failed = (await screen.findByText('Could not publish')).closest('[role="alert"]') as HTMLElement
    expect(failed.textContent).toContain('reverted')
    expect(within(form).getByText(/publishing again would create a second data NFT/)).toBeTruthy()
    // Starting over would mint another NFT: the way out is Resume.
    expect(within(form).queryByRole('button', { name: 'Back to review' })).toBeNull()
    const did = fake.unfinishedPublishes[0]!.did!

    fake.fail.resumePublish = { code: 'CHAIN_UNAVAILABLE', message: 'The chain RPC did not answer' }
    await userEvent.click(within(form).getByRole('button', { name: 'Resume' }))
    const resumeFailed = (await screen.findByText('Could not resume the publish')).closest(
      '[role="alert"]',
    ) as HTMLElement
    expect(resumeFailed.textContent).toContain('The chain RPC did not answer')
    delete fake.fail.resumePublish
    await userEvent.click(within(form).getByRole('button', { name: 'Resume' }))

    const live = await screen.findByRole('region', { name: /You're live: Weather 2024/ })
    expect(within(live).getByTestId('published-did').textContent).toBe(did)
    expect(fake.calls.filter((c) => c.method === 'publishAsset')).toHaveLength(1)
    expect(fake.calls.filter((c) => c.method === 'resumePublish').map((c) => c.input)).toEqual([
      { id: did },
      { id: did },
    ])
    // It ends as a publish does: the price picked in the wizard is set on the resumed asset.
    expect(fake.calls.find((c) => c.method === 'createDispenser')?.input).toMatchObject({ did })
    expect(fake.unfinishedPublishes).toEqual([])
    const steps = within(screen.getByRole('list', { name: 'On-chain steps of this publish' }))
    expect(
      steps
        .getAllByRole('listitem')
        .map((li) => [li.textContent?.split(/working|sent|mined|done|failed/)[0], li.dataset.status]),
    ).toEqual([
      [STEP_WORDS.create, 'mined'],
      [STEP_WORDS.metadata, 'failed'],
      // Encrypt reported again by the resume: one row, moved to where it happened last.
      [STEP_WORDS.encrypt, 'done'],
      [STEP_WORDS.metadata, 'mined'],
      [STEP_WORDS.registry, 'done'],
      [STEP_WORDS.dispenser, 'mined'],
    ])
  })

  it('a price that cannot be set leaves the asset live and says so', async () => {
    const fake = createFakeConsole({ assets: [{ ...ALGORITHM }] })
    fake.fail.createDispenser = { code: 'CHAIN_ERROR', message: 'The dispenser tx reverted.' }
    const { form } = await openWizard(fake)
    await toReview(form, { algorithm: false })
    await userEvent.click(within(form).getByRole('button', { name: 'Publish' }))
    expect(await screen.findByText(/Published, but the price could not be set/)).toBeTruthy()
    expect(screen.getByRole('region', { name: /You're live/ })).toBeTruthy()
  })
})
