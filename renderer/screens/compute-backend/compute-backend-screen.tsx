// Compute backend: driver (local sandbox or a Kubernetes context), health checks each with a fix,
// and the compute environments consumers see (resources, durations, free tier, prices, network).
import { Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { useComputeBackend, useHealth } from '../../server-state/compute-backend'
import { AfterFirstPaint } from '../../components/after-first-paint'
import { ErrorMessage } from '../../components/error-message'
import { HealthCheckList } from '../../components/health-check-list'
import { BackendChooser } from './backend-chooser'
import { EnvironmentsSection } from './environments-section'
import { KubeconfigFiles } from './kubeconfig-files'

// The heading paints on its own first (a route change renders synchronously, and with the queries
// cached the whole body would be in that render); the body, its queries and their refetches follow
// as deferred work.
export function ComputeBackendScreen() {
  return (
    <Stack component="section" aria-labelledby="backend-title" gap="lg">
      <Title order={2} id="backend-title">
        Compute backend
      </Title>
      <AfterFirstPaint>
        <ComputeBackendBody />
      </AfterFirstPaint>
    </Stack>
  )
}

function ComputeBackendBody() {
  const backend = useComputeBackend()
  const health = useHealth()
  return (
    <>
      {backend.isPending && (
        <Text role="status" size="sm">
          Loading the compute backend…
        </Text>
      )}
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
      <EnvironmentsSection />
    </>
  )
}
