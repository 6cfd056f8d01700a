// Add or replace an environment. Checked with the contract's schema before sending, so each
// message appears next to its field in words; the server checks again and its field details land
// in the same places.
import { useState } from 'react'
import {
  Alert,
  Button,
  Card,
  Group,
  NumberInput,
  SimpleGrid,
  Stack,
  Switch,
  TextInput,
  Title,
} from '@mantine/core'
import { environmentSchema } from '../../../engine/console-api/contract'
import { useSaveEnvironment } from '../../server-state/compute-backend'
import { ErrorMessage } from '../../components/error-message'
import {
  errorFor,
  fieldErrorsFromError,
  issuesToFieldErrors,
  zodIssues,
  type FieldErrors,
} from '../../components/field-errors'

interface Draft {
  id: string
  cpu: number | string
  ramGb: number | string
  diskGb: number | string
  maxJobDurationSec: number | string
  maxJobs: number | string
  allowNetwork: boolean
  free: boolean
  gpuSelector: string
  /** Empty: the driver's `driver.pendingTimeoutSec`. */
  pendingTimeoutSec: number | string
}
const INITIAL: Draft = {
  id: '',
  cpu: 1,
  ramGb: 1,
  diskGb: 1,
  maxJobDurationSec: 3600,
  maxJobs: 2,
  allowNetwork: false,
  free: false,
  gpuSelector: '',
  pendingTimeoutSec: '',
}

export function EnvironmentForm() {
  const save = useSaveEnvironment()
  const [draft, setDraft] = useState<Draft>(INITIAL)
  const [errors, setErrors] = useState<FieldErrors>({})
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }))
  const serverErrors = fieldErrorsFromError(save.error, 'environment.')
  const shown = { ...serverErrors, ...errors }
  const submit = (event: React.FormEvent) => {
    event.preventDefault()
    const num = (v: number | string) => (typeof v === 'number' ? v : Number.NaN)
    const selector = draft.gpuSelector.trim()
    if (selector && !/^[^=\s]+=[^=\s]+$/.test(selector))
      return setErrors({ nodeSelector: 'Write it as key=value, e.g. nvidia.com/gpu.present=true.' })
    const candidate = {
      id: draft.id.trim(),
      cpu: { total: num(draft.cpu), max: num(draft.cpu), min: 0 },
      ramGb: { total: num(draft.ramGb), max: num(draft.ramGb), min: 0 },
      diskGb: { total: num(draft.diskGb), max: num(draft.diskGb), min: 0 },
      maxJobDurationSec: num(draft.maxJobDurationSec),
      maxJobs: num(draft.maxJobs),
      allowNetwork: draft.allowNetwork,
      ...(draft.free ? { free: {} } : {}),
      ...(selector ? { nodeSelector: Object.fromEntries([selector.split('=')]) } : {}),
      ...(draft.pendingTimeoutSec !== '' ? { pendingTimeoutSec: num(draft.pendingTimeoutSec) } : {}),
    }
    const parsed = environmentSchema.safeParse(candidate)
    if (!parsed.success) return setErrors(issuesToFieldErrors(zodIssues(parsed.error.issues)))
    setErrors({})
    save.mutate(parsed.data)
  }
  const hasErrors = Object.keys(shown).length > 0
  return (
    <Card withBorder padding="md">
      <form aria-label="Add environment" onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={3} size="h4">
            Add or replace an environment
          </Title>
          <TextInput
            label="Environment id"
            description="Letters, digits, dot, dash and underscore; consumers pick it by this id"
            value={draft.id}
            onChange={(e) => set('id', e.currentTarget.value)}
            error={errorFor(shown, 'id')}
          />
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <NumberInput
              label="CPUs per job"
              min={0.1}
              step={0.1}
              value={draft.cpu}
              onChange={(v) => set('cpu', v)}
              error={errorFor(shown, 'cpu')}
            />
            <NumberInput
              label="RAM per job (GB)"
              min={0.1}
              step={0.1}
              value={draft.ramGb}
              onChange={(v) => set('ramGb', v)}
              error={errorFor(shown, 'ramGb')}
            />
            <NumberInput
              label="Disk per job (GB)"
              min={0.1}
              step={0.1}
              value={draft.diskGb}
              onChange={(v) => set('diskGb', v)}
              error={errorFor(shown, 'diskGb')}
            />
            <NumberInput
              label="Max job duration (seconds)"
              description="A job is stopped when it runs longer"
              min={1}
              value={draft.maxJobDurationSec}
              onChange={(v) => set('maxJobDurationSec', v)}
              error={errorFor(shown, 'maxJobDurationSec')}
            />
            <NumberInput
              label="Max concurrent jobs"
              min={1}
              value={draft.maxJobs}
              onChange={(v) => set('maxJobs', v)}
              error={errorFor(shown, 'maxJobs')}
            />
            <TextInput
              label="GPU node selector (key=value)"
              description="Kubernetes only: the nodes with a GPU"
              value={draft.gpuSelector}
              onChange={(e) => set('gpuSelector', e.currentTarget.value)}
              error={errorFor(shown, 'nodeSelector')}
            />
            <NumberInput
              label="Pending timeout (seconds)"
              description="Kubernetes only: how long a job's pod may wait to be scheduled or started; empty: the driver's (900)"
              min={1}
              value={draft.pendingTimeoutSec}
              onChange={(v) => set('pendingTimeoutSec', v)}
              error={errorFor(shown, 'pendingTimeoutSec')}
            />
          </SimpleGrid>
          <Group>
            <Switch
              label="Allow network access"
              checked={draft.allowNetwork}
              onChange={(e) => set('allowNetwork', e.currentTarget.checked)}
            />
            <Switch
              label="Offer a free tier"
              checked={draft.free}
              onChange={(e) => set('free', e.currentTarget.checked)}
            />
          </Group>
          {hasErrors && (
            <Alert role="alert" color="red" variant="light" aria-label="Environment problems">
              Fix the fields marked in red: {Object.values(shown).join(' ')}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={save.isPending}>
              Save environment
            </Button>
          </Group>
          {save.isSuccess && (
            <Alert role="status" color="green" variant="light">
              Saved environment {save.data.environment.id}.
            </Alert>
          )}
          {save.isError && <ErrorMessage title="Could not save the environment" error={save.error} />}
        </Stack>
      </form>
    </Card>
  )
}
