import { describe, expect, it } from 'vitest'
import { shortenValue, notificationForJobChange, type JobChangeEvent } from './contract'

describe('shortenValue (the one id shortening)', () => {
  it('keeps the prefix plus 6 characters and the last 4, so two DIDs differ in the shown part', () => {
    const a = 'did:op:8f3a9c0b1d2e3f4a5b6c7d8e9f00112233445566778899aabbccddeeff0011'
    const b = 'did:op:8e3a9c0b1d2e3f4a5b6c7d8e9f00112233445566778899aabbccddeeff0011'
    expect(shortenValue(a)).toBe('did:op:8f3a9c…0011')
    expect(shortenValue(b)).not.toBe(shortenValue(a))
    expect(shortenValue('0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC')).toBe('0x3C44Cd…93BC')
    expect(shortenValue('0x' + 'ab'.repeat(32))).toBe('0xababab…abab')
    expect(shortenValue('5f0c1e2d3b4a59687766554433221100')).toBe('5f0c1e…1100')
  })

  it('leaves short values and URLs whole', () => {
    expect(shortenValue('0xabc')).toBe('0xabc')
    expect(shortenValue('job-1')).toBe('job-1')
    expect(shortenValue('http://127.0.0.1:8030/api/services')).toBe('http://127.0.0.1:8030/api/services')
  })

  it('is what the job notifications say', () => {
    const jobId = '5f0c1e2d3b4a59687766554433221100'
    const note = notificationForJobChange({
      from: 40,
      to: 70,
      job: { jobId, outcome: { kind: 'failed', reason: 'exit code 1' } },
    } as unknown as JobChangeEvent)
    expect(note?.message).toBe('Job 5f0c1e…1100 failed: exit code 1.')
  })
})
