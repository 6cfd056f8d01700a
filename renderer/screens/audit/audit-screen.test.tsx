import { describe, expect, it } from 'vitest'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { AuditEventSummary } from '../../../engine/console-api/contract'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole } from '../../test-support/fake-console-service'

const event = (seq: number, type: string, subject: string): AuditEventSummary => ({
  seq,
  atMs: 1_700_000_000_000 + seq,
  type,
  actor: '0x' + '1'.repeat(40),
  subject,
  details: { endpoint: 'freeStartCompute' },
  prevHash: String(seq - 1).padStart(64, '0'),
  hash: String(seq).padStart(64, '0'),
})

// Generous waits: these render the whole app, and CI machines are shared.
const SLOW = { timeout: 15_000 }

describe('AuditScreen', () => {
  it('lists events, filters by type, verifies the chain and exports', async () => {
    const fake = createFakeConsole({
      auditEvents: [event(1, 'access.refused', 'did:op:x'), event(2, 'review.released', 'job-1')],
    })
    renderApp('/audit', fake)
    const table = await screen.findByRole('table', { name: 'Audit events' }, SLOW)
    expect(within(table).getAllByRole('row')).toHaveLength(3)
    await userEvent.type(screen.getByLabelText('Asset DID or job id'), 'job-1')
    await waitFor(
      () =>
        expect(within(screen.getByRole('table', { name: 'Audit events' })).getAllByRole('row')).toHaveLength(
          2,
        ),
      SLOW,
    )
    expect(
      fake.calls.some(
        (c) => c.method === 'listAuditEvents' && (c.input as { subject?: string }).subject === 'job-1',
      ),
    ).toBe(true)
    await userEvent.click(screen.getByRole('button', { name: 'Verify the chain' }))
    expect(await screen.findByText('The chain is intact', {}, SLOW)).toBeTruthy()
    URL.createObjectURL ??= () => 'blob:x'
    URL.revokeObjectURL ??= () => {}
    await userEvent.click(screen.getByRole('button', { name: 'Export CSV' }))
    expect(fake.calls.find((c) => c.method === 'exportAudit')?.input).toMatchObject({
      format: 'csv',
      subject: 'job-1',
    })
    expect(await screen.findByText(/Exported up to row/, {}, SLOW)).toBeTruthy()
  }, 60_000)
})
