// Add or replace an environment. Validated with the contract's schema before sending, so messages
// appear beside the fields; the server validates again.
import { useState, type FormEvent } from 'react'
import { environmentSchema } from '../../../engine/console-api/contract'
import { useSaveEnvironment } from '../../server-state/compute-backend'
import { ErrorMessage } from '../../components/error-message'

export function EnvironmentForm() {
  const save = useSaveEnvironment()
  const [issues, setIssues] = useState<string[]>([])
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const f = new FormData(event.currentTarget)
    const num = (name: string) => Number(f.get(name))
    const candidate = {
      id: String(f.get('id') ?? ''),
      cpu: { total: num('cpu'), max: num('cpu'), min: 0 },
      ramGb: { total: num('ramGb'), max: num('ramGb'), min: 0 },
      diskGb: { total: num('diskGb'), max: num('diskGb'), min: 0 },
      maxJobDurationSec: num('maxJobDurationSec'),
      maxJobs: num('maxJobs'),
      allowNetwork: f.get('allowNetwork') === 'on',
      ...(f.get('free') === 'on' ? { free: {} } : {}),
      ...(f.get('gpuSelector')
        ? { nodeSelector: Object.fromEntries([String(f.get('gpuSelector')).split('=')]) }
        : {}),
    }
    const parsed = environmentSchema.safeParse(candidate)
    if (!parsed.success) return setIssues(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`))
    setIssues([])
    save.mutate(parsed.data)
  }
  return (
    <form aria-label="Add environment" onSubmit={submit}>
      <h4>Add or replace an environment</h4>
      <label>
        Environment id
        <input name="id" required />
      </label>
      <label>
        CPUs per job
        <input name="cpu" type="number" min="0.1" step="0.1" defaultValue="1" />
      </label>
      <label>
        RAM per job (GB)
        <input name="ramGb" type="number" min="0.1" step="0.1" defaultValue="1" />
      </label>
      <label>
        Disk per job (GB)
        <input name="diskGb" type="number" min="0.1" step="0.1" defaultValue="1" />
      </label>
      <label>
        Max job duration (seconds)
        <input name="maxJobDurationSec" type="number" min="1" defaultValue="3600" />
      </label>
      <label>
        Max concurrent jobs
        <input name="maxJobs" type="number" min="1" defaultValue="2" />
      </label>
      <label>
        <input name="allowNetwork" type="checkbox" />
        Allow network access
      </label>
      <label>
        <input name="free" type="checkbox" />
        Offer a free tier
      </label>
      <label>
        GPU node selector (key=value)
        <input name="gpuSelector" />
      </label>
      {issues.length > 0 && (
        <ul role="alert" aria-label="Environment problems">
          {issues.map((i) => (
            <li key={i}>{i}</li>
          ))}
        </ul>
      )}
      <button type="submit" disabled={save.isPending}>
        Save environment
      </button>
      {save.isSuccess && <p role="status">Saved environment {save.data.environment.id}.</p>}
      {save.isError && <ErrorMessage title="Could not save the environment" error={save.error} />}
    </form>
  )
}
