import { describe, expect, it } from 'vitest'
import { act, renderHook } from '@testing-library/react'
import type { ChangeEvent } from 'react'
import { ADDRESS, amountError, useTransactionForm } from './use-transaction-form'

const typed = (value: string) => ({ currentTarget: { value } }) as ChangeEvent<HTMLInputElement>

describe('useTransactionForm (the asset page and Prices panel forms)', () => {
  it('binds each field, and a submit with a message asks nothing', () => {
    const sent: string[] = []
    const { result } = renderHook(() => useTransactionForm({ amount: '', to: '' }))
    act(() => result.current.field('amount').onChange(typed('0')))
    expect(result.current.fields).toEqual({ amount: '0', to: '' })
    act(() =>
      result.current.submit({ amount: amountError(result.current.fields.amount), to: undefined }, () => ({
        question: 'Mint?',
        run: () => sent.push('mint'),
      })),
    )
    expect(result.current.field('amount').error).toBe('Must be more than 0.')
    expect(result.current.confirmation.opened).toBe(false)
    expect(sent).toEqual([])
  })

  it('with every field valid asks the question; only "Sign and send" runs it, once', () => {
    const sent: string[] = []
    const { result } = renderHook(() => useTransactionForm({ amount: '2.5' }))
    const ask = () =>
      act(() =>
        result.current.submit({ amount: amountError(result.current.fields.amount) }, () => ({
          question: 'Mint 2.5?',
          run: () => sent.push('mint'),
        })),
      )
    ask()
    expect(result.current.confirmation).toMatchObject({ opened: true, question: 'Mint 2.5?' })
    act(() => result.current.confirmation.onCancel())
    expect(result.current.confirmation.opened).toBe(false)
    expect(sent).toEqual([])
    ask()
    act(() => result.current.confirmation.onConfirm())
    expect(sent).toEqual(['mint'])
    expect(result.current.confirmation.opened).toBe(false)
    expect(result.current.field('amount').error).toBeUndefined()
  })

  it('checks addresses and amounts with the contract’s rules', () => {
    expect(ADDRESS.test('0x' + 'a'.repeat(40))).toBe(true)
    expect(ADDRESS.test('0x123')).toBe(false)
    expect(amountError('1.5')).toBeUndefined()
    expect(amountError('1.5.5')).toMatch(/number of tokens/)
  })
})
