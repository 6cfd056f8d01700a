// Choose where jobs run: the local sandbox or a Kubernetes context + namespace. Check a context
// before using it (each failed check with its fix; a missing namespace can be created here), then
// save the choice: it takes effect at the next start, so running jobs stay where they are.
import { useState } from 'react'
import type { ComputeBackend } from '../../../engine/console-api/contract'
import { EmptyState } from '../../components/empty-state'
import { ErrorMessage } from '../../components/error-message'
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
  const check = useCheckKubeContext()
  const createNamespace = useCreateKubeNamespace()
  const select = useSelectComputeBackend()
  const namespaceMissing = check.data?.checks.some(
    (c) => c.label === 'namespace' && !c.ok && /does not exist/.test(c.message),
  )
  const runCheck = () => check.mutate({ context, namespace })

  return (
    <form
      aria-label="Choose the compute backend"
      onSubmit={(e) => {
        e.preventDefault()
        select.mutate(driver === 'local' ? { driver } : { driver, context, namespace })
      }}
    >
      <fieldset>
        <legend>Run jobs on</legend>
        <label>
          <input
            type="radio"
            name="driver"
            value="local"
            checked={driver === 'local'}
            onChange={() => setDriver('local')}
          />
          Local sandbox (this machine, bubblewrap)
        </label>
        <label>
          <input
            type="radio"
            name="driver"
            value="kubernetes"
            checked={driver === 'kubernetes'}
            onChange={() => setDriver('kubernetes')}
          />
          A Kubernetes cluster
        </label>
      </fieldset>
      {driver === 'kubernetes' && backend.kubeContexts.length === 0 && (
        <EmptyState title="No kubeconfig found">
          <p>
            The console looks where kubectl does (KUBECONFIG, then ~/.kube/config). For a cluster on this
            machine, install kind and run <code>kind create cluster</code>, or enable Kubernetes in Docker
            Desktop / Rancher Desktop, or install k3s. For EKS, GKE or AKS, add the cluster with your cloud's
            CLI (<code>aws eks update-kubeconfig</code>,{' '}
            <code>gcloud container clusters get-credentials</code>, <code>az aks get-credentials</code>). Then
            open this screen again.
          </p>
        </EmptyState>
      )}
      {driver === 'kubernetes' && backend.kubeContexts.length > 0 && (
        <>
          <label>
            Context
            <select value={context} onChange={(e) => setContext(e.target.value)}>
              {backend.kubeContexts.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name} ({c.cluster})
                </option>
              ))}
            </select>
          </label>
          <label>
            Namespace
            <input value={namespace} onChange={(e) => setNamespace(e.target.value)} />
          </label>
          <button type="button" onClick={runCheck} disabled={check.isPending}>
            {check.isPending ? 'Checking…' : 'Check connection'}
          </button>
          {check.isError && <ErrorMessage title="The check could not run" error={check.error} />}
          {check.data && (
            <ul aria-label="Context checks">
              {check.data.checks.map((c) => (
                <li key={c.id}>
                  <strong>
                    {c.ok ? '✓ ' : '✗ '}
                    {c.label}
                  </strong>
                  : {c.message}
                  {!c.ok && c.fix && <p className="fix">Fix: {c.fix}</p>}
                </li>
              ))}
            </ul>
          )}
          {namespaceMissing && (
            <button
              type="button"
              disabled={createNamespace.isPending}
              onClick={() =>
                window.confirm(`Create namespace ${namespace} in ${context}?`) &&
                createNamespace.mutate({ context, namespace }, { onSuccess: runCheck })
              }
            >
              Create namespace {namespace}
            </button>
          )}
          {createNamespace.isError && (
            <ErrorMessage title="Could not create the namespace" error={createNamespace.error} />
          )}
        </>
      )}
      <button
        type="submit"
        disabled={select.isPending || (driver === 'kubernetes' && (!context || !namespace))}
      >
        Use this backend
      </button>
      {select.isError && <ErrorMessage title="Could not save the choice" error={select.error} />}
      {backend.next && (
        <p role="status">
          Saved: from the next start, new jobs run on{' '}
          {backend.next.driver === 'local'
            ? 'the local sandbox'
            : `${backend.next.context} / ${backend.next.namespace}`}
          . Restart the console to switch; running jobs finish where they are.
        </p>
      )}
    </form>
  )
}
