// Per-environment quotas: per consumer in one compute environment over every dataset (jobs per day,
// compute minutes per day, concurrent jobs), refused by the Provider with QUOTA_ENV_* codes.
import { useState } from 'react'
import { Button, Card, Group, Stack, Text, Title } from '@mantine/core'
import type { QuotasSummary } from '../../../engine/console-api/contract'
import { useEnvironmentQuotas, useSaveEnvironmentQuotas } from '../../server-state/publisher-control'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { ErrorMessage } from '../../components/error-message'
import { fieldErrorsFromError } from '../../components/field-errors'
import { QuotaFields, quotaDraft, quotasOf, removedQuotas } from './quota-fields'

function EnvironmentQuotaCard({ environmentId, stored }: { environmentId: string; stored: QuotasSummary }) {
  const save = useSaveEnvironmentQuotas()
  const [draft, setDraft] = useState(() => quotaDraft(stored))
  const [confirming, setConfirming] = useState<string[] | null>(null)
  const send = () => save.mutate({ environmentId, quotas: quotasOf(draft) })
  return (
    <Card
      withBorder
      component="form"
      aria-label={`Quotas of environment ${environmentId}`}
      onSubmit={(e) => {
        e.preventDefault()
        const gone = removedQuotas(stored, quotasOf(draft))
        if (gone.length > 0) setConfirming(gone)
        else send()
      }}
    >
      <Stack gap="xs">
        <Text fw={600}>{environmentId}</Text>
        <QuotaFields
          value={draft}
          onChange={setDraft}
          errors={fieldErrorsFromError(save.error, 'quotas.')}
          prefix=""
          labelSuffix={` in ${environmentId}`}
        />
        <Group>
          <Button type="submit" variant="default" loading={save.isPending}>
            Save quotas of {environmentId}
          </Button>
          {save.isSuccess && (
            <Text size="sm" role="status">
              Saved.
            </Text>
          )}
        </Group>
        {save.isError && <ErrorMessage title="The quotas were not saved" error={save.error} />}
      </Stack>
      <ConfirmDialog
        opened={confirming !== null}
        title="Remove these quotas?"
        confirmLabel="Save and remove"
        onCancel={() => setConfirming(null)}
        onConfirm={() => {
          setConfirming(null)
          send()
        }}
      >
        Consumers will no longer be limited by {confirming?.join('; ')} in {environmentId}.
      </ConfirmDialog>
    </Card>
  )
}

export function EnvironmentQuotas() {
  const quotas = useEnvironmentQuotas()
  return (
    <Stack gap="sm" component="section" aria-labelledby="environment-quotas-title">
      <Title order={3} size="h4" id="environment-quotas-title">
        Quotas per compute environment
      </Title>
      <Text size="sm">
        Per consumer in one environment, over every dataset, in the last 24 hours. They add to each dataset's
        own quotas.
      </Text>
      {quotas.isPending && (
        <Text size="sm" role="status">
          Loading quotas…
        </Text>
      )}
      {quotas.isError && <ErrorMessage title="Could not load the quotas" error={quotas.error} />}
      {quotas.data?.environments.map((e) => (
        <EnvironmentQuotaCard key={e.environmentId} environmentId={e.environmentId} stored={e.quotas} />
      ))}
    </Stack>
  )
}
