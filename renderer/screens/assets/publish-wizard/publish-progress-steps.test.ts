import { describe, expect, it } from 'vitest'
import { settledSteps } from './publish-progress-steps'

describe('publish progress steps', () => {
  it('shows the encrypt step done once a later step arrived, and working while it is the last', () => {
    const encrypt = { step: 'encrypt' as const, status: 'started' as const, did: 'did:op:x' }
    const metadata = { step: 'metadata' as const, status: 'sent' as const, did: 'did:op:x', txHash: '0x1' }
    expect(settledSteps([encrypt]).map((e) => e.status)).toEqual(['started'])
    expect(settledSteps([encrypt, metadata]).map((e) => e.status)).toEqual(['done', 'sent'])
  })
})
