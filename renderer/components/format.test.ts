import { describe, expect, it } from 'vitest'
import { formatBytes } from './format'

// Token amounts are formatted by labels/token-amount.tsx only (labels.test.tsx); this file had a
// second, 18-decimal copy that nothing used.
describe('formatBytes', () => {
  it('shows sizes in the largest unit with one decimal below 10', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1536)).toBe('1.5 KB')
    expect(formatBytes(256 * 1024 * 1024)).toBe('256 MB')
    expect(formatBytes(3 * 1024 ** 4 * 1024)).toBe('3072 TB')
  })
})
