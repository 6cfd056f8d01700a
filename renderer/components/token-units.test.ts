import { describe, expect, it } from 'vitest'
import { decimalText, parseTokenUnits, tokenUnitsToWei } from './token-units'

describe('token units', () => {
  it('writes a number as its shortest decimal, never in exponent form', () => {
    expect(decimalText(0.1)).toBe('0.1')
    expect(decimalText(1e-7)).toBe('0.0000001')
    expect(decimalText(1.5e-10)).toBe('0.00000000015')
    expect(decimalText(2e21)).toBe('2000000000000000000000')
    expect(decimalText(0.1 + 0.2)).toBe('0.30000000000000004')
  })

  it('accepts amounts that read back exactly and keeps their value', () => {
    expect(parseTokenUnits('0.1')).toEqual({ ok: true, value: 0.1 })
    expect(parseTokenUnits(' 2,5 ')).toEqual({ ok: true, value: 2.5 })
    expect(parseTokenUnits('0.000000000000000001')).toEqual({ ok: true, value: 1e-18 })
    expect(parseTokenUnits('010.500')).toEqual({ ok: true, value: 10.5 })
    expect(parseTokenUnits('0')).toEqual({ ok: true, value: 0 })
  })

  it('refuses what a float would round, or the token cannot hold, in words', () => {
    expect(parseTokenUnits('0.1000000000000000001')).toMatchObject({ ok: false })
    expect(parseTokenUnits('1234567890.123456789')).toMatchObject({
      ok: false,
      message: expect.stringContaining('significant digits'),
    })
    expect(parseTokenUnits('0.0000001', 6)).toMatchObject({
      ok: false,
      message: expect.stringContaining('6 decimals'),
    })
    expect(parseTokenUnits('-1')).toMatchObject({ ok: false })
    expect(parseTokenUnits('1e3')).toMatchObject({ ok: false })
    expect(parseTokenUnits('')).toMatchObject({ ok: false })
  })

  it('converts typed amounts to wei exactly', () => {
    expect(tokenUnitsToWei('0.1')).toBe(10n ** 17n)
    expect(tokenUnitsToWei('1.35')).toBe(1_350_000_000_000_000_000n)
    expect(tokenUnitsToWei('0.000000000000000001')).toBe(1n)
    expect(tokenUnitsToWei('3', 6)).toBe(3_000_000n)
  })
})
