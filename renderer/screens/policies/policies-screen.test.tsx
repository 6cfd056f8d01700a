import { describe, expect, it } from 'vitest'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { DatasetPolicySummary } from '../../../engine/console-api/contract'
import { renderApp } from '../../test-support/render-app'
import {
  createFakeConsole,
  makeAccessRequest as pendingRequest,
  makeAsset,
} from '../../test-support/fake-console-service'
import { pickOption } from '../../test-support/pick-option'

const DID = 'did:op:' + 'd'.repeat(64)
const A = '0x' + 'a'.repeat(40)
const B = '0x' + 'b'.repeat(40)
// Generous waits: these render the whole app, and CI machines are shared.
const SLOW = { timeout: 15_000 }

function fakeWithDataset(over: Parameters<typeof createFakeConsole>[0] = {}) {
  return createFakeConsole({ assets: [makeAsset({ did: DID })], ...over })
}
const lastPolicy = (fake: ReturnType<typeof createFakeConsole>) =>
  (
    fake.calls.filter((c) => c.method === 'setDatasetPolicy').at(-1)?.input as {
      policy: DatasetPolicySummary
    }
  )?.policy

describe('PoliciesScreen', () => {
  it('picks a dataset from the list and opens its policy at #/policies/<did>', async () => {
    const { history } = renderApp('/policies', fakeWithDataset())
    await pickOption(await screen.findByRole('combobox', { name: 'Dataset' }, SLOW), /^Weather/)
    await waitFor(() => expect(decodeURIComponent(history.location.pathname)).toBe(`/policies/${DID}`))
    expect(await screen.findByRole('form', { name: 'Dataset policy' }, SLOW)).toBeTruthy()
  }, 60_000)

  it('adds to the allow list (an invalid address is refused next to the field) and removes after a confirmation', async () => {
    const fake = fakeWithDataset()
    renderApp(`/policies/${DID}`, fake)
    const allow = await screen.findByRole('region', { name: 'Allow list' }, SLOW)
    const field = within(allow).getByLabelText('Add to the allow list')
    await userEvent.type(field, '0x123')
    await userEvent.click(within(allow).getByRole('button', { name: 'Add' }))
    expect(within(allow).getByText('An 0x address of 40 hex digits.')).toBeTruthy()
    expect(fake.calls.some((c) => c.method === 'setDatasetPolicy')).toBe(false)
    await userEvent.clear(field)
    await userEvent.type(field, A.toUpperCase().replace('0X', '0x'))
    await userEvent.click(within(allow).getByRole('button', { name: 'Add' }))
    await waitFor(() => expect(lastPolicy(fake)?.consumers.allow).toEqual([A]))
    await userEvent.click(
      await within(allow).findByRole('button', { name: `Remove ${A} from the allow list` }, SLOW),
    )
    const dialog = await screen.findByRole('dialog', { name: 'Remove from the allow list?' }, SLOW)
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(lastPolicy(fake)?.consumers.allow).toEqual([A])
    await userEvent.click(within(allow).getByRole('button', { name: `Remove ${A} from the allow list` }))
    await userEvent.click(
      within(await screen.findByRole('dialog', { name: 'Remove from the allow list?' }, SLOW)).getByRole(
        'button',
        {
          name: 'Remove',
        },
      ),
    )
    await waitFor(() => expect(lastPolicy(fake)?.consumers.allow).toEqual([]))
  }, 60_000)

  it('saves output release, window and quotas; a window out of range is refused next to it; removing a quota asks first', async () => {
    const fake = fakeWithDataset()
    renderApp(`/policies/${DID}`, fake)
    const form = await screen.findByRole('form', { name: 'Dataset policy' }, SLOW)
    await userEvent.click(within(form).getByText('Publisher review'))
    const windowField = within(form).getByLabelText('Review window (minutes)')
    await userEvent.clear(windowField)
    await userEvent.click(within(form).getByRole('button', { name: 'Save policy' }))
    expect(within(form).getByText('From 1 minute to 43200 minutes (30 days).')).toBeTruthy()
    expect(fake.calls.some((c) => c.method === 'setDatasetPolicy')).toBe(false)
    await userEvent.type(windowField, '90')
    await userEvent.type(within(form).getByLabelText('Jobs per day'), '5')
    await userEvent.click(within(form).getByRole('button', { name: 'Save policy' }))
    await waitFor(() =>
      expect(lastPolicy(fake)).toMatchObject({
        outputRelease: 'publisher-review',
        reviewWindowSec: 5400,
        quotas: { jobsPerDay: 5 },
      }),
    )
    expect(
      await within(form).findByText('Saved: the Provider applies it to the next request.', {}, SLOW),
    ).toBeTruthy()
    const saved = await screen.findByRole('form', { name: 'Dataset policy' }, SLOW)
    await userEvent.clear(within(saved).getByLabelText('Jobs per day'))
    await userEvent.click(within(saved).getByRole('button', { name: 'Save policy' }))
    const dialog = await screen.findByRole('dialog', { name: 'Remove these limits?' }, SLOW)
    expect(within(dialog).getByText(/jobs per day \(5\)/)).toBeTruthy()
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save and remove' }))
    await waitFor(() => expect(lastPolicy(fake)?.quotas).toEqual({}))
  }, 60_000)

  it("shows the console API's field error next to its field", async () => {
    const fake = fakeWithDataset()
    fake.fail.setDatasetPolicy = {
      code: 'REQUEST_INVALID',
      message: 'Invalid input',
      details: [{ path: 'policy.quotas.concurrentJobs', message: 'too big: expected at most 1000000' }],
    } as never
    renderApp(`/policies/${DID}`, fake)
    const form = await screen.findByRole('form', { name: 'Dataset policy' }, SLOW)
    await userEvent.type(within(form).getByLabelText('Concurrent jobs'), '3')
    await userEvent.click(within(form).getByRole('button', { name: 'Save policy' }))
    const field = within(form).getByLabelText('Concurrent jobs')
    await waitFor(() => expect(field.getAttribute('aria-invalid')).toBe('true'))
    expect(within(form).getByText('Too big: expected at most 1000000.')).toBeTruthy()
  }, 60_000)

  it("lists the dataset's node-only approvals and removes one after a confirmation", async () => {
    const request = pendingRequest({
      datasetDid: DID,
      status: 'approved',
      policies: [{ id: 'pol-1', requestId: 'a1b2c3d4e5f60718', consumer: B, untilMs: null, createdAtMs: 1 }],
    })
    const fake = fakeWithDataset({ accessRequests: [request] })
    renderApp(`/policies/${DID}`, fake)
    const table = await screen.findByRole('table', { name: 'Node-only approvals' }, SLOW)
    expect(within(table).getByText('no end')).toBeTruthy()
    await userEvent.click(within(table).getByRole('button', { name: 'Remove approval pol-1' }))
    const dialog = await screen.findByRole('dialog', { name: 'Remove this node-only approval?' }, SLOW)
    await userEvent.click(within(dialog).getByRole('button', { name: 'Remove approval' }))
    await waitFor(() =>
      expect(fake.calls.find((c) => c.method === 'revokeNodeApproval')?.input).toEqual({
        policyId: 'pol-1',
        confirm: true,
      }),
    )
    expect(await screen.findByText('No node-only approvals on this dataset.', {}, SLOW)).toBeTruthy()
  }, 60_000)

  it('sets quotas per compute environment', async () => {
    const fake = fakeWithDataset()
    renderApp('/policies', fake)
    const envId = fake.environments[0]!.id
    const card = await screen.findByRole('form', { name: `Quotas of environment ${envId}` }, SLOW)
    await userEvent.type(within(card).getByLabelText(`Concurrent jobs in ${envId}`), '2')
    await userEvent.click(within(card).getByRole('button', { name: `Save quotas of ${envId}` }))
    await waitFor(() =>
      expect(fake.calls.find((c) => c.method === 'setEnvironmentQuotas')?.input).toEqual({
        environmentId: envId,
        quotas: { concurrentJobs: 2 },
      }),
    )
  }, 60_000)
})

describe('asset page', () => {
  it("lists a dataset's node-only approvals and links to its policies", async () => {
    const request = pendingRequest({
      datasetDid: DID,
      status: 'approved',
      policies: [
        { id: 'pol-1', requestId: 'a1b2c3d4e5f60718', consumer: null, untilMs: null, createdAtMs: 1 },
      ],
    })
    const { history } = renderApp(`/assets/${DID}`, fakeWithDataset({ accessRequests: [request] }))
    const table = await screen.findByRole('table', { name: 'Node-only approvals' }, SLOW)
    expect(within(table).getByText('every consumer')).toBeTruthy()
    await userEvent.click(screen.getByRole('link', { name: "Edit this dataset's policies" }))
    await waitFor(() => expect(decodeURIComponent(history.location.pathname)).toBe(`/policies/${DID}`))
  }, 60_000)
})
