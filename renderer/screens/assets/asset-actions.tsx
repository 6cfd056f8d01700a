// One asset's on-chain actions: change its state (in words, with a confirmation that says what it
// does to consumers) and mint datatokens to an address (a free dispenser and a fixed price are
// added in the asset page's Prices panel). Every action signs a transaction, so each asks first; inputs are checked with the
// contract's own schemas before anything is sent, and the answer shows the tx hash.
import { useState } from 'react'
import { Alert, Button, Card, Group, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core'
import {
  assetStateName,
  assetStateNames,
  tokenAmountSchema,
  type AssetStateName,
  type AssetSummary,
} from '../../../engine/console-api/contract'
import { useDistributeDatatokens, useSetAssetState, type DistributionAction } from '../../server-state/assets'
import { ErrorMessage } from '../../components/error-message'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { AddressLabel } from '../../components/labels/address-label'
import { inWords } from '../../components/field-errors'
import { ASSET_STATE_WORDS } from './asset-state-badge'

const STATE_EFFECT: Record<AssetStateName, string> = {
  active: 'Consumers can order it and start compute jobs again.',
  endOfLife: 'Consumers can no longer start compute jobs on it.',
  deprecated: 'Consumers can no longer start compute jobs on it.',
  revoked: 'Consumers can no longer start compute jobs on it; markets hide it.',
  orderingDisabled: 'Consumers can no longer order it or start compute jobs on it.',
  unlisted: 'Markets stop listing it; consumers can no longer start compute jobs on it.',
}
export const ADDRESS = /^0x[0-9a-fA-F]{40}$/

/** The contract's own token-amount check, in words (shared with the prices panel's forms). */
export function amountError(value: string): string | undefined {
  const parsed = tokenAmountSchema.safeParse(value)
  return parsed.success ? undefined : inWords(parsed.error.issues[0]?.message ?? 'a number of tokens')
}

type Pending = { question: string; run: () => void } | null

export function AssetActions({ asset }: { asset: AssetSummary }) {
  // Not on the chain in use (issue 11): the engine refuses these; the page's alert says why.
  const offChain = asset.notOnChain !== undefined
  const setState = useSetAssetState()
  const distribute = useDistributeDatatokens()
  const current = assetStateName(asset.state)
  const [nextState, setNextState] = useState<AssetStateName | ''>('')
  const [errors, setErrors] = useState<Record<string, string | undefined>>({})
  const [fields, setFields] = useState({ to: '', amount: '' })
  const [pending, setPending] = useState<Pending>(null)
  const field = (name: keyof typeof fields) => ({
    value: fields[name],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => {
      const value = e.currentTarget.value
      setFields((f) => ({ ...f, [name]: value }))
    },
    error: errors[name],
  })

  /** Checks the fields, asks, then sends; bad input never reaches the console. */
  const submit = (
    action: DistributionAction,
    found: Record<string, string | undefined>,
    question: string,
  ) => {
    setErrors(found)
    if (Object.values(found).some((v) => v !== undefined)) return
    setPending({ question, run: () => distribute.mutate(action) })
  }
  const t = (s: string) => s.trim()

  return (
    <Card withBorder padding="md" component="section" aria-labelledby="asset-actions-title">
      <Title order={3} size="h4" id="asset-actions-title">
        State and datatokens
      </Title>
      <form
        aria-label="Asset state"
        onSubmit={(e) => {
          e.preventDefault()
          if (!nextState) return setErrors({ state: 'Choose the new state first.' })
          setErrors({})
          setPending({
            question: `Set ${asset.name} to “${ASSET_STATE_WORDS[nextState]}”? ${STATE_EFFECT[nextState]}`,
            run: () => setState.mutate({ did: asset.did, state: nextState }),
          })
        }}
      >
        <Group align="flex-end" mt="sm">
          <Select
            label="New state"
            description={`Now: ${ASSET_STATE_WORDS[current]}`}
            placeholder="Choose a state…"
            value={nextState || null}
            onChange={(value) => setNextState((value ?? '') as AssetStateName | '')}
            data={assetStateNames
              .filter((n) => n !== current)
              .map((n) => ({ value: n, label: ASSET_STATE_WORDS[n] ?? n }))}
            error={errors.state}
          />
          <Button type="submit" loading={setState.isPending} disabled={offChain}>
            Change state
          </Button>
        </Group>
      </form>
      {setState.isSuccess && (
        <Alert role="status" color="green" variant="light" mt="sm">
          <Group gap={6}>
            State set to {ASSET_STATE_WORDS[assetStateName(setState.data.asset.state)]} — tx{' '}
            <AddressLabel value={setState.data.txHash} what="transaction hash" />
          </Group>
        </Alert>
      )}
      {setState.isError && <ErrorMessage title="Could not change the state" error={setState.error} />}

      <Title order={4} size="h5" mt="lg">
        Mint datatokens to a consumer
      </Title>
      <SimpleGrid cols={{ base: 1, md: 2 }} mt="xs">
        <form
          aria-label="Mint datatokens"
          noValidate
          onSubmit={(e) => {
            e.preventDefault()
            const to = t(fields.to)
            const amount = t(fields.amount)
            submit(
              { kind: 'mint', did: asset.did, to, amount },
              {
                to: ADDRESS.test(to) ? undefined : 'An 0x address of 40 hex digits.',
                amount: amountError(amount),
              },
              `Mint ${amount} datatokens of ${asset.name} to ${to}?`,
            )
          }}
        >
          <Stack gap="xs">
            <TextInput label="Recipient address" placeholder="0x…" {...field('to')} />
            <TextInput label="Amount" inputMode="decimal" placeholder="10" {...field('amount')} />
            <Button type="submit" variant="light" disabled={distribute.isPending || offChain}>
              Mint
            </Button>
          </Stack>
        </form>
      </SimpleGrid>
      {distribute.isPending && (
        <Text role="status" size="sm" mt="sm">
          Sending the transaction…
        </Text>
      )}
      {distribute.isSuccess && (
        <Alert role="status" color="green" variant="light" mt="sm">
          Done — tx <AddressLabel value={distribute.data.txHash} what="tx hash" testId="distribution-tx" />
        </Alert>
      )}
      {distribute.isError && <ErrorMessage title="The datatoken action failed" error={distribute.error} />}
      <ConfirmDialog
        opened={pending !== null}
        title="Send this transaction?"
        confirmLabel="Sign and send"
        onCancel={() => setPending(null)}
        onConfirm={() => {
          pending?.run()
          setPending(null)
        }}
      >
        {pending?.question} This signs and sends a transaction with your wallet.
      </ConfirmDialog>
    </Card>
  )
}
