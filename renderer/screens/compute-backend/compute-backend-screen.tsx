// Compute backend: driver (local sandbox or a Kubernetes context), health checks each with a fix,
// and the compute environments consumers see (resources, durations, free tier, prices, network).
import {
  useComputeBackend,
  useDeleteEnvironment,
  useEnvironments,
  useHealth,
} from '../../server-state/compute-backend'
import { ErrorMessage } from '../../components/error-message'
import { BackendChooser } from './backend-chooser'
import { EnvironmentForm } from './environment-form'

export function ComputeBackendScreen() {
  const backend = useComputeBackend()
  const health = useHealth()
  const envs = useEnvironments()
  const remove = useDeleteEnvironment()
  return (
    <section aria-labelledby="backend-title">
      <h2 id="backend-title">Compute backend</h2>
      {backend.isError && <ErrorMessage title="Could not read the compute backend" error={backend.error} />}
      {backend.data && (
        <dl className="facts">
          <dt>Driver</dt>
          <dd>
            {backend.data.driver === 'local'
              ? 'Local sandbox (bubblewrap)'
              : `Kubernetes: ${backend.data.currentContext ?? '—'} / ${backend.data.namespace ?? 'default'}`}
          </dd>
          <dt>Kubernetes contexts found</dt>
          <dd>
            {backend.data.kubeContexts.length === 0
              ? 'None (no kubeconfig found)'
              : backend.data.kubeContexts.map((c) => `${c.name} (${c.source})`).join(', ')}
          </dd>
        </dl>
      )}
      {backend.data && (
        <BackendChooser
          key={`${backend.data.driver}-${backend.data.next?.driver ?? ''}`}
          backend={backend.data}
        />
      )}
      <h3>Health checks</h3>
      {health.isPending && <p role="status">Checking…</p>}
      {health.isError && <ErrorMessage title="Health check failed to run" error={health.error} />}
      {health.data && (
        <ul aria-label="Health checks">
          {health.data.checks.map((c) => (
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
      <button type="button" onClick={() => void health.refetch()}>
        Run checks again
      </button>
      <h3>Environments</h3>
      {envs.isError && <ErrorMessage title="Could not load environments" error={envs.error} />}
      {envs.data && (
        <table aria-label="Environments">
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">CPU / RAM / disk (max per job)</th>
              <th scope="col">Max duration</th>
              <th scope="col">Concurrent jobs</th>
              <th scope="col">Free tier</th>
              <th scope="col">Prices</th>
              <th scope="col">Network</th>
              <th scope="col">GPU node selector</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {envs.data.environments.map((e) => (
              <tr key={e.id}>
                <th scope="row">{e.id}</th>
                <td>{`${e.cpu.max} CPU / ${e.ramGb.max} GB / ${e.diskGb.max} GB`}</td>
                <td>{e.maxJobDurationSec} s</td>
                <td>
                  {e.maxJobs} ({e.running} running, {e.queued} queued)
                </td>
                <td>
                  {e.free
                    ? `${e.free.maxJobs} jobs, ${e.free.maxJobDurationSec} s, ${e.free.cpu} CPU`
                    : 'No free tier'}
                </td>
                <td>
                  {Object.entries(e.fees)
                    .flatMap(([chain, fees]) =>
                      fees.map(
                        (f) =>
                          `${chain}: ${f.prices.map((p) => `${p.id} ${p.price}`).join(', ')} (${f.feeToken.slice(0, 8)}…)`,
                      ),
                    )
                    .join('; ') || 'Free only'}
                </td>
                <td>{e.allowNetwork ? 'Allowed' : 'Blocked'}</td>
                <td>
                  {e.nodeSelector
                    ? Object.entries(e.nodeSelector)
                        .map(([k, v]) => `${k}=${v}`)
                        .join(', ')
                    : '—'}
                </td>
                <td>
                  <button
                    type="button"
                    aria-label={`Delete environment ${e.id}`}
                    onClick={() =>
                      window.confirm(`Delete environment ${e.id}? Consumers will no longer see it.`) &&
                      remove.mutate(e.id)
                    }
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {remove.isError && <ErrorMessage title="Could not delete the environment" error={remove.error} />}
      <EnvironmentForm />
    </section>
  )
}
