import { describe, it, expect } from 'vitest'
import { screen } from '@testing-library/react'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole, FAKE_OCEAN, makeJob } from '../../test-support/fake-console-service'

describe('token amounts with the symbol read on chain', () => {
  it(
    'a paid job shows its cost as "1.35 OCEAN", not as tokens of an address',
    { timeout: 30_000 },
    async () => {
      const fake = createFakeConsole({
        jobs: [
          makeJob('job-paid', 70, {
            isFree: false,
            payment: {
              chainId: 8996,
              token: FAKE_OCEAN,
              costWei: '1350000000000000000',
              lockTx: '0x' + '1'.repeat(64),
            },
          }),
        ],
      })
      renderApp('/jobs/job-paid', fake)
      expect(await screen.findByText('1.35 OCEAN', {}, { timeout: 8000 })).toBeTruthy()
      expect(fake.calls.filter((c) => c.method === 'getTokenInfo').map((c) => c.input)).toEqual([
        { tokens: [FAKE_OCEAN] },
      ])
    },
  )
})
