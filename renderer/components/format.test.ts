import { describe, expect, it } from 'vitest'
import { formatTokenAmount } from './format'

describe('formatTokenAmount', () => {
  it('shows wei as a decimal token amount without float rounding', () => {
    expect(formatTokenAmount('1350000000000000000')).toBe('1.35')
    expect(formatTokenAmount('0')).toBe('0')
    expect(formatTokenAmount('1')).toBe('0.000000000000000001')
    expect(formatTokenAmount('123456789012345678901234567890')).toBe('123456789012.34567890123456789')
    expect(formatTokenAmount('not a number')).toBe('not a number')
  })
})
