// Every chain this console serves (issue 14), one row each: its name and id, whether its RPC
// answered just now, and its block height. Shown by the status bar's chain popover and the Overview.
import { Badge, Table, Text } from '@mantine/core'
import type { ChainStatus } from '../../engine/console-api/contract'

export function ServedChainsTable({ chains, label }: { chains: readonly ChainStatus[]; label: string }) {
  return (
    <Table aria-label={label} withRowBorders={false} verticalSpacing={4}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">Chain</Table.Th>
          <Table.Th scope="col">Chain id</Table.Th>
          <Table.Th scope="col">RPC</Table.Th>
          <Table.Th scope="col">Block</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {chains.map((c) => (
          <Table.Tr key={c.chainId}>
            <Table.Th scope="row">
              <Text size="sm" span fw={500}>
                {c.name}
              </Text>
              {c.primary && (
                <Text size="xs" c="dimmed" span>
                  {' '}
                  (primary: publishing)
                </Text>
              )}
            </Table.Th>
            <Table.Td>{c.chainId}</Table.Td>
            <Table.Td>
              <Badge
                size="sm"
                variant="dot"
                color={c.reachable ? 'green' : 'red'}
                style={{ textTransform: 'none' }}
              >
                {c.reachable ? 'reachable' : 'not answering'}
              </Badge>
            </Table.Td>
            <Table.Td>{c.blockNumber === null ? 'unknown' : c.blockNumber.toLocaleString('en')}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}
