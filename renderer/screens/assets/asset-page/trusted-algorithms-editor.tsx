// Which algorithms may run on a dataset, changed after publishing: pick published algorithms by
// name (or keep ones this console does not know), toggle raw code and network, then confirm; the
// engine sends setMetaData again and pins the checksums of newly trusted algorithms.
import { useState } from 'react'
import { Button, Card, Group, MultiSelect, Stack, Switch, Table, Text, TagsInput, Title } from '@mantine/core'
import type { AssetDetails } from '../../../../engine/console-api/contract'
import { useAssets, useEditAsset } from '../../../server-state/assets'
import { ErrorMessage } from '../../../components/error-message'
import { ConfirmDialog } from '../../../components/confirm-dialog'
import { AddressLabel, shortenValue } from '../../../components/labels/address-label'
import { fieldErrorsFromError, errorFor } from '../../../components/field-errors'

export function TrustedAlgorithmsEditor({ details }: { details: AssetDetails }) {
  const assets = useAssets()
  const edit = useEditAsset()
  const [trusted, setTrusted] = useState(details.publisherTrustedAlgorithms.map((t) => t.did))
  const [publishers, setPublishers] = useState(details.publisherTrustedAlgorithmPublishers)
  const [allowRaw, setAllowRaw] = useState(details.allowRawAlgorithm)
  const [allowNetwork, setAllowNetwork] = useState(details.allowNetworkAccess)
  const [asking, setAsking] = useState(false)
  const algorithms = (assets.data?.assets ?? []).filter((a) => a.kind === 'algorithm')
  const nameOf = (did: string) => algorithms.find((a) => a.did === did)?.name
  // Trusted DIDs this console has not published stay selectable, so an edit never drops them silently.
  const options = [
    ...algorithms.map((a) => ({ value: a.did, label: `${a.name} (${shortenValue(a.did)})` })),
    ...trusted
      .filter((did) => !algorithms.some((a) => a.did === did))
      .map((did) => ({ value: did, label: `Unknown algorithm (${shortenValue(did)})` })),
  ]
  const errors = fieldErrorsFromError(edit.error, 'changes.')
  const dirty =
    JSON.stringify(trusted) !== JSON.stringify(details.publisherTrustedAlgorithms.map((t) => t.did)) ||
    JSON.stringify(publishers) !== JSON.stringify(details.publisherTrustedAlgorithmPublishers) ||
    allowRaw !== details.allowRawAlgorithm ||
    allowNetwork !== details.allowNetworkAccess
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="trusted-title">
      <Title order={3} size="h4" id="trusted-title">
        Trusted algorithms
      </Title>
      {details.publisherTrustedAlgorithms.length === 0 ? (
        <Text size="sm" mt="xs">
          No algorithm is trusted by DID{details.allowRawAlgorithm ? '; raw code is allowed' : ''}.
        </Text>
      ) : (
        <Table mt="xs" aria-label="Trusted algorithms now">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Algorithm</Table.Th>
              <Table.Th scope="col">DID</Table.Th>
              <Table.Th scope="col">Pinned checksums</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {details.publisherTrustedAlgorithms.map((t) => (
              <Table.Tr key={t.did}>
                <Table.Th scope="row">{nameOf(t.did) ?? 'Unknown algorithm'}</Table.Th>
                <Table.Td>
                  <AddressLabel value={t.did} what="algorithm DID" />
                </Table.Td>
                <Table.Td>
                  <Text
                    size="xs"
                    ff="monospace"
                    title={`files ${t.filesChecksum}, container ${t.containerSectionChecksum}`}
                  >
                    {t.filesChecksum
                      ? `files ${t.filesChecksum.slice(0, 8)}…, container ${t.containerSectionChecksum.slice(0, 8)}…`
                      : 'not pinned'}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <form
        aria-label="Edit trusted algorithms"
        onSubmit={(e) => {
          e.preventDefault()
          setAsking(true)
        }}
      >
        <Stack gap="sm" mt="md">
          <MultiSelect
            label="Algorithms allowed to run"
            description="Pick published algorithms by name; checksums are pinned when you save"
            data={options}
            value={trusted}
            onChange={setTrusted}
            searchable
            clearable
            nothingFoundMessage="No published algorithm by that name"
            error={errorFor(errors, 'publisherTrustedAlgorithms')}
          />
          <TagsInput
            label="Trusted algorithm publishers"
            description="Any algorithm these 0x addresses publish may run"
            value={publishers}
            onChange={setPublishers}
            error={errorFor(errors, 'publisherTrustedAlgorithmPublishers')}
          />
          <Group>
            <Switch
              label="Allow raw algorithm code"
              checked={allowRaw}
              onChange={(e) => setAllowRaw(e.currentTarget.checked)}
            />
            <Switch
              label="Allow network access"
              checked={allowNetwork}
              onChange={(e) => setAllowNetwork(e.currentTarget.checked)}
            />
          </Group>
          <Group>
            <Button type="submit" disabled={!dirty} loading={edit.isPending}>
              Save compute settings
            </Button>
          </Group>
          {edit.isSuccess && !dirty && (
            <Text role="status" size="sm" c="green">
              Saved on chain: the DDO now trusts {edit.data.publisherTrustedAlgorithms.length} algorithm
              {edit.data.publisherTrustedAlgorithms.length === 1 ? '' : 's'}.
            </Text>
          )}
          {edit.isError && <ErrorMessage title="Could not save the compute settings" error={edit.error} />}
        </Stack>
      </form>
      <ConfirmDialog
        opened={asking}
        title="Publish the new compute settings?"
        confirmLabel="Sign and publish"
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          setAsking(false)
          edit.mutate({
            did: details.asset.did,
            changes: {
              publisherTrustedAlgorithms: trusted,
              publisherTrustedAlgorithmPublishers: publishers,
              allowRawAlgorithm: allowRaw,
              allowNetworkAccess: allowNetwork,
            },
          })
        }}
      >
        This sends setMetaData again for {details.asset.name}: consumers see the new rules at once, and jobs
        of algorithms no longer trusted are refused from now on.
      </ConfirmDialog>
    </Card>
  )
}
