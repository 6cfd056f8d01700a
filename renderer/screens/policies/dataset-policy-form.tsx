// A dataset's output release, review window, per-consumer quotas and review guards: edited as a
// draft and saved together (setDatasetPolicy). Removing a quota or a guard that was set asks first;
// errors sit next to their fields (the window is checked here, the rest by the console API).
import { useState } from 'react'
import { Button, Group, NumberInput, SegmentedControl, Stack, TagsInput, Text, Title } from '@mantine/core'
import type { DatasetPolicySummary } from '../../../engine/console-api/contract'
import { useSaveDatasetPolicy } from '../../server-state/publisher-control'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { ErrorMessage } from '../../components/error-message'
import { errorFor, fieldErrorsFromError } from '../../components/field-errors'
import { QuotaFields, quotaDraft, quotasOf, removedQuotas, type QuotaDraft } from './quota-fields'

const MIB = 1024 * 1024
const MAX_WINDOW_MIN = 30 * 24 * 60

interface Draft {
  outputRelease: DatasetPolicySummary['outputRelease']
  windowMin: number | ''
  quotas: QuotaDraft
  outputMiBMax: number | ''
  fileCountMax: number | ''
  allowedPatterns: string[]
}

function draftOf(policy: DatasetPolicySummary): Draft {
  return {
    outputRelease: policy.outputRelease,
    windowMin: Math.round(policy.reviewWindowSec / 60),
    quotas: quotaDraft(policy.quotas),
    outputMiBMax:
      policy.reviewGuards.outputBytesMax === undefined ? '' : policy.reviewGuards.outputBytesMax / MIB,
    fileCountMax: policy.reviewGuards.fileCountMax ?? '',
    allowedPatterns: policy.reviewGuards.allowedPatterns,
  }
}

function policyOf(stored: DatasetPolicySummary, d: Draft): DatasetPolicySummary {
  return {
    ...stored,
    outputRelease: d.outputRelease,
    reviewWindowSec: Number(d.windowMin) * 60,
    quotas: quotasOf(d.quotas),
    reviewGuards: {
      ...(d.outputMiBMax === '' ? {} : { outputBytesMax: Math.round(Number(d.outputMiBMax) * MIB) }),
      ...(d.fileCountMax === '' ? {} : { fileCountMax: Number(d.fileCountMax) }),
      allowedPatterns: d.allowedPatterns,
    },
  }
}

/** What was set before and is gone in `next`, in words. */
function removals(before: DatasetPolicySummary, next: DatasetPolicySummary): string[] {
  const gone = removedQuotas(before.quotas, next.quotas)
  const g0 = before.reviewGuards
  const g1 = next.reviewGuards
  if (g0.outputBytesMax !== undefined && g1.outputBytesMax === undefined) gone.push('the output size guard')
  if (g0.fileCountMax !== undefined && g1.fileCountMax === undefined) gone.push('the file count guard')
  const patterns = g0.allowedPatterns.filter((p) => !g1.allowedPatterns.includes(p))
  if (patterns.length > 0) gone.push(`allowed pattern(s) ${patterns.join(', ')}`)
  return gone
}

export function DatasetPolicyForm({ did, stored }: { did: string; stored: DatasetPolicySummary }) {
  const save = useSaveDatasetPolicy()
  const [draft, setDraft] = useState<Draft>(() => draftOf(stored))
  const [confirming, setConfirming] = useState<string[] | null>(null)
  const [saved, setSaved] = useState(false)
  const serverErrors = fieldErrorsFromError(save.error, 'policy.')
  const windowError =
    draft.windowMin === '' || draft.windowMin < 1 || draft.windowMin > MAX_WINDOW_MIN
      ? `From 1 minute to ${MAX_WINDOW_MIN} minutes (30 days).`
      : undefined
  const send = (policy: DatasetPolicySummary) => {
    setSaved(false)
    save.mutate({ did, policy }, { onSuccess: () => setSaved(true) })
  }
  const submit = () => {
    if (windowError) return
    const policy = policyOf(stored, draft)
    const gone = removals(stored, policy)
    if (gone.length > 0) setConfirming(gone)
    else send(policy)
  }
  return (
    <Stack
      gap="md"
      component="form"
      aria-label="Dataset policy"
      onSubmit={(e) => (e.preventDefault(), submit())}
    >
      <Stack gap={4}>
        <Title order={4} size="h5">
          Output release
        </Title>
        <SegmentedControl
          aria-label="Output release"
          value={draft.outputRelease}
          onChange={(v) => setDraft({ ...draft, outputRelease: v as Draft['outputRelease'] })}
          data={[
            { value: 'automatic', label: 'Automatic' },
            { value: 'publisher-review', label: 'Publisher review' },
          ]}
        />
        <Text size="sm">
          {draft.outputRelease === 'automatic'
            ? 'Outputs go to the consumer as soon as the job ends.'
            : 'Jobs hold their outputs and log until you release or reject them on the Review screen; a job you do not decide on in the window is rejected.'}
        </Text>
      </Stack>
      <NumberInput
        label="Review window (minutes)"
        description="How long a held job waits for your decision; a paid job's escrow lock covers it too"
        min={1}
        max={MAX_WINDOW_MIN}
        allowDecimal={false}
        allowNegative={false}
        value={draft.windowMin}
        onChange={(v) => setDraft({ ...draft, windowMin: v === '' ? '' : Number(v) })}
        error={windowError ?? errorFor(serverErrors, 'reviewWindowSec')}
        disabled={draft.outputRelease === 'automatic'}
      />
      <Stack gap={4}>
        <Title order={4} size="h5">
          Quotas on this dataset
        </Title>
        <QuotaFields
          value={draft.quotas}
          onChange={(quotas) => setDraft({ ...draft, quotas })}
          errors={serverErrors}
          prefix="quotas."
        />
      </Stack>
      <Stack gap={4}>
        <Title order={4} size="h5">
          Review guards
        </Title>
        <Group align="flex-start" grow>
          <NumberInput
            label="Largest output (MiB)"
            description="Flagged above this; empty: no limit"
            min={0.001}
            allowNegative={false}
            value={draft.outputMiBMax}
            onChange={(v) => setDraft({ ...draft, outputMiBMax: v === '' ? '' : Number(v) })}
            error={errorFor(serverErrors, 'reviewGuards.outputBytesMax')}
          />
          <NumberInput
            label="Most output files"
            description="Flagged above this; empty: no limit"
            min={1}
            allowDecimal={false}
            allowNegative={false}
            value={draft.fileCountMax}
            onChange={(v) => setDraft({ ...draft, fileCountMax: v === '' ? '' : Number(v) })}
            error={errorFor(serverErrors, 'reviewGuards.fileCountMax')}
          />
        </Group>
        <TagsInput
          label="Allowed file patterns"
          description="Output names that are expected (e.g. *.csv); others are flagged. Empty: any name"
          value={draft.allowedPatterns}
          onChange={(allowedPatterns) => setDraft({ ...draft, allowedPatterns })}
          error={errorFor(serverErrors, 'reviewGuards.allowedPatterns')}
        />
      </Stack>
      <Group>
        <Button type="submit" loading={save.isPending}>
          Save policy
        </Button>
        {saved && (
          <Text size="sm" role="status">
            Saved: the Provider applies it to the next request.
          </Text>
        )}
      </Group>
      {save.isError && <ErrorMessage title="The policy was not saved" error={save.error} />}
      <ConfirmDialog
        opened={confirming !== null}
        title="Remove these limits?"
        confirmLabel="Save and remove"
        onCancel={() => setConfirming(null)}
        onConfirm={() => {
          setConfirming(null)
          send(policyOf(stored, draft))
        }}
      >
        Saving removes {confirming?.join('; ')}.
      </ConfirmDialog>
    </Stack>
  )
}
