import { describe, expect, it } from 'vitest'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../../../test-support/render-app'
import { createFakeConsole, makeAsset } from '../../../test-support/fake-console-service'
import { PAID_ENV } from '../publish-wizard/wizard-test-kit'

const dataset = makeAsset()
const T = { timeout: 30_000 }

async function openWithPolicy(environments: string[]) {
  const fake = createFakeConsole({ assets: [{ ...dataset }] })
  fake.environments.push(PAID_ENV)
  const { policy } = await fake.service.getDatasetPolicy({ did: dataset.did })
  await fake.service.setDatasetPolicy({
    did: dataset.did,
    policy: { ...policy, consumers: { allow: [], deny: ['0x' + '7'.repeat(40)] }, environments },
  })
  renderApp(`/assets/${dataset.did}`, fake)
  const section = await screen.findByRole('region', { name: 'Compute environments' }, { timeout: 8000 })
  const form = await within(section).findByRole('form', { name: 'Edit allowed environments' })
  return { fake, section, form }
}
const saved = (fake: ReturnType<typeof createFakeConsole>) =>
  fake.calls.filter((c) => c.method === 'setDatasetPolicy').at(-1)?.input as {
    policy: { environments: string[]; consumers: { deny: string[] } }
  }

describe('Asset page: allowed compute environments', () => {
  it(
    'shows the environments the dataset allows and adds one, keeping the rest of its policy',
    T,
    async () => {
      const { fake, section, form } = await openWithPolicy(['free-local'])
      expect(within(section).getByText(/only in: free-local\. Any other environment is refused/)).toBeTruthy()
      expect(within(form).getByRole('radio', { name: /Only the environments picked below/ })).toHaveProperty(
        'checked',
        true,
      )
      const free = within(form).getByRole('checkbox', { name: /^free-local/ })
      expect(free).toHaveProperty('checked', true)
      const save = within(form).getByRole('button', { name: 'Save environments' })
      expect(save).toHaveProperty('disabled', true)
      await userEvent.click(await within(form).findByRole('checkbox', { name: /^paid-local/ }))
      await userEvent.click(save)
      await waitFor(() => expect(saved(fake)?.policy.environments).toEqual(['free-local', 'paid-local']))
      // The consumer lists set on the Policies screen are sent back unchanged.
      expect(saved(fake).policy.consumers.deny).toEqual(['0x' + '7'.repeat(40)])
      expect(await within(section).findByText(/only in: free-local, paid-local/)).toBeTruthy()
      expect(within(section).getByText(/Saved: the next request on this dataset is checked/)).toBeTruthy()
    },
  )

  it('allows every environment again, and asks for one when "only" is left empty', T, async () => {
    const { fake, section, form } = await openWithPolicy(['free-local'])
    await userEvent.click(within(form).getByRole('checkbox', { name: /^free-local/ }))
    await userEvent.click(within(form).getByRole('button', { name: 'Save environments' }))
    expect(
      await within(form).findByText('Pick at least one environment, or allow every environment.'),
    ).toBeTruthy()
    // Nothing sent (the seed above went to the fake's service directly, not through the client).
    expect(fake.calls.filter((c) => c.method === 'setDatasetPolicy')).toHaveLength(0)
    await userEvent.click(within(form).getByRole('radio', { name: /Every environment/ }))
    await userEvent.click(within(form).getByRole('button', { name: 'Save environments' }))
    await waitFor(() => expect(saved(fake)?.policy.environments).toEqual([]))
    expect(await within(section).findByText(/in every environment the Provider lists/)).toBeTruthy()
  })

  it('keeps an allowed environment that was deleted since, named as such', T, async () => {
    const { form } = await openWithPolicy(['gone-env'])
    expect(
      await within(form).findByRole('checkbox', {
        name: 'gone-env (no longer configured on Compute backend)',
      }),
    ).toHaveProperty('checked', true)
  })

  it('says why the engine refused the save, beside the list', T, async () => {
    const { fake, form } = await openWithPolicy(['free-local'])
    fake.fail.setDatasetPolicy = {
      code: 'REQUEST_INVALID',
      message: 'No compute environment paid-local in this console.',
      details: [{ path: 'policy.environments.1', message: 'no environment paid-local' }],
    } as never
    await userEvent.click(await within(form).findByRole('checkbox', { name: /^paid-local/ }))
    await userEvent.click(within(form).getByRole('button', { name: 'Save environments' }))
    expect(await within(form).findByText('No environment paid-local.')).toBeTruthy()
  })
})
