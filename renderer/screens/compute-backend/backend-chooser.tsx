// Choose where jobs run: the local sandbox or a Kubernetes context + namespace. Check a context
// before using it (each failed check with its fix; a missing namespace can be created here), then
// save the choice: it takes effect at the next start, so running jobs stay where they are.
import { useState } from 'react'
import { Alert, Button, Card, Group, Radio, Select, Stack, Text, TextInput, Title } from '@mantine/core'
import { ConsoleApiError, type ComputeBackend } from '../../../engine/console-api/contract'
import { ErrorMessage } from '../../components/error-message'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { HealthCheckList } from '../../components/health-check-list'
import { fieldErrorsFromError } from '../../components/field-errors'
import { NoKubeconfigHelp } from './kubeconfig-files'
import {
  useCheckKubeContext,
  useCreateKubeNamespace,
  useSelectComputeBackend,
} from '../../server-state/compute-backend'

/** The context picker's options, grouped by kubeconfig file (contexts hidden by an earlier file left out). */
function contextGroups(backend: ComputeBackend) {
  const files = backend.kubeconfigs?.filter((f) => f.contexts.some((c) => !c.shadowed))
  if (!files?.length)
    return backend.kubeContexts.map((c) => ({ value: c.name, label: `${c.name} (${c.cluster})` }))
  return files.map((f) => ({
    group: f.path,
    items: f.contexts
      .filter((c) => !c.shadowed)
      .map((c) => ({ value: c.name, label: `${c.name} (${c.server || c.cluster})` })),
  }))
}

/** KUBE_CONTEXT_FAILING's details: the checks that failed (skipped ones left out). */
function failedChecks(details: unknown): string[] {
  if (!Array.isArray(details)) return []
  return details
    .filter(
      (d): d is { path: string; skipped?: boolean } => typeof d === 'object' && d !== null && 'path' in d,
    )
    .filter((d) => !d.skipped)
    .map((d) => d.path)
}

export function BackendChooser({ backend }: { backend: ComputeBackend }) {
  const [driver, setDriver] = useState<'local' | 'kubernetes'>(backend.next?.driver ?? backend.driver)
  const [context, setContext] = useState(
    backend.next?.context ?? backend.currentContext ?? backend.kubeContexts[0]?.name ?? '',
  )
  const [namespace, setNamespace] = useState(backend.next?.namespace ?? backend.namespace ?? 'ocean-c2d')
  const [askCreate, setAskCreate] = useState(false)
  const check = useCheckKubeContext()
  const createNamespace = useCreateKubeNamespace()
  const select = useSelectComputeBackend()
  const namespaceMissing = check.data?.checks.some(
    (c) => c.label === 'namespace' && !c.ok && /does not exist/.test(c.message),
  )
  const runCheck = () => check.mutate({ context, namespace })
  const [askSaveAnyway, setAskSaveAnyway] = useState(false)
  const refused =
    select.error instanceof ConsoleApiError && select.error.code === 'KUBE_CONTEXT_FAILING'
      ? select.error
      : null
  // A refusal's details name checks, not form fields.
  const errors = refused ? {} : fieldErrorsFromError(select.error)
  const attempted = select.variables
  const refusal =
    refused && attempted?.driver === 'kubernetes'
      ? {
          context: attempted.context,
          namespace: attempted.namespace,
          message: refused.message,
          failed: failedChecks(refused.details),
        }
      : null

  return (
    <Card withBorder padding="md">
      <form
        aria-label="Choose the compute backend"
        onSubmit={(e) => {
          e.preventDefault()
          select.mutate(driver === 'local' ? { driver } : { driver, context, namespace })
        }}
      >
        <Stack gap="sm">
          <Title order={3} size="h4">
            Where jobs run
          </Title>
          <Radio.Group
            label="Run jobs on"
            value={driver}
            onChange={(v) => setDriver(v === 'kubernetes' ? 'kubernetes' : 'local')}
          >
            <Stack gap={6} mt={6}>
              <Radio value="local" label="Local sandbox (this machine, bubblewrap)" />
              <Radio value="kubernetes" label="A Kubernetes cluster" />
            </Stack>
          </Radio.Group>
          {driver === 'kubernetes' && backend.kubeContexts.length === 0 && (
            <NoKubeconfigHelp files={backend.kubeconfigs ?? []} />
          )}
          {driver === 'kubernetes' && backend.kubeContexts.length > 0 && (
            <>
              <Group grow align="flex-start">
                <Select
                  label="Context"
                  searchable
                  allowDeselect={false}
                  nothingFoundMessage="No context by that name"
                  value={context || null}
                  onChange={(value) => setContext(value ?? '')}
                  data={contextGroups(backend)}
                  error={errors.context}
                />
                <TextInput
                  label="Namespace"
                  description="Lowercase letters, digits and dashes"
                  value={namespace}
                  onChange={(e) => setNamespace(e.currentTarget.value)}
                  error={errors.namespace}
                />
              </Group>
              <Group>
                <Button variant="default" onClick={runCheck} loading={check.isPending}>
                  Check connection
                </Button>
                {namespaceMissing && (
                  <Button
                    variant="light"
                    disabled={createNamespace.isPending}
                    onClick={() => setAskCreate(true)}
                  >
                    Create namespace {namespace}
                  </Button>
                )}
              </Group>
              {check.isError && <ErrorMessage title="The check could not run" error={check.error} />}
              {check.data && (
                <HealthCheckList
                  label="Context checks"
                  checks={check.data.checks}
                  apiServer={check.data.apiServer}
                />
              )}
              {createNamespace.isError && (
                <ErrorMessage title="Could not create the namespace" error={createNamespace.error} />
              )}
              <ConfirmDialog
                opened={askCreate}
                title={`Create namespace ${namespace}?`}
                confirmLabel="Create namespace"
                onCancel={() => setAskCreate(false)}
                onConfirm={() => {
                  setAskCreate(false)
                  createNamespace.mutate({ context, namespace }, { onSuccess: runCheck })
                }}
              >
                This creates the namespace {namespace} in the cluster of {context}. Jobs run there once you
                use this backend.
              </ConfirmDialog>
            </>
          )}
          <Group>
            <Button
              type="submit"
              loading={select.isPending}
              disabled={driver === 'kubernetes' && (!context || !namespace)}
            >
              Use this backend
            </Button>
          </Group>
          {refusal && (
            <Alert
              color="red"
              title={`${refusal.context} / ${refusal.namespace} fails its checks`}
              role="region"
            >
              <Stack gap={6}>
                <Text size="sm">{refusal.message}</Text>
                <Group>
                  <Button color="red" variant="light" onClick={() => setAskSaveAnyway(true)}>
                    Save anyway…
                  </Button>
                </Group>
              </Stack>
            </Alert>
          )}
          {select.isError && !refusal && (
            <ErrorMessage title="Could not save the choice" error={select.error} />
          )}
          <ConfirmDialog
            opened={askSaveAnyway}
            title="Save a context that fails its checks?"
            confirmLabel="Save anyway"
            onCancel={() => setAskSaveAnyway(false)}
            onConfirm={() => {
              setAskSaveAnyway(false)
              if (refusal)
                select.mutate({
                  driver: 'kubernetes',
                  context: refusal.context,
                  namespace: refusal.namespace,
                  saveAnyway: true,
                })
            }}
          >
            From the next start, new jobs run on {refusal?.context} / {refusal?.namespace}, although{' '}
            {refusal?.failed.join(', ')} failed. Jobs are likely to fail there until it is fixed.
          </ConfirmDialog>
          {backend.next && (
            <Alert role="status" color="blue" variant="light">
              Saved: from the next start, new jobs run on{' '}
              {backend.next.driver === 'local'
                ? 'the local sandbox'
                : `${backend.next.context} / ${backend.next.namespace}`}
              . Restart the console to switch; running jobs finish where they are.
            </Alert>
          )}
        </Stack>
      </form>
    </Card>
  )
}
