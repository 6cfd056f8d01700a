// Compute backend: driver (local sandbox or a Kubernetes context), health checks each with a fix,
// and the compute environments consumers see (resources, durations, free tier, prices, network).
import { useState } from 'react'
import { Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core'
import {
  useComputeBackend,
  useDeleteEnvironment,
  useEnvironments,
  useHealth,
} from '../../server-state/compute-backend'
import { ErrorMessage } from '../../components/error-message'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { HealthCheckList } from '../../components/health-check-list'
import { formatDuration } from '../../components/labels/duration-label'
import { BackendChooser } from './backend-chooser'
import { EnvironmentForm } from './environment-form'
import { EnvironmentPrices } from './environment-prices'
import { KubeconfigFiles } from './kubeconfig-files'

export function ComputeBackendScreen() {
  const backend = useComputeBackend()
  const health = useHealth()
  const envs = useEnvironments()
  const remove = useDeleteEnvironment()
  const [deleting, setDeleting] = useState<string | null>(null)
  return (
    <Stack component="section" aria-labelledby="backend-title" gap="lg">
      <Title order={2} id="backend-title">
        Compute backend
      </Title>
      {backend.isError && <ErrorMessage title="Could not read the compute backend" error={backend.error} />}
      {backend.data && (
        <SimpleGrid cols={{ base: 1, sm: 1 }}>
          <Card withBorder padding="md" component="section" aria-label="Driver">
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              Driver
            </Text>
            <Text size="sm" mt={6}>
              {backend.data.driver === 'local'
                ? 'Local sandbox (bubblewrap)'
                : `Kubernetes: ${backend.data.currentContext ?? '—'} / ${backend.data.namespace ?? 'default'}`}
            </Text>
          </Card>
        </SimpleGrid>
      )}
      {backend.data && <KubeconfigFiles backend={backend.data} />}
      {backend.data && (
        <BackendChooser
          key={`${backend.data.driver}-${backend.data.next?.driver ?? ''}`}
          backend={backend.data}
        />
      )}
      <section aria-labelledby="health-title">
        <Group justify="space-between" mb="xs">
          <Title order={3} size="h4" id="health-title">
            Health checks
          </Title>
          <Button
            variant="default"
            size="xs"
            onClick={() => void health.refetch()}
            loading={health.isFetching}
          >
            Run checks again
          </Button>
        </Group>
        {health.isPending && (
          <Text role="status" size="sm">
            Checking…
          </Text>
        )}
        {health.isError && <ErrorMessage title="Health check failed to run" error={health.error} />}
        {health.data && (
          <HealthCheckList
            label="Health checks"
            checks={health.data.checks}
            apiServer={health.data.apiServer}
          />
        )}
      </section>
      <section aria-labelledby="environments-title">
        <Title order={3} size="h4" id="environments-title" mb="xs">
          Environments
        </Title>
        {envs.isError && <ErrorMessage title="Could not load environments" error={envs.error} />}
        {envs.data && (
          <Table.ScrollContainer minWidth={800}>
            <Table aria-label="Environments" striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Id</Table.Th>
                  <Table.Th scope="col">CPU / RAM / disk (max per job)</Table.Th>
                  <Table.Th scope="col">Max duration</Table.Th>
                  <Table.Th scope="col">Concurrent jobs</Table.Th>
                  <Table.Th scope="col">Free tier</Table.Th>
                  <Table.Th scope="col">Prices</Table.Th>
                  <Table.Th scope="col">Network</Table.Th>
                  <Table.Th scope="col">GPU node selector</Table.Th>
                  <Table.Th scope="col">Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {envs.data.environments.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Th scope="row">{e.id}</Table.Th>
                    <Table.Td>{`${e.cpu.max} CPU / ${e.ramGb.max} GB / ${e.diskGb.max} GB`}</Table.Td>
                    <Table.Td>{formatDuration(e.maxJobDurationSec * 1000)}</Table.Td>
                    <Table.Td>
                      {e.maxJobs} ({e.running} running, {e.queued} queued)
                    </Table.Td>
                    <Table.Td>
                      {e.free
                        ? `${e.free.maxJobs} jobs, ${e.free.maxJobDurationSec} s, ${e.free.cpu} CPU`
                        : 'No free tier'}
                    </Table.Td>
                    <Table.Td>
                      <EnvironmentPrices fees={e.fees} />
                    </Table.Td>
                    <Table.Td>{e.allowNetwork ? 'Allowed' : 'Blocked'}</Table.Td>
                    <Table.Td>
                      {e.nodeSelector
                        ? Object.entries(e.nodeSelector)
                            .map(([k, v]) => `${k}=${v}`)
                            .join(', ')
                        : '—'}
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-sm"
                        color="red"
                        variant="light"
                        aria-label={`Delete environment ${e.id}`}
                        onClick={() => setDeleting(e.id)}
                      >
                        Delete
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </section>
      <ConfirmDialog
        opened={deleting !== null}
        title={`Delete environment ${deleting ?? ''}?`}
        confirmLabel="Delete environment"
        onCancel={() => setDeleting(null)}
        onConfirm={() => {
          if (deleting) remove.mutate(deleting)
          setDeleting(null)
        }}
      >
        Consumers will no longer see it, and no new job can start in it.
      </ConfirmDialog>
      {remove.isError && <ErrorMessage title="Could not delete the environment" error={remove.error} />}
      <EnvironmentForm />
    </Stack>
  )
}
