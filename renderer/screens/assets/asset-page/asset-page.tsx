// One asset's page (#/assets/<did>): its facts, the Provider endpoint consumers use, the compute
// settings and trusted algorithms (editable: setMetaData again), a dataset's allowed compute
// environments (its policy in this console, no signature), a dataset's node-only approvals
// (off-chain, with a link to its policies), its prices (datatoken and compute), state and
// datatokens, and the jobs that ran on it. Deep-linkable, so Back and reload keep the place.
import { Alert, Anchor, Badge, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { Link, useParams } from '@tanstack/react-router'
import { useAsset } from '../../../server-state/assets'
import { useJobList } from '../../../server-state/jobs'
import { ErrorMessage } from '../../../components/error-message'
import { AddressLabel } from '../../../components/labels/address-label'
import { DateLabel } from '../../../components/labels/date-label'
import { AssetStateBadge } from '../asset-state-badge'
import { NotOnChainAlert, NotOnChainBadge } from '../not-on-chain-badge'
import { PublishedElsewhereBadge } from '../published-elsewhere-badge'
import { AssetActions } from '../asset-actions'
import { PublishProgressList } from '../publish-progress-list'
import { DdoView } from './ddo-view'
import { MetadataEditor } from './metadata-editor'
import { TrustedAlgorithmsEditor } from './trusted-algorithms-editor'
import { AllowedEnvironmentsEditor } from './allowed-environments-editor'
import { AssetPricesPanel } from './asset-prices-panel'
import { RecentJobsTable } from '../../jobs/recent-jobs-table'
import { NodeApprovalsTable } from '../../policies/node-approvals-table'

/** A DDO endpoint on a loopback or wildcard host cannot be reached by consumers elsewhere. */
export function isLocalOnlyEndpoint(url: string | null): boolean {
  if (!url) return false
  try {
    const host = new URL(url).hostname
    return host === '127.0.0.1' || host === 'localhost' || host === '0.0.0.0' || host === '[::1]'
  } catch {
    return false
  }
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <div>{children}</div>
    </div>
  )
}

export function AssetRoute() {
  const { did } = useParams({ from: '/assets/$did' })
  return <AssetPage did={did} />
}

export function AssetPage({ did }: { did: string }) {
  const asset = useAsset(did)
  const jobs = useJobList({ did, limit: 20, offset: 0 })
  // The heading is there from the first frame, so focus can land on it when the route opens. Once
  // loaded, the asset stays on screen when a refetch fails (console unreachable): the shell marks it
  // not live under its one banner, as the lists do.
  if (!asset.data && !asset.isError)
    return (
      <Stack>
        <Title order={2}>Asset</Title>
        <Text role="status" size="sm">
          Loading the asset…
        </Text>
      </Stack>
    )
  if (!asset.data)
    return (
      <Stack>
        <Title order={2}>Asset</Title>
        <ErrorMessage title="Could not load the asset" error={asset.error} />
        <Anchor component={Link} to="/assets">
          Back to assets
        </Anchor>
      </Stack>
    )
  const d = asset.data
  // Found by the chain indexer: not the console wallet's NFT, so no edit it would have to sign.
  const elsewhere = d.asset.publishedElsewhere
  // Gone from the chain in use (dev chain redeployed): every on-chain action would be refused.
  const stale = d.asset.notOnChain
  return (
    <Stack component="section" aria-labelledby="asset-title" gap="lg">
      <div>
        <Anchor component={Link} to="/assets" size="sm">
          ← Assets
        </Anchor>
        <Group gap="sm" mt={4}>
          <Title order={2} id="asset-title">
            {d.asset.name}
          </Title>
          <Badge variant="dot" style={{ textTransform: 'none' }}>
            {d.asset.kind === 'dataset' ? 'Dataset' : 'Algorithm'}
          </Badge>
          <AssetStateBadge state={d.asset.state} />
          {elsewhere && <PublishedElsewhereBadge publisher={elsewhere.publisher} />}
          {stale && <NotOnChainBadge notOnChain={stale} />}
        </Group>
      </div>
      {stale && <NotOnChainAlert notOnChain={stale} />}
      {elsewhere && (
        <Alert color="grape" title="Published elsewhere">
          This asset was published outside this console by{' '}
          <AddressLabel value={elsewhere.publisher} what="publisher address" />, with this node as its
          Provider. Its data NFT is not this console's wallet's, so its compute settings, state and datatokens
          are changed by its publisher, not here. This node serves compute on it, and its node-only approvals
          below apply.
        </Alert>
      )}
      <Card withBorder padding="md" component="section" aria-label="Facts">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          <Fact label="DID">
            <AddressLabel value={d.asset.did} what="DID" />
          </Fact>
          <Fact label="Data NFT">
            <AddressLabel value={d.asset.nftAddress} what="NFT address" />
          </Fact>
          <Fact label="Datatoken">
            <AddressLabel value={d.asset.datatokenAddress} what="datatoken address" />
          </Fact>
          <Fact label="Provider endpoint in the DDO">
            <Text size="sm" ff="monospace">
              {d.serviceEndpoint ?? '—'}
            </Text>
          </Fact>
          <Fact label="Files">
            <Text size="sm">
              {d.fileCount === 1 ? '1 file (consumers never see its location)' : `${d.fileCount} files`}
            </Text>
          </Fact>
          <Fact label="Order timeout">
            <Text size="sm">{d.timeoutSec === 0 ? 'None' : `${d.timeoutSec} s`}</Text>
          </Fact>
          <Fact label="Chain">
            <Text size="sm">{d.asset.chainId}</Text>
          </Fact>
          <Fact label="Published">
            <DateLabel atMs={d.asset.createdAtMs} />
          </Fact>
          <Fact label="Last changed">
            <DateLabel atMs={d.asset.updatedAtMs} />
          </Fact>
          {d.container && (
            <Fact label="Container">
              <Text size="sm" ff="monospace">
                {d.container.image}:{d.container.tag} — {d.container.entrypoint}
              </Text>
            </Fact>
          )}
        </SimpleGrid>
        {d.description && (
          <Text size="sm" mt="sm">
            {d.description}
          </Text>
        )}
      </Card>
      {isLocalOnlyEndpoint(d.serviceEndpoint) && (
        <Alert color="yellow" title="Consumers elsewhere cannot reach this endpoint">
          The DDO names {d.serviceEndpoint}, which only works on this machine. Set a public Provider URL in{' '}
          {/* The alert's own text colour, underlined: the blue link failed contrast on the dark yellow alert. */}
          <Anchor component={Link} to="/settings" c="inherit" underline="always">
            Settings
          </Anchor>
          ; the console then publishes the new endpoint for every asset.
        </Alert>
      )}
      {!elsewhere && <MetadataEditor key={`meta-${d.asset.updatedAtMs}`} details={d} disabled={!!stale} />}
      {d.asset.kind === 'dataset' && !elsewhere && !stale && (
        <TrustedAlgorithmsEditor key={d.asset.updatedAtMs} details={d} />
      )}
      {/* Kept in this console, not in the DDO: editable for a dataset published elsewhere or stale too. */}
      {d.asset.kind === 'dataset' && <AllowedEnvironmentsEditor did={d.asset.did} />}
      {d.asset.kind === 'dataset' && (
        <Card withBorder padding="md" component="section" aria-labelledby="asset-approvals-title">
          <Group justify="space-between" mb="xs">
            <Title order={3} size="h4" id="asset-approvals-title">
              Node-only approvals
            </Title>
            <Anchor
              size="sm"
              renderRoot={(props) => <Link {...props} to="/policies/$did" params={{ did: d.asset.did }} />}
            >
              Edit this dataset's policies
            </Anchor>
          </Group>
          <NodeApprovalsTable did={d.asset.did} labelledBy="asset-approvals-title" />
        </Card>
      )}
      <AssetPricesPanel asset={d.asset} />
      {!elsewhere && <AssetActions asset={d.asset} />}
      <DdoView ddo={d.ddo} />
      <PublishProgressList did={d.asset.did} />
      <section aria-labelledby="asset-jobs-title">
        <Title order={3} size="h4" id="asset-jobs-title" mb="xs">
          Jobs on this asset
        </Title>
        {jobs.isError && <ErrorMessage title="Could not load the jobs" error={jobs.error} />}
        {jobs.data && jobs.data.jobs.length === 0 && <Text size="sm">No jobs yet.</Text>}
        {jobs.data && jobs.data.jobs.length > 0 && (
          <RecentJobsTable jobs={jobs.data.jobs} labelledBy="asset-jobs-title" showConsumer />
        )}
      </section>
    </Stack>
  )
}
