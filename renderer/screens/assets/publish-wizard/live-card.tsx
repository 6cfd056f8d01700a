// "You're live": what a publisher shares once an asset is published — its DID and the Provider URL
// (both copyable), the trusted algorithms with the checksums the engine pinned, and an ocean.js
// snippet a consumer can paste.
import { Button, Card, Code, Group, Stack, Table, Text, Title } from '@mantine/core'
import { Link } from '@tanstack/react-router'
import type { AssetSummary } from '../../../../engine/console-api/contract'
import { useAsset } from '../../../server-state/assets'
import { AddressLabel } from '../../../components/labels/address-label'
import { CopyValueButton } from '../../../components/copy-value-button'
import { consumerSnippet } from './wizard-draft'

export function LiveCard({
  asset,
  providerUrl,
  environmentId,
  paid = false,
}: {
  asset: AssetSummary
  providerUrl: string
  /** The environment the snippet names; absent: the first one the Provider lists. */
  environmentId?: string
  /** Priced access: the snippet shows the paid flow. */
  paid?: boolean
}) {
  const snippet = consumerSnippet({
    did: asset.did,
    providerUrl,
    paid,
    ...(environmentId ? { environmentId } : {}),
  })
  const details = useAsset(asset.did)
  const trusted = details.data?.publisherTrustedAlgorithms ?? []
  return (
    <Card
      withBorder
      padding="md"
      component="section"
      aria-labelledby="live-title"
      bg="var(--mantine-color-green-light)"
    >
      <Title order={3} size="h4" id="live-title">
        You&apos;re live: {asset.name}
      </Title>
      <Text size="sm" mt={4}>
        Consumers can find it by its DID at this Provider and start compute jobs now.
      </Text>
      <Stack gap={6} mt="sm">
        <Group gap="xs">
          <Text size="sm" fw={600}>
            DID
          </Text>
          <Text size="sm" ff="monospace" data-testid="published-did" style={{ wordBreak: 'break-all' }}>
            {asset.did}
          </Text>
          <CopyValueButton value={asset.did} label="Copy DID" />
        </Group>
        <Group gap="xs">
          <Text size="sm" fw={600}>
            Provider URL
          </Text>
          <Text size="sm" ff="monospace" data-testid="published-provider-url">
            {providerUrl}
          </Text>
          <CopyValueButton value={providerUrl} label="Copy Provider URL" />
        </Group>
        {trusted.length > 0 && (
          <Table aria-label="Trusted algorithms, checksums pinned" withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Algorithm</Table.Th>
                <Table.Th scope="col">Files checksum</Table.Th>
                <Table.Th scope="col">Container checksum</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {trusted.map((t) => (
                <Table.Tr key={t.did}>
                  <Table.Th scope="row">
                    <AddressLabel value={t.did} what="algorithm DID" />
                  </Table.Th>
                  <Table.Td>
                    <AddressLabel value={t.filesChecksum} what="files checksum" />
                  </Table.Td>
                  <Table.Td>
                    <AddressLabel value={t.containerSectionChecksum} what="container checksum" />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Group justify="space-between">
          <Text size="sm" fw={600}>
            For consumers (ocean.js)
          </Text>
          <CopyValueButton value={snippet} label="Copy ocean.js snippet" />
        </Group>
        {/* Focusable: a long line scrolls sideways, and keyboard users must reach it (axe). */}
        <Code block tabIndex={0} aria-label="ocean.js snippet for consumers">
          {snippet}
        </Code>
        <Group>
          <Button renderRoot={(props) => <Link {...props} to="/assets/$did" params={{ did: asset.did }} />}>
            Open the asset page
          </Button>
        </Group>
      </Stack>
    </Card>
  )
}
