// One asset's on-chain actions: change its state (with a confirmation that says what it does to
// consumers) and give consumers datatokens (mint to an address, a free dispenser, a fixed price).
// Every action signs a transaction, so each asks first; inputs are checked with the contract's own
// schemas before anything is sent, and the answer shows the tx hash.
import { useState, type FormEvent } from 'react'
import {
  ASSET_STATES,
  assetStateName,
  assetStateNames,
  tokenAmountSchema,
  type AssetStateName,
  type AssetSummary,
} from '../../../engine/console-api/contract'
import { useDistributeDatatokens, useSetAssetState, type DistributionAction } from '../../server-state/assets'
import { ErrorMessage } from '../../components/error-message'

const STATE_EFFECT: Record<AssetStateName, string> = {
  active: 'Consumers can order it and start compute jobs again.',
  endOfLife: 'Consumers can no longer start compute jobs on it.',
  deprecated: 'Consumers can no longer start compute jobs on it.',
  revoked: 'Consumers can no longer start compute jobs on it; markets hide it.',
  orderingDisabled: 'Consumers can no longer order it or start compute jobs on it.',
  unlisted: 'Markets stop listing it; consumers can no longer start compute jobs on it.',
}
const ADDRESS = /^0x[0-9a-fA-F]{40}$/

function amountError(value: string): string | undefined {
  const parsed = tokenAmountSchema.safeParse(value)
  return parsed.success ? undefined : parsed.error.issues[0]?.message
}

export function AssetActions({ asset, onClose }: { asset: AssetSummary; onClose: () => void }) {
  const setState = useSetAssetState()
  const distribute = useDistributeDatatokens()
  const [nextState, setNextState] = useState<AssetStateName>(
    asset.state === ASSET_STATES.active ? 'revoked' : 'active',
  )
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({})

  const changeState = (event: FormEvent) => {
    event.preventDefault()
    if (
      !window.confirm(
        `Set ${asset.name} to ${nextState}? ${STATE_EFFECT[nextState]} This sends a transaction.`,
      )
    )
      return
    setState.mutate({ did: asset.did, state: nextState })
  }
  /** Checks the fields, asks, then sends; bad input never reaches the console. */
  const submit = (
    action: DistributionAction,
    errors: Record<string, string | undefined>,
    question: string,
  ) => {
    const found = Object.fromEntries(
      Object.entries(errors).filter((e): e is [string, string] => e[1] !== undefined),
    )
    setFieldErrors(found)
    if (Object.keys(found).length > 0) return
    if (!window.confirm(`${question} This sends a transaction.`)) return
    distribute.mutate(action)
  }
  const mint = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const f = new FormData(event.currentTarget)
    const to = String(f.get('to')).trim()
    const amount = String(f.get('amount')).trim()
    submit(
      { kind: 'mint', did: asset.did, to, amount },
      { to: ADDRESS.test(to) ? undefined : 'an 0x address of 40 hex digits', amount: amountError(amount) },
      `Mint ${amount} datatokens of ${asset.name} to ${to}?`,
    )
  }
  const dispenser = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const f = new FormData(event.currentTarget)
    const maxTokens = String(f.get('maxTokens')).trim()
    const maxBalance = String(f.get('maxBalance')).trim()
    submit(
      { kind: 'dispenser', did: asset.did, maxTokens, maxBalance },
      { maxTokens: amountError(maxTokens), maxBalance: amountError(maxBalance) },
      `Give ${asset.name} datatokens away for free (up to ${maxTokens} per request)?`,
    )
  }
  const fixedRate = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const f = new FormData(event.currentTarget)
    const price = String(f.get('price')).trim()
    const baseToken = String(f.get('baseToken')).trim()
    submit(
      { kind: 'fixedRate', did: asset.did, price, ...(baseToken ? { baseToken } : {}) },
      {
        price: amountError(price),
        baseToken:
          baseToken && !ADDRESS.test(baseToken)
            ? 'an 0x address of 40 hex digits, or empty for OCEAN'
            : undefined,
      },
      `Sell ${asset.name} datatokens at ${price} ${baseToken || 'OCEAN'} each?`,
    )
  }
  const fieldError = (name: string) =>
    fieldErrors[name] ? (
      <span role="alert" id={`${name}-error`} className="field-error">
        {fieldErrors[name]}
      </span>
    ) : null

  return (
    <section aria-labelledby="asset-actions-title" className="panel">
      <h3 id="asset-actions-title">Manage {asset.name}</h3>
      <p>
        State now: <strong>{assetStateName(asset.state)}</strong>
      </p>
      <form aria-label="Asset state" onSubmit={changeState}>
        <label>
          New state
          <select value={nextState} onChange={(e) => setNextState(e.target.value as AssetStateName)}>
            {assetStateNames.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={setState.isPending}>
          Change state
        </button>
      </form>
      {setState.isPending && <p role="status">Sending the state change…</p>}
      {setState.isSuccess && (
        <p role="status">
          State set to {assetStateName(setState.data.asset.state)} — tx <code>{setState.data.txHash}</code>
        </p>
      )}
      {setState.isError && <ErrorMessage title="Could not change the state" error={setState.error} />}

      <h4>Datatokens for consumers</h4>
      <form aria-label="Mint datatokens" onSubmit={mint} noValidate>
        <label>
          Recipient address
          <input name="to" aria-describedby="to-error" placeholder="0x…" />
        </label>
        {fieldError('to')}
        <label>
          Amount
          <input name="amount" inputMode="decimal" aria-describedby="amount-error" placeholder="10" />
        </label>
        {fieldError('amount')}
        <button type="submit" disabled={distribute.isPending}>
          Mint
        </button>
      </form>
      <form aria-label="Free dispenser" onSubmit={dispenser} noValidate>
        <label>
          Tokens per request
          <input name="maxTokens" defaultValue="1" inputMode="decimal" />
        </label>
        {fieldError('maxTokens')}
        <label>
          Most a consumer may hold
          <input name="maxBalance" defaultValue="1" inputMode="decimal" />
        </label>
        {fieldError('maxBalance')}
        <button type="submit" disabled={distribute.isPending}>
          Create dispenser
        </button>
      </form>
      <form aria-label="Fixed price" onSubmit={fixedRate} noValidate>
        <label>
          Price per datatoken
          <input name="price" inputMode="decimal" placeholder="1.5" />
        </label>
        {fieldError('price')}
        <label>
          Base token address (empty: OCEAN)
          <input name="baseToken" placeholder="0x…" />
        </label>
        {fieldError('baseToken')}
        <button type="submit" disabled={distribute.isPending}>
          Set fixed price
        </button>
      </form>
      {distribute.isPending && <p role="status">Sending the transaction…</p>}
      {distribute.isSuccess && (
        <p role="status">
          Done — tx <code data-testid="distribution-tx">{distribute.data.txHash}</code>
        </p>
      )}
      {distribute.isError && <ErrorMessage title="The datatoken action failed" error={distribute.error} />}
      <button type="button" onClick={onClose}>
        Close
      </button>
    </section>
  )
}
