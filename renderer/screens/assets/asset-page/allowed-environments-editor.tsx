// A dataset's compute settings on this node: the compute environments consumers may run jobs on it
// in (chosen in the publish wizard, kept in the dataset's policy in this console, not in the DDO).
// The Provider refuses initializeCompute and every start in any other with ENVIRONMENT_NOT_ALLOWED.
// Saving needs no signature and applies to the next request.
import { useState } from 'react'
import { Button, Card, Checkbox, Group, Radio, Stack, Text, Title } from '@mantine/core'
import type { DatasetPolicySummary } from '../../../../engine/console-api/contract'
import { useEnvironments } from '../../../server-state/compute-backend'
import { useDatasetPolicy, useSaveDatasetPolicy } from '../../../server-state/publisher-control'
import { ErrorMessage } from '../../../components/error-message'
import { errorFor, fieldErrorsFromError } from '../../../components/field-errors'
import { freeTierWords } from '../publish-wizard/compute-step'

export function AllowedEnvironmentsEditor({ did }: { did: string }) {
  const policy = useDatasetPolicy(did)
  // Here, not in the form: the form is remounted with what was stored, the answer stays shown.
  const save = useSaveDatasetPolicy()
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="allowed-envs-title">
      <Title order={3} size="h4" id="allowed-envs-title">
        Compute environments
      </Title>
      {policy.isError && (
        <ErrorMessage title="Could not load the allowed environments" error={policy.error} />
      )}
      {!policy.data && !policy.isError && (
        <Text size="sm" role="status" mt="xs">
          Loading the allowed environments…
        </Text>
      )}
      {policy.data && (
        <EnvironmentsForm
          // A saved policy resets the form to what the engine stored.
          key={JSON.stringify(policy.data.policy.environments)}
          did={did}
          policy={policy.data.policy}
          save={save}
        />
      )}
    </Card>
  )
}

function EnvironmentsForm({
  did,
  policy,
  save,
}: {
  did: string
  policy: DatasetPolicySummary
  save: ReturnType<typeof useSaveDatasetPolicy>
}) {
  const environments = useEnvironments()
  const stored = policy.environments
  const [mode, setMode] = useState<'all' | 'some'>(stored.length ? 'some' : 'all')
  const [picked, setPicked] = useState<string[]>(stored)
  const [local, setLocal] = useState<string | null>(null)
  const configured = environments.data?.environments ?? []
  // An allowed id whose environment was deleted since stays listed, so a save never drops it unseen.
  const removed = stored.filter((id) => !configured.some((e) => e.id === id))
  const next = mode === 'all' ? [] : picked
  const dirty = JSON.stringify(next) !== JSON.stringify(stored)
  const errors = fieldErrorsFromError(save.error, 'policy.')
  return (
    <form
      aria-label="Edit allowed environments"
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        if (mode === 'some' && picked.length === 0) {
          setLocal('Pick at least one environment, or allow every environment.')
          return
        }
        setLocal(null)
        save.mutate({ did, policy: { ...policy, environments: next } })
      }}
    >
      <Stack gap="sm" mt="xs">
        <Text size="sm" role="status">
          {stored.length
            ? `Consumers may run jobs on this dataset only in: ${stored.join(', ')}. Any other environment is refused.`
            : 'Consumers may run jobs on this dataset in every environment the Provider lists.'}
        </Text>
        <Radio.Group
          label="Where consumers may run jobs"
          value={mode}
          onChange={(v) => {
            setMode(v as 'all' | 'some')
            setLocal(null)
          }}
        >
          <Stack gap={6} mt={6}>
            <Radio value="all" label="Every environment, including ones added later" />
            <Radio value="some" label="Only the environments picked below" />
          </Stack>
        </Radio.Group>
        {mode === 'some' && (
          <Checkbox.Group
            label="Allowed environments"
            description="A job on this dataset in any other is refused (ENVIRONMENT_NOT_ALLOWED)."
            value={picked}
            onChange={(v) => {
              setPicked(v)
              setLocal(null)
            }}
            error={local ?? errorFor(errors, 'environments')}
          >
            <Stack gap="xs" mt={6}>
              {configured.map((env) => (
                <Checkbox
                  key={env.id}
                  value={env.id}
                  label={env.description ? `${env.id} — ${env.description}` : env.id}
                  description={freeTierWords(env)}
                />
              ))}
              {removed.map((id) => (
                <Checkbox key={id} value={id} label={`${id} (no longer configured on Compute backend)`} />
              ))}
            </Stack>
          </Checkbox.Group>
        )}
        <Group>
          <Button type="submit" disabled={!dirty} loading={save.isPending}>
            Save environments
          </Button>
        </Group>
        {save.isSuccess && !dirty && (
          <Text role="status" size="sm" c="green">
            Saved: the next request on this dataset is checked against it.
          </Text>
        )}
        {save.isError && <ErrorMessage title="Could not save the environments" error={save.error} />}
      </Stack>
    </form>
  )
}
