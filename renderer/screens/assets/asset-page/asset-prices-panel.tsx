// An asset's prices (issue 11): how consumers get its datatoken — each fixed-rate exchange with its
// rate in the base token's units and symbol, each dispenser with its limits, active or not, read on
// chain — and what compute on it costs in this node's environments on the asset's chain. The
// publisher adds a free dispenser or a fixed price here (one confirmed tx each). An asset the chain
// no longer has is not read (the engine would refuse) and its forms are off; one published
// elsewhere is priced by its publisher, so it shows no forms.
import { Alert, Badge, Button, Card, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import type { AssetPrices, AssetSummary } from '../../../../engine/console-api/contract'
import { useAssetPrices, useDistributeDatatokens } from '../../../server-state/assets'
import { useEnvironments } from '../../../server-state/compute-backend'
import { ErrorMessage } from '../../../components/error-message'
import { ConfirmDialog } from '../../../components/confirm-dialog'
import { AddressLabel } from '../../../components/labels/address-label'
import { TokenSymbol } from '../../../components/labels/on-chain-token-amount'
import { EnvironmentPrices } from '../../compute-backend/environment-prices'
import { ADDRESS, amountError, useTransactionForm } from '../use-transaction-form'

function ActiveBadge({ active }: { active: boolean }) {
  return (
    // Dot variant, as StatusBadge: text in the body colour (axe's colour contrast in both themes; the
    // light variant's green on pale green failed it), the dot carries the colour.
    <Badge variant="dot" color={active ? 'green' : 'gray'} style={{ textTransform: 'none' }}>
      {active ? 'Active' : 'Inactive'}
    </Badge>
  )
}

function DatatokenPricesTable({ prices }: { prices: AssetPrices }) {
  return (
    <Table aria-label="Datatoken prices" withTableBorder verticalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">How consumers get it</Table.Th>
          <Table.Th scope="col">Price</Table.Th>
          <Table.Th scope="col">Status</Table.Th>
          <Table.Th scope="col">Contract</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {prices.fixedRates.map((rate) => (
          <Table.Tr key={`${rate.exchangeContract}-${rate.exchangeId}`}>
            <Table.Th scope="row" fw={500}>
              Fixed price
            </Table.Th>
            <Table.Td>
              {rate.rate} <TokenSymbol token={rate.baseToken} /> per datatoken
            </Table.Td>
            <Table.Td>
              <ActiveBadge active={rate.active} />
            </Table.Td>
            <Table.Td>
              <AddressLabel value={rate.exchangeContract} what="exchange contract" />
            </Table.Td>
          </Table.Tr>
        ))}
        {prices.dispensers.map((dispenser) => (
          <Table.Tr key={dispenser.contract}>
            <Table.Th scope="row" fw={500}>
              Free dispenser
            </Table.Th>
            <Table.Td>
              Free: up to {dispenser.maxTokens} per request, {dispenser.maxBalance} held at most
            </Table.Td>
            <Table.Td>
              <ActiveBadge active={dispenser.active} />
            </Table.Td>
            <Table.Td>
              <AddressLabel value={dispenser.contract} what="dispenser contract" />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

function DatatokenPrices({ asset }: { asset: AssetSummary }) {
  const stale = asset.notOnChain
  const prices = useAssetPrices(asset.did, { enabled: !stale })
  if (stale) return <Text size="sm">Not read: this asset&apos;s datatoken is not on the chain in use.</Text>
  if (prices.isPending)
    return (
      <Text role="status" size="sm">
        Reading the prices on chain…
      </Text>
    )
  if (prices.isError) return <ErrorMessage title="Could not read the prices" error={prices.error} />
  if (prices.data.fixedRates.length === 0 && prices.data.dispensers.length === 0)
    return (
      <Text size="sm">
        No price yet: consumers cannot order this datatoken (ocean.js needs a dispenser or a fixed price).
        {asset.publishedElsewhere ? '' : ' Add one below.'}
      </Text>
    )
  return <DatatokenPricesTable prices={prices.data} />
}

function ComputePrices({ chainId }: { chainId: number }) {
  const environments = useEnvironments()
  if (environments.isPending)
    return (
      <Text role="status" size="sm">
        Loading the environments…
      </Text>
    )
  if (environments.isError)
    return <ErrorMessage title="Could not load the environments" error={environments.error} />
  if (environments.data.environments.length === 0)
    return <Text size="sm">No compute environments yet: consumers cannot start jobs on this node.</Text>
  return (
    <Table aria-label="Compute prices" withTableBorder verticalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">Environment</Table.Th>
          <Table.Th scope="col">Free tier</Table.Th>
          <Table.Th scope="col">Paid price on chain {chainId}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {environments.data.environments.map((env) => (
          <Table.Tr key={env.id}>
            <Table.Th scope="row" fw={500}>
              {env.id}
            </Table.Th>
            <Table.Td>
              {env.free ? `${env.free.maxJobs} jobs of ${env.free.maxJobDurationSec} s` : 'No free tier'}
            </Table.Td>
            <Table.Td>
              {/* Only the fees on the asset's chain apply to jobs on it. */}
              <EnvironmentPrices fees={{ [String(chainId)]: env.fees[String(chainId)] ?? [] }} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

function AddPriceForms({ asset }: { asset: AssetSummary }) {
  const offChain = asset.notOnChain !== undefined
  const distribute = useDistributeDatatokens()
  const { fields, field, submit, confirmation } = useTransactionForm({
    maxTokens: '1',
    maxBalance: '1',
    price: '',
    baseToken: '',
  })
  return (
    <>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <form
          aria-label="Free dispenser"
          noValidate
          onSubmit={(e) => {
            e.preventDefault()
            const maxTokens = fields.maxTokens.trim()
            const maxBalance = fields.maxBalance.trim()
            submit({ maxTokens: amountError(maxTokens), maxBalance: amountError(maxBalance) }, () => ({
              question: `Give ${asset.name} datatokens away for free (up to ${maxTokens} per request)?`,
              run: () => distribute.mutate({ kind: 'dispenser', did: asset.did, maxTokens, maxBalance }),
            }))
          }}
        >
          <Stack gap="xs">
            <TextInput label="Tokens per request" inputMode="decimal" {...field('maxTokens')} />
            <TextInput label="Most a consumer may hold" inputMode="decimal" {...field('maxBalance')} />
            <Button type="submit" variant="light" disabled={distribute.isPending || offChain}>
              Create dispenser
            </Button>
          </Stack>
        </form>
        <form
          aria-label="Fixed price"
          noValidate
          onSubmit={(e) => {
            e.preventDefault()
            const price = fields.price.trim()
            const baseToken = fields.baseToken.trim()
            submit(
              {
                price: amountError(price),
                baseToken:
                  baseToken && !ADDRESS.test(baseToken)
                    ? 'An 0x address of 40 hex digits, or empty for OCEAN.'
                    : undefined,
              },
              () => ({
                question: `Sell ${asset.name} datatokens at ${price} ${baseToken || 'OCEAN'} each?`,
                run: () =>
                  distribute.mutate({
                    kind: 'fixedRate',
                    did: asset.did,
                    price,
                    ...(baseToken ? { baseToken } : {}),
                  }),
              }),
            )
          }}
        >
          <Stack gap="xs">
            <TextInput
              label="Price per datatoken"
              inputMode="decimal"
              placeholder="1.5"
              {...field('price')}
            />
            <TextInput label="Base token address (empty: OCEAN)" placeholder="0x…" {...field('baseToken')} />
            <Button type="submit" variant="light" disabled={distribute.isPending || offChain}>
              Set fixed price
            </Button>
          </Stack>
        </form>
      </SimpleGrid>
      {distribute.isPending && (
        <Text role="status" size="sm">
          Sending the transaction…
        </Text>
      )}
      {distribute.isSuccess && (
        <Alert role="status" color="green" variant="light">
          Done — tx <AddressLabel value={distribute.data.txHash} what="tx hash" testId="price-tx" />
        </Alert>
      )}
      {distribute.isError && <ErrorMessage title="The price was not set" error={distribute.error} />}
      <ConfirmDialog
        opened={confirmation.opened}
        title="Send this transaction?"
        confirmLabel="Sign and send"
        onCancel={confirmation.onCancel}
        onConfirm={confirmation.onConfirm}
      >
        {confirmation.question} This signs and sends a transaction with your wallet.
      </ConfirmDialog>
    </>
  )
}

export function AssetPricesPanel({ asset }: { asset: AssetSummary }) {
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="asset-prices-title">
      <Stack gap="sm">
        <Title order={3} size="h4" id="asset-prices-title">
          Prices
        </Title>
        <Title order={4} size="h5">
          Datatoken
        </Title>
        <DatatokenPrices asset={asset} />
        <Title order={4} size="h5" mt="xs">
          Compute environments (what a job on it costs)
        </Title>
        <ComputePrices chainId={asset.chainId} />
        {!asset.publishedElsewhere && (
          <>
            <Title order={4} size="h5" mt="xs">
              Add a price
            </Title>
            <AddPriceForms asset={asset} />
          </>
        )}
      </Stack>
    </Card>
  )
}
