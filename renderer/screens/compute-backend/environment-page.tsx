// One environment's page (#/compute-backend/environments/<id>): what consumers see of it, the form
// to edit its limits, free tier and prices, and Delete with its confirmation.
import { Anchor, Button, Group, Stack, Text, Title } from '@mantine/core'
import { Link, useNavigate, useParams } from '@tanstack/react-router'
import { useEnvironments } from '../../server-state/compute-backend'
import { ErrorMessage } from '../../components/error-message'
import { EnvironmentForm } from './environment-form'
import { EnvironmentPrices } from './environment-prices'
import { freeTierWords, useEnvironmentDelete } from './environments-section'

export function EnvironmentRoute() {
  const { envId } = useParams({ from: '/compute-backend/environments/$envId' })
  return <EnvironmentPage envId={envId} />
}

export function EnvironmentPage({ envId }: { envId: string }) {
  const envs = useEnvironments()
  const navigate = useNavigate()
  const back = () => void navigate({ to: '/compute-backend' })
  const del = useEnvironmentDelete(back)
  const env = envs.data?.environments.find((e) => e.id === envId)
  return (
    <Stack component="section" aria-labelledby="environment-title" gap="lg">
      <Anchor size="sm" renderRoot={(props) => <Link {...props} to="/compute-backend" />}>
        ← Compute backend
      </Anchor>
      <Title order={2} id="environment-title">
        Environment {envId}
      </Title>
      {envs.isPending && (
        <Text role="status" c="dimmed">
          Loading the environment…
        </Text>
      )}
      {envs.isError && <ErrorMessage title="Could not load environments" error={envs.error} />}
      {envs.data && !env && (
        <Text>
          No environment {envId} in this console (it may have been deleted).{' '}
          <Anchor renderRoot={(props) => <Link {...props} to="/compute-backend" />}>
            See all environments
          </Anchor>
          .
        </Text>
      )}
      {envs.data && env && (
        <>
          <Group gap="xl" align="flex-start">
            <div>
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                Now
              </Text>
              <Text size="sm">
                {env.running} running, {env.queued} queued (at most {env.maxJobs} at once)
              </Text>
            </div>
            <div>
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                Free tier
              </Text>
              <Text size="sm">{freeTierWords(env.free)}</Text>
            </div>
            <div>
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                Prices
              </Text>
              <EnvironmentPrices fees={env.fees} chains={envs.data.chains} />
            </div>
          </Group>
          <EnvironmentForm
            key={env.id}
            environment={env}
            feeToken={envs.data.feeToken}
            chains={envs.data.chains}
            onCancel={back}
          />
          <Group>
            <Button color="red" variant="light" onClick={() => del.ask(env.id)}>
              Delete environment {env.id}
            </Button>
          </Group>
          {del.dialog}
          {del.error}
        </>
      )}
    </Stack>
  )
}
