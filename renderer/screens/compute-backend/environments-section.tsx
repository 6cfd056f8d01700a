// The compute environments consumers see: limits, durations, free tier, prices in the fee token's
// symbol, network. Each has its own page (#/compute-backend/environments/<id>) to edit it; delete
// asks first. New ones are added with the form "Add an environment" opens below the table.
import { useState } from 'react'
import { Anchor, Button, Group, Table, Text, Title } from '@mantine/core'
import { Link } from '@tanstack/react-router'
import type { ConsoleEnvironment } from '../../../engine/console-api/contract'
import { useDeleteEnvironment, useEnvironments } from '../../server-state/compute-backend'
import { ErrorMessage } from '../../components/error-message'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { EmptyState } from '../../components/empty-state'
import { formatDuration } from '../../components/labels/duration-label'
import { EnvironmentForm } from './environment-form'
import { EnvironmentPrices } from './environment-prices'

export function freeTierWords(free: ConsoleEnvironment['free']): string {
  if (!free) return 'No free tier'
  const jobs = `${free.maxJobs} ${free.maxJobs === 1 ? 'job' : 'jobs'} at once`
  return `${jobs}, up to ${formatDuration(free.maxJobDurationSec * 1000)}, ${free.cpu} CPU`
}

/** Delete with its confirmation; `onDeleted` after the engine confirmed it. */
export function useEnvironmentDelete(onDeleted?: () => void) {
  const remove = useDeleteEnvironment()
  const [deleting, setDeleting] = useState<string | null>(null)
  const dialog = (
    <ConfirmDialog
      opened={deleting !== null}
      title={`Delete environment ${deleting ?? ''}?`}
      confirmLabel="Delete environment"
      onCancel={() => setDeleting(null)}
      onConfirm={() => {
        if (deleting) remove.mutate(deleting, { onSuccess: () => onDeleted?.() })
        setDeleting(null)
      }}
    >
      Consumers will no longer see it, and no new job can start in it. Jobs that ran in it keep their records.
      An environment with running or queued jobs cannot be deleted.
    </ConfirmDialog>
  )
  const error = remove.isError ? (
    <ErrorMessage title="Could not delete the environment" error={remove.error} />
  ) : null
  return { ask: setDeleting, dialog, error }
}

export function EnvironmentsSection() {
  const envs = useEnvironments()
  const del = useEnvironmentDelete()
  const [adding, setAdding] = useState(false)
  return (
    <section aria-labelledby="environments-title">
      <Title order={3} size="h4" id="environments-title" mb="xs">
        Environments
      </Title>
      {envs.isPending && (
        <Text role="status" size="sm">
          Loading environments…
        </Text>
      )}
      {envs.isError && <ErrorMessage title="Could not load environments" error={envs.error} />}
      {envs.data && envs.data.environments.length === 0 && (
        <EmptyState title="No environments">
          <Text size="sm">
            Consumers cannot start a job until there is one: add an environment with its limits, free tier and
            prices.
          </Text>
        </EmptyState>
      )}
      {envs.data && envs.data.environments.length > 0 && (
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
                  <Table.Th scope="row">
                    <Anchor
                      renderRoot={(props) => (
                        <Link {...props} to="/compute-backend/environments/$envId" params={{ envId: e.id }} />
                      )}
                    >
                      {e.id}
                    </Anchor>
                  </Table.Th>
                  <Table.Td>{`${e.cpu.max} CPU / ${e.ramGb.max} GB / ${e.diskGb.max} GB`}</Table.Td>
                  <Table.Td>{formatDuration(e.maxJobDurationSec * 1000)}</Table.Td>
                  <Table.Td>
                    {e.maxJobs} ({e.running} running, {e.queued} queued)
                  </Table.Td>
                  <Table.Td>{freeTierWords(e.free)}</Table.Td>
                  <Table.Td>
                    <EnvironmentPrices fees={e.fees} chains={envs.data.chains} />
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
                    <Group gap={6} wrap="nowrap">
                      <Button
                        size="compact-sm"
                        variant="default"
                        aria-label={`Edit environment ${e.id}`}
                        renderRoot={(props) => (
                          <Link
                            {...props}
                            to="/compute-backend/environments/$envId"
                            params={{ envId: e.id }}
                          />
                        )}
                      >
                        Edit
                      </Button>
                      <Button
                        size="compact-sm"
                        color="red"
                        variant="light"
                        aria-label={`Delete environment ${e.id}`}
                        onClick={() => del.ask(e.id)}
                      >
                        Delete
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {del.dialog}
      {del.error}
      {envs.data && (
        <div style={{ marginTop: 'var(--mantine-spacing-lg)' }}>
          {/* Mounted when asked for: the form's two dozen fields would slow every visit to this route. */}
          {adding ? (
            <EnvironmentForm
              feeToken={envs.data.feeToken}
              chains={envs.data.chains}
              onCancel={() => setAdding(false)}
            />
          ) : (
            <Button variant="light" onClick={() => setAdding(true)}>
              Add an environment
            </Button>
          )}
        </div>
      )}
    </section>
  )
}
