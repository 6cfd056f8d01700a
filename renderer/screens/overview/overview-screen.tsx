// Overview: where consumers reach us, on which chain, the publisher wallet (the one address the
// console shows everywhere), whether the engine is healthy, job counts, recent jobs and requests.
// With several served chains (issue 14), a row per chain: RPC reachable or not, block height.
import { Anchor, Badge, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core'
import { Link } from '@tanstack/react-router'
import { useOverview } from '../../server-state/overview'
import { useProviderRequests } from '../../server-state/provider-requests'
import { useWallet } from '../../server-state/settings'
import { AfterFirstPaint } from '../../components/after-first-paint'
import { ErrorMessage } from '../../components/error-message'
import { AddressLabel } from '../../components/labels/address-label'
import { DateLabel } from '../../components/labels/date-label'
import { ReachabilityPanel } from './reachability-panel'
import { ServedChainsTable } from '../../components/served-chains-table'
import type { StatusFilter } from '../../ui-state/ui-store'

/** Same buckets and names as the Jobs list's status filter (jobs-screen.tsx STATUS_OPTIONS). */
const OVERVIEW_BUCKETS: Array<{ status: Exclude<StatusFilter, 'all'>; label: string }> = [
  { status: 'running', label: 'Running' },
  { status: 'queued', label: 'Queued' },
  { status: 'succeeded', label: 'Succeeded' },
  { status: 'failed', label: 'Failed' },
  { status: 'stopped', label: 'Stopped' },
  { status: 'expired', label: 'Expired' },
]
import { FirstRunChecklist } from './first-run-checklist'
import { RecentJobsTable } from '../jobs/recent-jobs-table'
import { CopyValueButton } from '../../components/copy-value-button'

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Card withBorder padding="md" component="section" aria-label={label}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <div style={{ marginTop: 6 }}>{children}</div>
    </Card>
  )
}

// The heading is there from the first frame, so focus can land on it when the route opens, and it
// paints on its own: a route change renders synchronously, and with the queries cached the whole
// body (checklist, counts, recent jobs) would be in that render. The body, its queries and their
// refetches follow as deferred work.
export function OverviewScreen() {
  return (
    <Stack component="section" aria-labelledby="overview-title" gap="lg">
      <Title order={2} id="overview-title">
        Overview
      </Title>
      <AfterFirstPaint>
        <OverviewBody />
      </AfterFirstPaint>
    </Stack>
  )
}

function OverviewBody() {
  const overview = useOverview()
  const wallet = useWallet()
  const requests = useProviderRequests()
  // A failed refetch keeps what was shown (marked not live by the shell while unreachable).
  if (!overview.data)
    return overview.isPending ? (
      <Text role="status" c="dimmed">
        Loading overview…
      </Text>
    ) : (
      <ErrorMessage title="Could not load the overview" error={overview.error} />
    )
  const o = overview.data
  const walletAddress = wallet.data?.address ?? null
  return (
    <>
      {overview.isError && <ErrorMessage title="Could not load the overview" error={overview.error} />}
      <FirstRunChecklist />
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
        <Fact label="Provider URL">
          <Group gap={6} align="center">
            <Text
              component="code"
              ff="monospace"
              size="sm"
              data-testid="provider-url"
              style={{ overflowWrap: 'anywhere' }}
            >
              {o.providerUrl}
            </Text>
            <CopyValueButton value={o.providerUrl} label="Copy provider URL" />
          </Group>
        </Fact>
        <Fact label="Chain">
          <Text size="sm">
            {o.chainId === null ? 'Not connected' : `${o.chainName ?? 'chain'} (${o.chainId})`}
          </Text>
          {o.chainError ? <ChainError error={o.chainError} /> : null}
          {o.chains.length > 1 && (
            <Text size="xs" c="dimmed">
              and {o.chains.length - 1} more served (below)
            </Text>
          )}
        </Fact>
        <Fact label="Publisher wallet">
          {walletAddress ? (
            <Group gap={6}>
              <AddressLabel value={walletAddress} what="wallet address" />
              {wallet.data?.devKey ? (
                <Badge
                  size="sm"
                  variant="dot"
                  color="orange"
                  title="The dev chain's fixed, public provider key"
                >
                  dev key (throwaway)
                </Badge>
              ) : (
                <Badge size="sm" variant="dot" color={wallet.data?.state === 'unlocked' ? 'green' : 'yellow'}>
                  {wallet.data?.state}
                </Badge>
              )}
            </Group>
          ) : (
            <Text size="sm">
              No wallet yet —{' '}
              <Anchor component={Link} to="/settings">
                create one in Settings
              </Anchor>
            </Text>
          )}
        </Fact>
        <Fact label="Compute backend">
          <Text size="sm">
            {o.health
              ? `${o.health.driver === 'local' ? 'Local sandbox' : 'Kubernetes'}: ${o.health.ok ? 'healthy' : 'needs attention'}`
              : 'Not started'}
          </Text>
        </Fact>
      </SimpleGrid>
      {o.chains.length > 1 && (
        <Card withBorder padding="md" component="section" aria-labelledby="served-chains-title">
          <Title order={3} size="h5" id="served-chains-title">
            Served chains
          </Title>
          <Text size="sm" c="dimmed">
            Consumers order and pay on any of these; publishing from this console uses the primary chain.
          </Text>
          <ServedChainsTable chains={o.chains} label="Served chains" />
        </Card>
      )}
      <ReachabilityPanel />
      <SimpleGrid
        cols={{ base: 2, sm: 4 }}
        component="ul"
        aria-label="Job counts"
        style={{ listStyle: 'none', padding: 0, margin: 0 }}
      >
        {/* The Jobs list's buckets and labels; each opens the list with that filter. */}
        {OVERVIEW_BUCKETS.map(({ status, label }) => {
          const count = o.jobCounts[status]
          return (
            <Card component="li" withBorder padding="sm" key={status}>
              <Anchor
                component={Link}
                to={`/jobs?status=${status}`}
                underline="never"
                c="inherit"
                aria-label={`${label}: ${count} (open in Jobs)`}
              >
                <Text size="xs" c="dimmed" aria-hidden>
                  {label}
                </Text>
                <Text size="xl" fw={700} aria-hidden>
                  {count}
                </Text>
              </Anchor>
            </Card>
          )
        })}
      </SimpleGrid>
      <section aria-labelledby="recent-jobs-title">
        <Title order={3} size="h4" id="recent-jobs-title" mb="xs">
          Recent activity
        </Title>
        {o.recentJobs.length === 0 ? (
          <Text size="sm">
            No jobs yet. Consumers start jobs with ocean.js against the Provider URL above.
          </Text>
        ) : (
          <RecentJobsTable jobs={o.recentJobs} labelledBy="recent-jobs-title" highlightOnHover />
        )}
      </section>
      <section aria-labelledby="provider-requests-title">
        <Title order={3} size="h4" id="provider-requests-title" mb="xs">
          Provider requests
        </Title>
        {requests.data.length === 0 ? (
          <Text size="sm">
            No consumer requests since the console opened. ocean.js calls the Provider URL above; each call
            shows here as it happens.
          </Text>
        ) : (
          <Table aria-labelledby="provider-requests-title" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Time</Table.Th>
                <Table.Th scope="col">Request</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
                <Table.Th scope="col">Duration</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {requests.data.map((r, i) => (
                <Table.Tr key={`${r.atMs}-${i}`}>
                  <Table.Td>
                    <DateLabel atMs={r.atMs} />
                  </Table.Td>
                  <Table.Td>
                    <Text component="code" ff="monospace" size="sm">
                      {r.method} {r.path}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {r.errorCode ? (
                      <Badge color="red" variant="dot" style={{ textTransform: 'none' }}>
                        {`${r.status} ${r.errorCode}`}
                      </Badge>
                    ) : (
                      r.status
                    )}
                  </Table.Td>
                  <Table.Td>{Math.round(r.elapsedMs)} ms</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </section>
    </>
  )
}

/** The chain's start failure and its fix (the console runs without a chain meanwhile). */
export function ChainError({ error }: { error: { code?: string; message: string } }) {
  return (
    <p role="alert" data-testid="chain-error">
      The chain did not start{error.code ? ` (${error.code})` : ''}: {error.message}
    </p>
  )
}
