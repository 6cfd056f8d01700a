// Requests the Provider refused because the dataset does not trust the consumer's algorithm. The
// engine keeps them (the approval inbox, listAccessRequests), so they survive a reload, collapsed
// per dataset and algorithm with every consumer who tried.
import { Stack, Table, Text } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { useConsoleClient } from '../../console-client/console-client-context'
import { ErrorMessage } from '../../components/error-message'
import { EmptyState } from '../../components/empty-state'
import { AddressLabel } from '../../components/labels/address-label'
import { DateLabel } from '../../components/labels/date-label'

export function RefusedRequestsView() {
  const client = useConsoleClient()
  const refused = useQuery({
    queryKey: ['access-requests', 'pending'],
    queryFn: () => client.listAccessRequests({ status: 'pending' }),
  })
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        Consumers whose algorithm this console refused (ALGORITHM_NOT_TRUSTED). Trust the algorithm on the
        dataset&apos;s page to let them run it.
      </Text>
      {refused.isPending && <p role="status">Loading refused requests…</p>}
      {refused.isError && <ErrorMessage title="Could not load refused requests" error={refused.error} />}
      {refused.data && refused.data.requests.length === 0 && (
        <EmptyState title="No refused requests">
          <p>Nobody has been refused for an untrusted algorithm.</p>
        </EmptyState>
      )}
      {refused.data && refused.data.requests.length > 0 && (
        <Table withTableBorder aria-label="Refused requests">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Last tried</Table.Th>
              <Table.Th>Dataset</Table.Th>
              <Table.Th>Algorithm</Table.Th>
              <Table.Th>Consumers</Table.Th>
              <Table.Th>Why</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {refused.data.requests.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>
                  <DateLabel atMs={r.updatedAtMs} />
                </Table.Td>
                <Table.Td>
                  <AddressLabel value={r.datasetDid} what="dataset DID" />
                </Table.Td>
                <Table.Td>
                  {r.algorithmDid ? (
                    <AddressLabel value={r.algorithmDid} what="algorithm DID" />
                  ) : r.rawCodeHash ? (
                    <>
                      Raw code <AddressLabel value={r.rawCodeHash} what="raw code hash" />
                    </>
                  ) : (
                    'Raw code'
                  )}
                </Table.Td>
                <Table.Td>
                  {r.consumers.map((c) => (
                    <div key={c.consumer}>
                      <AddressLabel value={c.consumer} what="consumer address" /> ({c.attempts}×)
                    </div>
                  ))}
                </Table.Td>
                <Table.Td>{r.reason}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  )
}
