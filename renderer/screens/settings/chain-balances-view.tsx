// Balances per served chain (issue 14): the same publishing account's native coin (gas) and OCEAN
// on every chain this console serves, one row each. Shown only when several chains are served;
// a chain whose RPC does not answer says so in its own row, the others still show.
import { Button, Group, Table, Text, Title } from '@mantine/core'
import { useOverview } from '../../server-state/overview'
import { useChainBalances } from '../../server-state/settings'
import { ErrorMessage } from '../../components/error-message'
import { TokenAmount } from '../../components/labels/token-amount'
import { OnChainTokenAmount } from '../../components/labels/on-chain-token-amount'

export function ChainBalancesView() {
  const several = (useOverview().data?.chains.length ?? 0) > 1
  const balances = useChainBalances(several)
  if (!several) return null
  return (
    <section aria-labelledby="chain-balances-title">
      <Group justify="space-between" mt="lg">
        <Title order={4} size="h5" id="chain-balances-title">
          Balances per chain
        </Title>
        <Button
          variant="default"
          size="xs"
          onClick={() => void balances.refetch()}
          loading={balances.isFetching}
        >
          Refresh balances per chain
        </Button>
      </Group>
      {balances.isPending && (
        <Text role="status" size="sm">
          Reading balances from every served chain…
        </Text>
      )}
      {balances.isError && <ErrorMessage title="Could not read balances per chain" error={balances.error} />}
      {balances.data && (
        <Table aria-label="Balances per chain" mt="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Chain</Table.Th>
              <Table.Th scope="col">Native coin (gas)</Table.Th>
              <Table.Th scope="col">OCEAN</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {balances.data.chains.map((c) => (
              <Table.Tr key={c.chainId}>
                <Table.Th scope="row">
                  {c.name} ({c.chainId})
                </Table.Th>
                {c.error ? (
                  <Table.Td colSpan={2}>
                    <Text size="sm" c="red">
                      Could not read{c.error.code ? ` (${c.error.code})` : ''}: {c.error.message}
                    </Text>
                  </Table.Td>
                ) : (
                  <>
                    <Table.Td>
                      {c.nativeWei === null ? '—' : <TokenAmount wei={c.nativeWei} symbol={c.nativeSymbol} />}
                    </Table.Td>
                    <Table.Td>
                      {c.oceanWei !== null && c.oceanToken ? (
                        <OnChainTokenAmount wei={c.oceanWei} token={c.oceanToken} />
                      ) : (
                        'no OCEAN known on this chain'
                      )}
                    </Table.Td>
                  </>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </section>
  )
}
