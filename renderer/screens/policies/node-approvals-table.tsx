// A dataset's node-only approvals (off-chain policies the Provider enforces: one consumer or all,
// until a date) and its approvals on chain, from the approval inbox. Shown on the asset page and
// the policy editor; removing a node-only approval asks first.
import { useState } from 'react'
import { Button, Stack, Table, Text, VisuallyHidden } from '@mantine/core'
import { useDatasetAccessRequests, useRevokeNodeApproval } from '../../server-state/publisher-control'
import { AddressLabel } from '../../components/labels/address-label'
import { DateLabel } from '../../components/labels/date-label'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { ErrorMessage } from '../../components/error-message'

export function NodeApprovalsTable({ did, labelledBy }: { did: string; labelledBy: string }) {
  const requests = useDatasetAccessRequests(did)
  const revoke = useRevokeNodeApproval()
  const [removing, setRemoving] = useState<string | null>(null)
  // A failed refetch keeps the table shown (marked not live by the shell while unreachable).
  if (!requests.data)
    return requests.isError ? (
      <ErrorMessage title="Could not load the approvals" error={requests.error} />
    ) : (
      <Text size="sm" role="status">
        Loading approvals…
      </Text>
    )
  const rows = requests.data.requests.flatMap((r) => r.policies.map((p) => ({ request: r, policy: p })))
  const onChain = requests.data.requests.filter((r) => r.approvedTx)
  return (
    <Stack gap="xs">
      {rows.length === 0 ? (
        <Text size="sm">No node-only approvals on this dataset.</Text>
      ) : (
        <Table aria-labelledby={labelledBy}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Algorithm</Table.Th>
              <Table.Th>For</Table.Th>
              <Table.Th>Until</Table.Th>
              <Table.Th>Granted</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map(({ request, policy }) => (
              <Table.Tr key={policy.id}>
                <Table.Td>
                  {request.algorithmDid ? (
                    <AddressLabel value={request.algorithmDid} what="algorithm DID" />
                  ) : (
                    <Text size="sm" component="span">
                      raw code{' '}
                      {request.rawCodeHash ? (
                        <AddressLabel value={request.rawCodeHash} what="raw code hash" />
                      ) : (
                        ''
                      )}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  {policy.consumer ? (
                    <AddressLabel value={policy.consumer} what="consumer address" />
                  ) : (
                    'every consumer'
                  )}
                </Table.Td>
                <Table.Td>{policy.untilMs ? <DateLabel atMs={policy.untilMs} /> : 'no end'}</Table.Td>
                <Table.Td>
                  <DateLabel atMs={policy.createdAtMs} />
                </Table.Td>
                <Table.Td ta="right">
                  <Button
                    size="xs"
                    variant="light"
                    color="red"
                    onClick={() => setRemoving(policy.id)}
                    aria-label={`Remove approval ${policy.id}`}
                  >
                    Remove
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {onChain.map((r) => (
        <Text size="sm" key={r.id}>
          Trusted on chain:{' '}
          {r.algorithmDid ? <AddressLabel value={r.algorithmDid} what="algorithm DID" /> : null} (tx{' '}
          <AddressLabel value={r.approvedTx!} what="transaction hash" />) — remove it from the trusted
          algorithms above.
        </Text>
      ))}
      {revoke.isError && <ErrorMessage title="The approval was not removed" error={revoke.error} />}
      <ConfirmDialog
        opened={removing !== null}
        title="Remove this node-only approval?"
        confirmLabel="Remove approval"
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          const id = removing
          setRemoving(null)
          if (id) revoke.mutate(id)
        }}
      >
        The Provider refuses the next attempt this approval covered; the request goes back to the inbox.
      </ConfirmDialog>
    </Stack>
  )
}
