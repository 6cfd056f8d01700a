/**
 * The form state of the asset's on-chain actions (state and datatokens on the asset page, the Prices
 * panel's dispenser and fixed price): text fields bound to Mantine inputs, their messages in words,
 * and the one confirmation every transaction asks before it is sent. Checks run in the page with the
 * contract's own schemas, so bad input never reaches the console; UI state only (the mutation that
 * sends stays in server-state/assets.ts).
 */
import { useState, type ChangeEvent } from 'react'
import { tokenAmountSchema } from '../../../engine/console-api/contract'
import { inWords } from '../../components/field-errors'

export const ADDRESS = /^0x[0-9a-fA-F]{40}$/

/** The contract's own token-amount check, in words. */
export function amountError(value: string): string | undefined {
  const parsed = tokenAmountSchema.safeParse(value)
  return parsed.success ? undefined : inWords(parsed.error.issues[0]?.message ?? 'a number of tokens')
}

export type FieldMessages = Record<string, string | undefined>

/** What a confirmed submit sends: the question in words and what runs on "Sign and send". */
export interface Transaction {
  question: string
  run: () => void
}

export function useTransactionForm<F extends Record<string, string>>(initial: F) {
  const [fields, setFields] = useState<F>(initial)
  const [errors, setErrors] = useState<FieldMessages>({})
  const [pending, setPending] = useState<Transaction | null>(null)

  /** Props for a TextInput: its value, its change, its message. */
  const field = (name: keyof F & string) => ({
    value: fields[name],
    onChange: (e: ChangeEvent<HTMLInputElement>) => {
      const value = e.currentTarget.value
      setFields((f) => ({ ...f, [name]: value }))
    },
    error: errors[name],
  })

  /**
   * Shows the messages found; with none, asks the transaction's question. `transaction` is called only
   * then, so it may assume the fields are valid.
   */
  const submit = (found: FieldMessages, transaction: () => Transaction) => {
    setErrors(found)
    if (Object.values(found).some((message) => message !== undefined)) return
    setPending(transaction())
  }

  /** Props for the ConfirmDialog (its body is `question`). */
  const confirmation = {
    opened: pending !== null,
    question: pending?.question,
    onCancel: () => setPending(null),
    onConfirm: () => {
      pending?.run()
      setPending(null)
    },
  }

  return { fields, errors, field, submit, confirmation }
}
