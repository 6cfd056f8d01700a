// Balances of the publisher wallet: native coin (gas), OCEAN and each asset's datatoken, with the
// token symbols read on chain. Read on demand; a wrong chain, a dead RPC or no coin is said in words.
import { Alert, Button, Group, Table, Text, Title } from '@mantine/core'
import { useBalances } from '../../server-state/settings'
import { ErrorMessage } from '../../components/error-message'
import { TokenAmount } from '../../components/labels/token-amount'
import { AddressLabel } from '../../components/labels/address-label'
import { OnChainTokenAmount } from '../../components/labels/on-chain-token-amount'

/** What the engine answers when neither config nor its table knows the chain's coin. */
const UNKNOWN_NATIVE = 'native coin'

function nativeCoin(symbol: string): string {
  return symbol === UNKNOWN_NATIVE ? 'native coin' : `${symbol} (the native coin)`
}

export function BalancesView() {
  const balances = useBalances(true)
  return (
    <section aria-labelledby="balances-title">
      <Group justify="space-between" mt="lg">
        <Title order={4} size="h5" id="balances-title">
          Balances
        </Title>
        <Button
          variant="default"
          size="xs"
          onClick={() => void balances.refetch()}
          loading={balances.isFetching}
        >
          Refresh balances
        </Button>
      </Group>
      {balances.isPending && (
        <Text role="status" size="sm">
          Reading balances from the chain…
        </Text>
      )}
      {balances.isError && <ErrorMessage title="Could not read balances" error={balances.error} />}
      {balances.data && (
        <>
          <Text size="sm" mt={4}>
            Account{' '}
            <AddressLabel value={balances.data.address} what="account address" testId="balances-address" /> on
            chain {balances.data.chainId}
          </Text>
          {!balances.data.canPayGas && (
            <Alert role="alert" color="red" variant="light" mt="xs">
              This account has no {nativeCoin(balances.data.nativeSymbol)}: every transaction will fail. Send
              some to <AddressLabel value={balances.data.address} what="account address" /> to pay for gas.
            </Alert>
          )}
          <Table aria-label="Balances" mt="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Token</Table.Th>
                <Table.Th scope="col">Balance</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th scope="row">Native coin (gas)</Table.Th>
                <Table.Td>
                  <TokenAmount wei={balances.data.nativeWei} symbol={balances.data.nativeSymbol} />
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">OCEAN</Table.Th>
                <Table.Td>
                  {balances.data.oceanWei === null ? (
                    'not on this chain'
                  ) : (
                    <TokenAmount wei={balances.data.oceanWei} symbol="OCEAN" />
                  )}
                </Table.Td>
              </Table.Tr>
              {balances.data.datatokens.map((d) => (
                <Table.Tr key={d.did}>
                  <Table.Th scope="row">{d.name || d.did} datatoken</Table.Th>
                  <Table.Td>
                    {d.unavailable ? (
                      <Text size="sm" c="orange" data-unavailable>
                        {d.unavailable}
                      </Text>
                    ) : (
                      <OnChainTokenAmount wei={d.balanceWei} token={d.datatokenAddress} />
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </section>
  )
}
