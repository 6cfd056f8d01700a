// The three per-consumer quotas (rolling 24 hours) as number fields; empty is no limit. Shared by a
// dataset's policy and an environment's quotas, which the Provider enforces with their own codes.
import { Group, NumberInput } from '@mantine/core'
import type { QuotasSummary } from '../../../engine/console-api/contract'
import { errorFor, type FieldErrors } from '../../components/field-errors'

export type QuotaDraft = Record<keyof QuotasSummary, number | ''>
export const QUOTA_WORDS: Record<keyof QuotasSummary, string> = {
  jobsPerDay: 'Jobs per day',
  computeMinutesPerDay: 'Compute minutes per day',
  concurrentJobs: 'Concurrent jobs',
}
const KEYS = Object.keys(QUOTA_WORDS) as Array<keyof QuotasSummary>

export function quotaDraft(quotas: QuotasSummary): QuotaDraft {
  return {
    jobsPerDay: quotas.jobsPerDay ?? '',
    computeMinutesPerDay: quotas.computeMinutesPerDay ?? '',
    concurrentJobs: quotas.concurrentJobs ?? '',
  }
}

export function quotasOf(draft: QuotaDraft): QuotasSummary {
  const out: QuotasSummary = {}
  for (const key of KEYS) if (draft[key] !== '') out[key] = Number(draft[key])
  return out
}

/** The quotas set before and empty now, in words (they need a confirmation). */
export function removedQuotas(before: QuotasSummary, after: QuotasSummary): string[] {
  return KEYS.filter((k) => before[k] !== undefined && after[k] === undefined).map(
    (k) => `${QUOTA_WORDS[k].toLowerCase()} (${before[k]})`,
  )
}

export function QuotaFields({
  value,
  onChange,
  errors,
  prefix,
  labelSuffix = '',
}: {
  value: QuotaDraft
  onChange: (next: QuotaDraft) => void
  errors: FieldErrors
  /** The field path before the quota's name in REQUEST_INVALID details ("quotas." or ""). */
  prefix: string
  labelSuffix?: string
}) {
  return (
    <Group align="flex-start" grow>
      {KEYS.map((key) => (
        <NumberInput
          key={key}
          label={`${QUOTA_WORDS[key]}${labelSuffix}`}
          description="Per consumer; empty: no limit"
          min={1}
          max={1_000_000}
          allowDecimal={false}
          allowNegative={false}
          value={value[key]}
          onChange={(v) => onChange({ ...value, [key]: v === '' ? '' : Number(v) })}
          error={errorFor(errors, `${prefix}${key}`)}
        />
      ))}
    </Group>
  )
}
