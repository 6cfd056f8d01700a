// Policies (issue 12): the off-chain rules the Provider enforces on top of the DDOs. For one dataset
// (#/policies/<did>): its consumer allow and deny lists, its node-only approvals from the inbox,
// output release with the review window, quotas and review guards. For every compute environment:
// its per-consumer quotas. Every change applies to the next request.
import { Anchor, Card, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { Link, useNavigate, useParams } from '@tanstack/react-router'
import type { DatasetPolicySummary } from '../../../engine/console-api/contract'
import { shortenValue } from '../../components/labels/address-label'
import { useAssets } from '../../server-state/assets'
import { useDatasetPolicy, useSaveDatasetPolicy } from '../../server-state/publisher-control'
import { AfterFirstPaint } from '../../components/after-first-paint'
import { EmptyState } from '../../components/empty-state'
import { ErrorMessage } from '../../components/error-message'
import { errorFor, fieldErrorsFromError } from '../../components/field-errors'
import { ConsumerList } from './consumer-list'
import { DatasetPolicyForm } from './dataset-policy-form'
import { EnvironmentQuotas } from './environment-quotas'
import { NodeApprovalsTable } from './node-approvals-table'

export function PoliciesRoute() {
  return <PoliciesScreen />
}

export function DatasetPoliciesRoute() {
  const { did } = useParams({ from: '/policies/$did' })
  return <PoliciesScreen did={did} />
}

function ConsumerLists({ did, stored }: { did: string; stored: DatasetPolicySummary }) {
  const save = useSaveDatasetPolicy()
  const errors = fieldErrorsFromError(save.error, 'policy.')
  const saveList = (kind: 'allow' | 'deny') => (next: string[]) =>
    save.mutateAsync({ did, policy: { ...stored, consumers: { ...stored.consumers, [kind]: next } } })
  return (
    <Stack gap="xs">
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <ConsumerList
          kind="allow"
          addresses={stored.consumers.allow}
          onSave={saveList('allow')}
          saving={save.isPending}
          serverError={errorFor(errors, 'consumers.allow')}
        />
        <ConsumerList
          kind="deny"
          addresses={stored.consumers.deny}
          onSave={saveList('deny')}
          saving={save.isPending}
          serverError={errorFor(errors, 'consumers.deny')}
        />
      </SimpleGrid>
      {save.isError && Object.keys(errors).length === 0 && (
        <ErrorMessage title="The list was not saved" error={save.error} />
      )}
    </Stack>
  )
}

function DatasetPolicies({ did }: { did: string }) {
  const policy = useDatasetPolicy(did)
  // A failed refetch keeps the policy shown (marked not live by the shell while unreachable).
  if (!policy.data)
    return policy.isError ? (
      <ErrorMessage title="Could not load the policy" error={policy.error} />
    ) : (
      <Text size="sm" role="status">
        Loading the policy…
      </Text>
    )
  const stored = policy.data.policy
  return (
    <Stack gap="lg">
      <Card withBorder component="section" aria-labelledby="consumers-title">
        <Title order={3} size="h4" id="consumers-title" mb="xs">
          Consumers
        </Title>
        <ConsumerLists did={did} stored={stored} />
      </Card>
      <Card withBorder component="section" aria-labelledby="approvals-title">
        <Title order={3} size="h4" id="approvals-title" mb="xs">
          Node-only approvals
        </Title>
        <Text size="sm" mb="xs">
          Algorithms the dataset's DDO does not trust that you allowed on this node from the{' '}
          {/* Underlined: in the dark theme the link's colour alone is too close to the text's (axe link-in-text-block). */}
          <Anchor component={Link} to="/inbox" underline="always">
            inbox
          </Anchor>
          .
        </Text>
        <NodeApprovalsTable did={did} labelledBy="approvals-title" />
      </Card>
      <Card withBorder component="section" aria-labelledby="release-title">
        <Title order={3} size="h4" id="release-title" mb="xs">
          Outputs and quotas
        </Title>
        {/* The draft holds only these fields; a save spreads the latest stored policy (the lists) under it. */}
        <DatasetPolicyForm did={did} stored={stored} />
      </Card>
    </Stack>
  )
}

// The heading (and what policies are) paint on their own first; the dataset picker, the dataset's
// policy, the environment quotas, their queries and their refetches follow as deferred work (a route
// change renders synchronously, and with the queries cached every form would be in it).
export function PoliciesScreen({ did }: { did?: string }) {
  return (
    <Stack component="section" aria-labelledby="policies-title" gap="lg">
      <Title order={2} id="policies-title">
        Policies
      </Title>
      <Text size="sm">
        Rules this console's Provider enforces on top of each DDO, off chain: who may compute on a dataset,
        what is approved on this node only, how outputs are released, and how much each consumer may run. A
        change applies to the next request.
      </Text>
      <AfterFirstPaint>
        <PoliciesBody did={did} />
      </AfterFirstPaint>
    </Stack>
  )
}

function PoliciesBody({ did }: { did?: string }) {
  const assets = useAssets()
  const navigate = useNavigate()
  const datasets = (assets.data?.assets ?? []).filter((a) => a.kind === 'dataset')
  return (
    <>
      {assets.isPending && (
        <Text size="sm" role="status">
          Loading the datasets…
        </Text>
      )}
      {assets.isError && <ErrorMessage title="Could not load the datasets" error={assets.error} />}
      {assets.data && datasets.length === 0 && (
        <EmptyState title="No datasets">Publish a dataset to set its policy.</EmptyState>
      )}
      {datasets.length > 0 && (
        <Select
          label="Dataset"
          placeholder="Pick a dataset"
          searchable
          allowDeselect={false}
          nothingFoundMessage="No dataset by that name"
          data={datasets.map((a) => ({ value: a.did, label: `${a.name} (${shortenValue(a.did)})` }))}
          value={did ?? null}
          onChange={(value) => {
            if (value) void navigate({ to: '/policies/$did', params: { did: value } })
          }}
        />
      )}
      {did && <DatasetPolicies key={did} did={did} />}
      <EnvironmentQuotas />
    </>
  )
}
