// One of a dataset's console lists (allow or deny): the addresses with a Remove each (confirmed),
// and a field to add one, its error next to it. Each change is saved at once with the rest of the
// stored policy, so the Provider applies it to the next request.
import { useState } from 'react'
import { Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { AddressLabel } from '../../components/labels/address-label'
import { ConfirmDialog } from '../../components/confirm-dialog'

const ADDRESS = /^0x[0-9a-fA-F]{40}$/

export function ConsumerList({
  kind,
  addresses,
  onSave,
  saving,
  serverError,
}: {
  kind: 'allow' | 'deny'
  addresses: string[]
  onSave: (next: string[]) => Promise<unknown>
  saving: boolean
  /** A REQUEST_INVALID message for this list, shown next to the field. */
  serverError?: string | undefined
}) {
  const [draft, setDraft] = useState('')
  const [error, setError] = useState<string | undefined>()
  const [removing, setRemoving] = useState<string | null>(null)
  const title = kind === 'allow' ? 'Allow list' : 'Deny list'
  const add = () => {
    const address = draft.trim()
    if (!ADDRESS.test(address)) return setError('An 0x address of 40 hex digits.')
    if (addresses.includes(address.toLowerCase())) return setError('Already on the list.')
    setError(undefined)
    void onSave([...addresses, address.toLowerCase()]).then(() => setDraft(''))
  }
  return (
    <Stack gap="xs" component="section" aria-label={title}>
      <Title order={4} size="h5">
        {title}
      </Title>
      <Text size="sm">
        {kind === 'allow'
          ? 'When it lists anyone, only these consumers may compute on the dataset (CONSUMER_NOT_ALLOWED otherwise).'
          : 'These consumers are refused on the dataset (CONSUMER_DENIED), before the allow list is checked.'}
      </Text>
      {addresses.length === 0 ? (
        <Text size="sm" c="dimmed">
          {kind === 'allow' ? 'Empty: every consumer is allowed.' : 'Empty: nobody is denied.'}
        </Text>
      ) : (
        <Table aria-label={`${title} addresses`}>
          <Table.Tbody>
            {addresses.map((a) => (
              <Table.Tr key={a}>
                <Table.Td>
                  <AddressLabel value={a} what="consumer address" />
                </Table.Td>
                <Table.Td ta="right">
                  <Button
                    size="xs"
                    variant="light"
                    color="red"
                    onClick={() => setRemoving(a)}
                    aria-label={`Remove ${a} from the ${kind} list`}
                  >
                    Remove
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group align="flex-start">
        <TextInput
          label={`Add to the ${kind} list`}
          placeholder="0x…"
          value={draft}
          onChange={(e) => setDraft(e.currentTarget.value)}
          error={error ?? serverError}
          style={{ flex: 1 }}
        />
        <Button mt={25} onClick={add} loading={saving} variant="default">
          Add
        </Button>
      </Group>
      <ConfirmDialog
        opened={removing !== null}
        title={`Remove from the ${kind} list?`}
        confirmLabel="Remove"
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          const target = removing
          setRemoving(null)
          if (target) void onSave(addresses.filter((a) => a !== target))
        }}
      >
        {kind === 'allow'
          ? `${removing} will no longer be on the allow list${addresses.length === 1 ? '; the list is then empty and every consumer is allowed' : ''}.`
          : `${removing} will be allowed to compute on this dataset again.`}
      </ConfirmDialog>
    </Stack>
  )
}
