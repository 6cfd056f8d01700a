// One asset's on-chain actions: change its state (in words, with a confirmation that says what it
// does to consumers) and mint datatokens to an address (a free dispenser and a fixed price are
// added in the asset page's Prices panel). Every action signs a transaction, so each asks first; inputs are checked with the
// contract's own schemas before anything is sent, and the answer shows the tx hash.
import { useState } from 'react'
import { Alert, Button, Card, Group, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core'
import {
  assetStateName,
  assetStateNames,
  type AssetStateName,
  type AssetSummary,
} from '../../../engine/console-api/contract'
import { useDistributeDatatokens, useSetAssetState } from '../../server-state/assets'
import { ErrorMessage } from '../../components/error-message'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { AddressLabel } from '../../components/labels/address-label'
import { ASSET_STATE_WORDS } from './asset-state-badge'
import { ADDRESS, amountError, useTransactionForm } from './use-transaction-form'

const STATE_EFFECT: Record<AssetStateName, string> = {
  active: 'Consumers can order it and start compute jobs again.',
  endOfLife: 'Consumers can no longer start compute jobs on it.',
  deprecated: 'Consumers can no longer start compute jobs on it.',
  revoked: 'Consumers can no longer start compute jobs on it; markets hide it.',
  orderingDisabled: 'Consumers can no longer order it or start compute jobs on it.',
  unlisted: 'Markets stop listing it; consumers can no longer start compute jobs on it.',
}
export function AssetActions({ asset }: { asset: AssetSummary }) {
  // Not on the chain in use (issue 11): the engine refuses these; the page's alert says why.
  const offChain = asset.notOnChain !== undefined
  const setState = useSetAssetState()
  const distribute = useDistributeDatatokens()
  const current = assetStateName(asset.state)
  const [nextState, setNextState] = useState<AssetStateName | ''>('')
  const { fields, errors, field, submit, confirmation } = useTransactionForm({ to: '', amount: '' })
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
          submit({ state: nextState ? undefined : 'Choose the new state first.' }, () => {
            // Called only once the message above is undefined, i.e. with a state chosen.
            const next = nextState as AssetStateName
            return {
              question: `Set ${asset.name} to “${ASSET_STATE_WORDS[next]}”? ${STATE_EFFECT[next]}`,
              run: () => setState.mutate({ did: asset.did, state: next }),
            }
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
              {
                to: ADDRESS.test(to) ? undefined : 'An 0x address of 40 hex digits.',
                amount: amountError(amount),
              },
              () => ({
                question: `Mint ${amount} datatokens of ${asset.name} to ${to}?`,
                run: () => distribute.mutate({ kind: 'mint', did: asset.did, to, amount }),
              }),
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
        opened={confirmation.opened}
        title="Send this transaction?"
        confirmLabel="Sign and send"
        onCancel={confirmation.onCancel}
        onConfirm={confirmation.onConfirm}
      >
        {confirmation.question} This signs and sends a transaction with your wallet.
      </ConfirmDialog>
    </Card>
  )
}
