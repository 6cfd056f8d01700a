// Choose where jobs run: the local sandbox or a Kubernetes context + namespace. Check a context
// before using it (each failed check with its fix; a missing namespace can be created here), then
// save the choice: it takes effect at the next start, so running jobs stay where they are.
import { useState } from 'react'
import {
  Alert,
  Button,
  Card,
  Code,
  Group,
  NativeSelect,
  Radio,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import type { ComputeBackend } from '../../../engine/console-api/contract'
import { ErrorMessage } from '../../components/error-message'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { HealthCheckList } from '../../components/health-check-list'
import { fieldErrorsFromError } from '../../components/field-errors'
import {
  useCheckKubeContext,
  useCreateKubeNamespace,
  useSelectComputeBackend,
} from '../../server-state/compute-backend'

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
  const errors = fieldErrorsFromError(select.error)

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
            <Alert color="yellow" title="No kubeconfig found" role="region" aria-label="No kubeconfig found">
              <Text size="sm">
                The console looks where kubectl does (KUBECONFIG, then ~/.kube/config). For a cluster on this
                machine, install kind and run <Code>kind create cluster</Code>, or enable Kubernetes in Docker
                Desktop / Rancher Desktop, or install k3s. For EKS, GKE or AKS, add the cluster with your
                cloud's CLI (<Code>aws eks update-kubeconfig</Code>,{' '}
                <Code>gcloud container clusters get-credentials</Code>, <Code>az aks get-credentials</Code>).
                Then open this screen again.
              </Text>
            </Alert>
          )}
          {driver === 'kubernetes' && backend.kubeContexts.length > 0 && (
            <>
              <Group grow align="flex-start">
                <NativeSelect
                  label="Context"
                  value={context}
                  onChange={(e) => setContext(e.currentTarget.value)}
                  data={backend.kubeContexts.map((c) => ({
                    value: c.name,
                    label: `${c.name} (${c.cluster}, ${c.source})`,
                  }))}
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
              {check.data && <HealthCheckList label="Context checks" checks={check.data.checks} />}
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
          {select.isError && <ErrorMessage title="Could not save the choice" error={select.error} />}
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
