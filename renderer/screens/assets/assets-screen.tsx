// Assets: the datasets and algorithms this Provider serves, each linking to its page (facts,
// trusted algorithms, state, datatokens, jobs), with publish (the wizard) and delete (confirmed);
// above them, the publishes that stopped before going live (resume or discard).
import { useState } from 'react'
import { Anchor, Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core'
import { Link } from '@tanstack/react-router'
import { useAssets, useDeleteAsset } from '../../server-state/assets'
import { AfterFirstPaint } from '../../components/after-first-paint'
import { ErrorMessage } from '../../components/error-message'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { AddressLabel } from '../../components/labels/address-label'
import { AssetStateBadge } from './asset-state-badge'
import { NotOnChainBadge } from './not-on-chain-badge'
import { PublishedElsewhereBadge } from './published-elsewhere-badge'
import { PublishProgressList } from './publish-progress-list'
import { PublishWizard } from './publish-wizard/publish-wizard'
import { UnfinishedPublishes } from './unfinished-publishes'

// The heading (and New asset) paint on their own first; the list, its query and its refetch follow
// as deferred work (a route change renders synchronously, and a cached list would be in it).
export function AssetsScreen() {
  return (
    <Stack component="section" aria-labelledby="assets-title" gap="lg">
      <Group justify="space-between">
        <Title order={2} id="assets-title">
          Assets
        </Title>
        <Button component={Link} to="/assets/new">
          New asset
        </Button>
      </Group>
      <AfterFirstPaint>
        <UnfinishedPublishes />
        <AssetList />
      </AfterFirstPaint>
    </Stack>
  )
}

function AssetList() {
  const assets = useAssets()
  const remove = useDeleteAsset()
  const [deleting, setDeleting] = useState<{ did: string; name: string } | null>(null)
  return (
    <>
      {assets.isPending && (
        <Text role="status" size="sm">
          Loading assets…
        </Text>
      )}
      {assets.isError && <ErrorMessage title="Could not load assets" error={assets.error} />}
      {assets.data && assets.data.assets.length === 0 && (
        <Card withBorder padding="lg" component="section" aria-label="No assets yet">
          <Title order={3} size="h4">
            No assets yet
          </Title>
          <Text size="sm" mt="xs">
            Publish a dataset with a compute service so consumers can run approved algorithms on it, without
            the data leaving this machine.
          </Text>
          <Text size="sm" mt="xs">
            New here? Publish the sample dataset (assets/sample-data/weather.csv in the repo) to try a job end
            to end.
          </Text>
          <Button component={Link} to="/assets/new" mt="sm">
            Publish the sample
          </Button>
        </Card>
      )}
      {assets.data && assets.data.assets.length > 0 && (
        <Table aria-label="Assets" striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Name</Table.Th>
              <Table.Th scope="col">Kind</Table.Th>
              <Table.Th scope="col">DID</Table.Th>
              <Table.Th scope="col">State</Table.Th>
              <Table.Th scope="col">Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {assets.data.assets.map((a) => (
              <Table.Tr key={a.did}>
                <Table.Th scope="row">
                  <Anchor
                    renderRoot={(props) => <Link {...props} to="/assets/$did" params={{ did: a.did }} />}
                  >
                    {a.name}
                  </Anchor>
                  {a.notOnChain && (
                    <div>
                      <NotOnChainBadge notOnChain={a.notOnChain} />
                    </div>
                  )}
                  {a.publishedElsewhere && (
                    <div>
                      <PublishedElsewhereBadge publisher={a.publishedElsewhere.publisher} />
                    </div>
                  )}
                </Table.Th>
                <Table.Td>
                  <Badge variant="dot" style={{ textTransform: 'none' }}>
                    {a.kind === 'dataset' ? 'Dataset' : 'Algorithm'}
                  </Badge>
                </Table.Td>
                <Table.Td data-did={a.did}>
                  <AddressLabel value={a.did} what="DID" />
                </Table.Td>
                <Table.Td>
                  <AssetStateBadge state={a.state} />
                </Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    <Button
                      size="compact-sm"
                      variant="default"
                      aria-label={`${a.publishedElsewhere ? 'View' : 'Manage'} ${a.name}`}
                      renderRoot={(props) => <Link {...props} to="/assets/$did" params={{ did: a.did }} />}
                    >
                      {a.publishedElsewhere ? 'View' : 'Manage'}
                    </Button>
                    <Button
                      size="compact-sm"
                      color="red"
                      variant="light"
                      aria-label={`Delete ${a.name}`}
                      onClick={() => setDeleting({ did: a.did, name: a.name })}
                    >
                      Delete
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <ConfirmDialog
        opened={deleting !== null}
        title={`Delete ${deleting?.name ?? ''}?`}
        confirmLabel="Delete from this console"
        onCancel={() => setDeleting(null)}
        onConfirm={() => {
          if (deleting) remove.mutate(deleting.did)
          setDeleting(null)
        }}
      >
        This console stops serving it: consumers can no longer start jobs on it. The NFT stays on chain.
      </ConfirmDialog>
      {remove.isError && <ErrorMessage title="Could not delete the asset" error={remove.error} />}
      <PublishProgressList />
    </>
  )
}

/** #/assets/new: the publish wizard on its own page. */
export function PublishScreen() {
  return (
    <Stack component="section" aria-labelledby="publish-title" gap="lg">
      <div>
        <Anchor component={Link} to="/assets" size="sm">
          ← Assets
        </Anchor>
        <Title order={2} id="publish-title" mt={4}>
          Publish an asset
        </Title>
      </div>
      <PublishWizard />
    </Stack>
  )
}
