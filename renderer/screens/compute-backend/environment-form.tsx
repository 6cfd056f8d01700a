// Add or edit an environment: resource limits, durations, the free tier's limits and the paid tier's
// prices per resource per minute, in token units with the token's symbol. Checked with the
// contract's schema before sending, so each message appears next to its field in words; the
// server checks again and its field details land in the same places. Prices stay exact: a typed
// "0.1" is stored as the number whose shortest text is "0.1" (the engine's wei), never rounded.
// With several served chains (issue 14) the paid tier has one tab per chain, each priced in that
// chain's own fee token (its OCEAN); with one chain the paid tier is a single set of fields.
import { useState } from 'react'
import {
  Alert,
  Badge,
  Button,
  Card,
  Fieldset,
  Group,
  NumberInput,
  SimpleGrid,
  Stack,
  Switch,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import {
  environmentSchema,
  type ConsoleEnvironment,
  type ServedChain,
  type TokenInfo,
} from '../../../engine/console-api/contract'
import { useSaveEnvironment } from '../../server-state/compute-backend'
import { useTokenInfos } from '../../server-state/tokens'
import { ErrorMessage } from '../../components/error-message'
import { TokenAmount } from '../../components/labels/token-amount'
import { shortenValue } from '../../components/labels/address-label'
import {
  errorFor,
  fieldErrorsFromError,
  issuesToFieldErrors,
  zodIssues,
  type FieldErrors,
} from '../../components/field-errors'
import { decimalText, parseTokenUnits, tokenUnitsToWei } from '../../components/token-units'

/** The token a paid tier takes on the connected chain (listEnvironments' `feeToken`). */
export interface FeeTokenChoice {
  chainId: number
  token: string
}
/** A chain the paid tier can be priced on: its id, its name and its default fee token ('' unknown). */
interface FeeChain {
  chainId: number
  name: string
  token: string
}

/**
 * The chains the form prices: every served chain when there are several (listEnvironments'
 * `chains`), else the connected chain's fee token as before; none without a chain.
 */
function feeChainsOf(
  feeToken: FeeTokenChoice | null,
  chains: readonly ServedChain[] | undefined,
): FeeChain[] {
  if (chains && chains.length > 1)
    return chains.map((c) => ({ chainId: c.chainId, name: c.name, token: c.feeToken ?? '' }))
  if (!feeToken) return []
  const name = chains?.find((c) => c.chainId === feeToken.chainId)?.name ?? `chain ${feeToken.chainId}`
  return [{ chainId: feeToken.chainId, name, token: feeToken.token }]
}

type Num = number | string
const RESOURCES = ['cpu', 'ram', 'disk'] as const
type ResourceId = (typeof RESOURCES)[number]
const RESOURCE_WORDS: Record<ResourceId, { label: string; unit: string }> = {
  cpu: { label: 'CPU', unit: 'per CPU' },
  ram: { label: 'RAM', unit: 'per GB of RAM' },
  disk: { label: 'Disk', unit: 'per GB of disk' },
}

interface Draft {
  id: string
  description: string
  cpuMax: Num
  cpuTotal: Num
  ramMax: Num
  ramTotal: Num
  diskMax: Num
  diskTotal: Num
  minJobDurationSec: Num
  maxJobDurationSec: Num
  maxJobs: Num
  allowNetwork: boolean
  gpuSelector: string
  /** Empty: the driver's `driver.pendingTimeoutSec`. */
  pendingTimeoutSec: Num
  free: boolean
  freeMaxJobDurationSec: Num
  freeMaxJobs: Num
  freeMaxJobsPerConsumer: Num
  freeCpu: Num
  freeRamGb: Num
  freeDiskGb: Num
  /** The paid tier per chain id (one entry per chain the form prices). */
  paid: Record<string, ChainPriceDraft>
}
interface ChainPriceDraft {
  paid: boolean
  feeToken: string
  prices: Record<ResourceId, string>
}

function chainDraftFrom(env: ConsoleEnvironment | undefined, chain: FeeChain): ChainPriceDraft {
  const chainFees = env?.fees[String(chain.chainId)] ?? []
  const entry = chainFees.find((f) => f.feeToken.toLowerCase() === chain.token.toLowerCase()) ?? chainFees[0]
  const priceOf = (id: ResourceId) => {
    const p = entry?.prices.find((x) => x.id === id)
    return p ? decimalText(p.price) : '0'
  }
  return {
    paid: entry !== undefined && entry.prices.some((p) => p.price > 0),
    feeToken: entry?.feeToken ?? chain.token,
    prices: { cpu: priceOf('cpu'), ram: priceOf('ram'), disk: priceOf('disk') },
  }
}

function draftFrom(env: ConsoleEnvironment | undefined, chains: readonly FeeChain[]): Draft {
  return {
    id: env?.id ?? '',
    description: env?.description ?? '',
    cpuMax: env?.cpu.max ?? 1,
    cpuTotal: env?.cpu.total ?? 1,
    ramMax: env?.ramGb.max ?? 1,
    ramTotal: env?.ramGb.total ?? 1,
    diskMax: env?.diskGb.max ?? 1,
    diskTotal: env?.diskGb.total ?? 1,
    minJobDurationSec: env?.minJobDurationSec ?? 60,
    maxJobDurationSec: env?.maxJobDurationSec ?? 3600,
    maxJobs: env?.maxJobs ?? 2,
    allowNetwork: env?.allowNetwork ?? false,
    // The form edits one selector (the GPU label); an edit keeps any others (see toEnvironment).
    gpuSelector: Object.entries(env?.nodeSelector ?? {})
      .slice(0, 1)
      .map(([k, v]) => `${k}=${v}`)
      .join(''),
    pendingTimeoutSec: env?.pendingTimeoutSec ?? '',
    free: env ? env.free !== undefined : false,
    freeMaxJobDurationSec: env?.free?.maxJobDurationSec ?? 60,
    freeMaxJobs: env?.free?.maxJobs ?? 1,
    freeMaxJobsPerConsumer: env?.free?.maxJobsPerConsumer ?? 1,
    freeCpu: env?.free?.cpu ?? 1,
    freeRamGb: env?.free?.ramGb ?? 1,
    freeDiskGb: env?.free?.diskGb ?? 1,
    paid: Object.fromEntries(chains.map((c) => [String(c.chainId), chainDraftFrom(env, c)])),
  }
}

/** A chain's field errors are keyed `fees.<chainId>.<field>`. */
const feeKey = (chainId: number, field: string) => `fees.${chainId}.${field}`

/** The typed key=value first, then the environment's other selectors (the form shows one). */
function nodeSelectorOf(selector: string, before: Record<string, string> | undefined) {
  const others = Object.fromEntries(Object.entries(before ?? {}).slice(1))
  const typed = selector ? Object.fromEntries([selector.split('=') as [string, string]]) : {}
  const all = { ...typed, ...others }
  return Object.keys(all).length > 0 ? all : undefined
}

const num = (v: Num) => (typeof v === 'number' ? v : v.trim() === '' ? Number.NaN : Number(v))

/**
 * The environment the draft describes, on top of `base` (an edit keeps what the form does not
 * show: access lists, tolerations, other chains' fees), or the field errors that stop it.
 */
function toEnvironment(
  draft: Draft,
  base: ConsoleEnvironment | undefined,
  chains: readonly FeeChain[],
  decimalsOf: (chainId: number) => number,
): { environment: ConsoleEnvironment } | { errors: FieldErrors } {
  const errors: FieldErrors = {}
  const selector = draft.gpuSelector.trim()
  if (selector && !/^[^=\s]+=[^=\s]+$/.test(selector))
    errors.nodeSelector = 'Write it as key=value, e.g. nvidia.com/gpu.present=true.'
  const fees = { ...(base?.fees ?? {}) }
  for (const chain of chains) {
    const key = String(chain.chainId)
    const entry = draft.paid[key]
    if (!entry) continue
    const token = entry.feeToken.trim()
    const others = (fees[key] ?? []).filter((f) => f.feeToken.toLowerCase() !== token.toLowerCase())
    if (entry.paid) {
      if (!/^0x[0-9a-fA-F]{40}$/.test(token))
        errors[feeKey(chain.chainId, 'feeToken')] = 'The fee token’s address: 0x followed by 40 hex digits.'
      const prices: Array<{ id: string; price: number }> = []
      for (const id of RESOURCES) {
        const parsed = parseTokenUnits(entry.prices[id], decimalsOf(chain.chainId))
        if (parsed.ok) prices.push({ id, price: parsed.value })
        else errors[feeKey(chain.chainId, `price.${id}`)] = parsed.message
      }
      if (prices.length === RESOURCES.length && prices.every((p) => p.price === 0))
        errors[feeKey(chain.chainId, 'price.cpu')] =
          'Set a price above 0 for at least one resource, or turn the paid tier off.'
      fees[key] = [...others, { feeToken: token, prices }]
    } else if (others.length > 0) fees[key] = others
    else delete fees[key]
  }
  const limit = (max: Num, total: Num, min = 0) => ({ total: num(total), max: num(max), min })
  // An emptied pending timeout falls back to the driver's: the base's own is not kept.
  const { pendingTimeoutSec: _previousTimeout, ...kept } = base ?? {}
  void _previousTimeout
  const candidate = {
    ...kept,
    id: draft.id.trim(),
    description: draft.description.trim(),
    cpu: limit(draft.cpuMax, draft.cpuTotal, base?.cpu.min),
    ramGb: limit(draft.ramMax, draft.ramTotal, base?.ramGb.min),
    diskGb: limit(draft.diskMax, draft.diskTotal, base?.diskGb.min),
    minJobDurationSec: num(draft.minJobDurationSec),
    maxJobDurationSec: num(draft.maxJobDurationSec),
    maxJobs: num(draft.maxJobs),
    allowNetwork: draft.allowNetwork,
    fees,
    free: draft.free
      ? {
          accessAddresses: base?.free?.accessAddresses ?? [],
          maxJobDurationSec: num(draft.freeMaxJobDurationSec),
          maxJobs: num(draft.freeMaxJobs),
          maxJobsPerConsumer: num(draft.freeMaxJobsPerConsumer),
          cpu: num(draft.freeCpu),
          ramGb: num(draft.freeRamGb),
          diskGb: num(draft.freeDiskGb),
        }
      : undefined,
    nodeSelector: nodeSelectorOf(selector, base?.nodeSelector),
    ...(draft.pendingTimeoutSec === '' ? {} : { pendingTimeoutSec: num(draft.pendingTimeoutSec) }),
  }
  const parsed = environmentSchema.safeParse(candidate)
  if (!parsed.success) Object.assign(errors, issuesToFieldErrors(zodIssues(parsed.error.issues)))
  const more = (path: string, message: string) => {
    if (!errors[path]) errors[path] = message
  }
  for (const [key, words] of [
    ['cpu', 'CPUs'],
    ['ramGb', 'GB of RAM'],
    ['diskGb', 'GB of disk'],
  ] as const)
    if (candidate[key].max > candidate[key].total)
      more(`${key}.max`, `A job cannot get more ${words} than the environment has in total.`)
  if (candidate.minJobDurationSec > candidate.maxJobDurationSec)
    more('minJobDurationSec', 'The minimum billed duration cannot exceed the maximum job duration.')
  if (candidate.free) {
    if (candidate.free.maxJobDurationSec > candidate.maxJobDurationSec)
      more('free.maxJobDurationSec', 'A free job cannot run longer than any job in this environment.')
    if (candidate.free.maxJobsPerConsumer > candidate.free.maxJobs)
      more('free.maxJobsPerConsumer', 'Cannot exceed the free tier’s concurrent jobs.')
    if (candidate.free.cpu > candidate.cpu.max) more('free.cpu', 'Cannot exceed the CPUs per job.')
    if (candidate.free.ramGb > candidate.ramGb.max) more('free.ramGb', 'Cannot exceed the RAM per job.')
    if (candidate.free.diskGb > candidate.diskGb.max) more('free.diskGb', 'Cannot exceed the disk per job.')
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { errors }
  return { environment: parsed.data }
}

/** Per minute at the per-job maximum: Σ price × amount, as the engine bills it (spec §5). */
function perMinuteWei(draft: Draft, prices: ChainPriceDraft['prices'], decimals: number): string | null {
  const amounts: Record<ResourceId, Num> = { cpu: draft.cpuMax, ram: draft.ramMax, disk: draft.diskMax }
  let total = 0n
  const one = 10n ** BigInt(decimals)
  for (const id of RESOURCES) {
    const price = parseTokenUnits(prices[id], decimals)
    const amount = parseTokenUnits(String(amounts[id]), decimals)
    if (!price.ok || !amount.ok) return null
    total += (tokenUnitsToWei(prices[id], decimals) * tokenUnitsToWei(String(amounts[id]), decimals)) / one
  }
  return total.toString()
}

/** One chain's paid tier: the switch, its fee token and the prices per resource in that token. */
function ChainPriceFields({
  chain,
  several,
  draft,
  entry,
  token,
  errors,
  onChange,
}: {
  chain: FeeChain
  /** Several chains served: the words name the chain. */
  several: boolean
  draft: Draft
  entry: ChainPriceDraft
  token: TokenInfo | undefined
  errors: FieldErrors
  onChange: (next: ChainPriceDraft) => void
}) {
  const symbol = token?.symbol ?? (entry.feeToken ? shortenValue(entry.feeToken.trim()) : 'tokens')
  const decimals = token?.decimals ?? 18
  const perMinute = entry.paid ? perMinuteWei(draft, entry.prices, decimals) : null
  const where = several ? `${chain.name} (chain ${chain.chainId})` : `chain ${chain.chainId}`
  return (
    <>
      <Switch
        label="Charge for compute"
        description={`Consumers pay per minute of run time on ${where}, into escrow, claimed when the job ends`}
        checked={entry.paid}
        onChange={(e) => onChange({ ...entry, paid: e.currentTarget.checked })}
      />
      {entry.paid && (
        <Stack gap="sm" mt="sm">
          <TextInput
            label="Fee token"
            description={
              token
                ? `${token.symbol}, ${token.decimals} decimals (read on chain)`
                : several
                  ? `The ERC-20 consumers pay in on ${chain.name} (its OCEAN by default)`
                  : 'The ERC-20 consumers pay in (OCEAN by default)'
            }
            value={entry.feeToken}
            onChange={(e) => onChange({ ...entry, feeToken: e.currentTarget.value })}
            error={errorFor(errors, feeKey(chain.chainId, 'feeToken'))}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          />
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            {RESOURCES.map((id) => (
              <TextInput
                key={id}
                label={`${RESOURCE_WORDS[id].label} price per minute`}
                description={`${symbol} ${RESOURCE_WORDS[id].unit} per minute; 0 for no charge`}
                inputMode="decimal"
                value={entry.prices[id]}
                onChange={(e) =>
                  onChange({ ...entry, prices: { ...entry.prices, [id]: e.currentTarget.value } })
                }
                error={errorFor(errors, feeKey(chain.chainId, `price.${id}`))}
                rightSection={
                  <Text size="xs" c="dimmed" pr={6}>
                    {symbol}/min
                  </Text>
                }
                rightSectionWidth={90}
              />
            ))}
          </SimpleGrid>
          {perMinute !== null && (
            <Text size="sm" data-testid="price-per-minute">
              A job at the per-job limits costs{' '}
              <TokenAmount wei={perMinute} symbol={symbol} decimals={decimals} /> per minute (at least{' '}
              {Math.ceil(num(draft.minJobDurationSec) / 60) || 1} min billed).
            </Text>
          )}
        </Stack>
      )}
    </>
  )
}

export function EnvironmentForm({
  environment,
  feeToken,
  chains,
  onSaved,
  onCancel,
}: {
  /** Edit this environment (its id stays); absent: add a new one. */
  environment?: ConsoleEnvironment
  feeToken: FeeTokenChoice | null
  /** Every served chain (listEnvironments' `chains`): with several, the prices are set per chain. */
  chains?: readonly ServedChain[]
  onSaved?: (environment: ConsoleEnvironment) => void
  onCancel?: () => void
}) {
  const save = useSaveEnvironment()
  const feeChains = feeChainsOf(feeToken, chains)
  const several = feeChains.length > 1
  const [draft, setDraft] = useState<Draft>(() => draftFrom(environment, feeChains))
  const [errors, setErrors] = useState<FieldErrors>({})
  const entries = feeChains.map((c) => draft.paid[String(c.chainId)] ?? chainDraftFrom(environment, c))
  const tokens = useTokenInfos(entries.map((e) => (e.paid ? e.feeToken.trim() : null)))
  const decimalsOf = (chainId: number) =>
    tokens[feeChains.findIndex((c) => c.chainId === chainId)]?.decimals ?? 18
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }))
  const setChain = (chainId: number, next: ChainPriceDraft) =>
    setDraft((d) => ({ ...d, paid: { ...d.paid, [String(chainId)]: next } }))
  const serverErrors = fieldErrorsFromError(save.error, 'environment.')
  const shown = { ...serverErrors, ...errors }
  const editing = environment !== undefined
  const submit = (event: React.FormEvent) => {
    event.preventDefault()
    const result = toEnvironment(draft, environment, feeChains, decimalsOf)
    if ('errors' in result) return setErrors(result.errors)
    setErrors({})
    save.mutate(result.environment, { onSuccess: (out) => onSaved?.(out.environment) })
  }
  const hasErrors = Object.keys(shown).length > 0
  // Prices the environment keeps for chains not served now: neither offered nor editable here.
  const keptElsewhere = Object.keys(environment?.fees ?? {}).filter(
    (id) => !feeChains.some((c) => String(c.chainId) === id) && (chains ?? []).length > 0,
  )
  const chainFields = (chain: FeeChain, i: number) => (
    <ChainPriceFields
      chain={chain}
      several={several}
      draft={draft}
      entry={entries[i]!}
      token={tokens[i]}
      errors={shown}
      onChange={(next) => setChain(chain.chainId, next)}
    />
  )
  const name = editing ? `Edit environment ${environment.id}` : 'Add environment'
  return (
    <Card withBorder padding="md">
      <form aria-label={name} onSubmit={submit} noValidate>
        <Stack gap="md">
          <Title order={3} size="h4">
            {editing ? `Edit environment ${environment.id}` : 'Add an environment'}
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Environment id"
              description={
                editing
                  ? 'The id consumers pick it by; it cannot change (add a new environment instead)'
                  : 'Letters, digits, dot, dash and underscore; consumers pick it by this id'
              }
              value={draft.id}
              readOnly={editing}
              onChange={(e) => set('id', e.currentTarget.value)}
              error={errorFor(shown, 'id')}
            />
            <TextInput
              label="Description"
              description="Shown to consumers beside the id (optional)"
              value={draft.description}
              onChange={(e) => set('description', e.currentTarget.value)}
              error={errorFor(shown, 'description')}
            />
          </SimpleGrid>

          <Fieldset legend="Resource limits">
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <NumberInput
                label="CPUs per job"
                description="The most one job can ask for"
                min={0.1}
                step={0.5}
                decimalScale={3}
                value={draft.cpuMax}
                onChange={(v) => set('cpuMax', v)}
                error={errorFor(shown, 'cpu.max')}
              />
              <NumberInput
                label="RAM per job (GB)"
                description="The most one job can ask for"
                min={0.1}
                step={0.5}
                decimalScale={3}
                value={draft.ramMax}
                onChange={(v) => set('ramMax', v)}
                error={errorFor(shown, 'ramGb.max')}
              />
              <NumberInput
                label="Disk per job (GB)"
                description="Inputs, work space and outputs of one job"
                min={0.1}
                step={0.5}
                decimalScale={3}
                value={draft.diskMax}
                onChange={(v) => set('diskMax', v)}
                error={errorFor(shown, 'diskGb.max')}
              />
              <NumberInput
                label="CPUs in total"
                description="Shared by all jobs running at once"
                min={0.1}
                step={0.5}
                decimalScale={3}
                value={draft.cpuTotal}
                onChange={(v) => set('cpuTotal', v)}
                error={errorFor(shown, 'cpu.total')}
              />
              <NumberInput
                label="RAM in total (GB)"
                description="Shared by all jobs running at once"
                min={0.1}
                step={0.5}
                decimalScale={3}
                value={draft.ramTotal}
                onChange={(v) => set('ramTotal', v)}
                error={errorFor(shown, 'ramGb.total')}
              />
              <NumberInput
                label="Disk in total (GB)"
                description="Shared by all jobs running at once"
                min={0.1}
                step={0.5}
                decimalScale={3}
                value={draft.diskTotal}
                onChange={(v) => set('diskTotal', v)}
                error={errorFor(shown, 'diskGb.total')}
              />
              <NumberInput
                label="Max job duration (seconds)"
                description="A job is stopped when it runs longer"
                min={1}
                allowDecimal={false}
                value={draft.maxJobDurationSec}
                onChange={(v) => set('maxJobDurationSec', v)}
                error={errorFor(shown, 'maxJobDurationSec')}
              />
              <NumberInput
                label="Min billed duration (seconds)"
                description="A paid job pays for at least this long, rounded up to whole minutes"
                min={1}
                allowDecimal={false}
                value={draft.minJobDurationSec}
                onChange={(v) => set('minJobDurationSec', v)}
                error={errorFor(shown, 'minJobDurationSec')}
              />
              <NumberInput
                label="Max concurrent jobs"
                description="More wait in the queue"
                min={1}
                allowDecimal={false}
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
                allowDecimal={false}
                value={draft.pendingTimeoutSec}
                onChange={(v) => set('pendingTimeoutSec', v)}
                error={errorFor(shown, 'pendingTimeoutSec')}
              />
            </SimpleGrid>
            <Switch
              mt="sm"
              label="Allow network access"
              description="Off: algorithms run with no network at all"
              checked={draft.allowNetwork}
              onChange={(e) => set('allowNetwork', e.currentTarget.checked)}
            />
          </Fieldset>

          <Fieldset legend="Free tier">
            <Switch
              label="Offer a free tier"
              description="Consumers run small jobs here without paying, within these limits"
              checked={draft.free}
              onChange={(e) => set('free', e.currentTarget.checked)}
            />
            {draft.free && (
              <SimpleGrid cols={{ base: 1, sm: 3 }} mt="sm">
                <NumberInput
                  label="Free job max duration (seconds)"
                  description="A free job is stopped after this"
                  min={1}
                  allowDecimal={false}
                  value={draft.freeMaxJobDurationSec}
                  onChange={(v) => set('freeMaxJobDurationSec', v)}
                  error={errorFor(shown, 'free.maxJobDurationSec')}
                />
                <NumberInput
                  label="Free jobs at once"
                  description="Across all consumers"
                  min={1}
                  allowDecimal={false}
                  value={draft.freeMaxJobs}
                  onChange={(v) => set('freeMaxJobs', v)}
                  error={errorFor(shown, 'free.maxJobs')}
                />
                <NumberInput
                  label="Free jobs per consumer"
                  description="At once, per consumer address"
                  min={1}
                  allowDecimal={false}
                  value={draft.freeMaxJobsPerConsumer}
                  onChange={(v) => set('freeMaxJobsPerConsumer', v)}
                  error={errorFor(shown, 'free.maxJobsPerConsumer')}
                />
                <NumberInput
                  label="Free CPUs per job"
                  min={0.1}
                  step={0.5}
                  decimalScale={3}
                  description="At most the CPUs per job"
                  value={draft.freeCpu}
                  onChange={(v) => set('freeCpu', v)}
                  error={errorFor(shown, 'free.cpu')}
                />
                <NumberInput
                  label="Free RAM per job (GB)"
                  min={0.1}
                  step={0.5}
                  decimalScale={3}
                  description="At most the RAM per job"
                  value={draft.freeRamGb}
                  onChange={(v) => set('freeRamGb', v)}
                  error={errorFor(shown, 'free.ramGb')}
                />
                <NumberInput
                  label="Free disk per job (GB)"
                  min={0.1}
                  step={0.5}
                  decimalScale={3}
                  description="At most the disk per job"
                  value={draft.freeDiskGb}
                  onChange={(v) => set('freeDiskGb', v)}
                  error={errorFor(shown, 'free.diskGb')}
                />
              </SimpleGrid>
            )}
          </Fieldset>

          <Fieldset legend="Paid tier">
            {feeChains.length === 0 ? (
              <Text size="sm">
                No chain is connected: only free jobs can run. Pick a chain in Settings to charge for compute.
              </Text>
            ) : several ? (
              <Tabs defaultValue={String(feeChains[0]!.chainId)} keepMounted={false}>
                <Tabs.List aria-label="Prices per chain">
                  {feeChains.map((c, i) => (
                    <Tabs.Tab
                      key={c.chainId}
                      value={String(c.chainId)}
                      color={errorFor(shown, `fees.${c.chainId}`) ? 'red' : undefined}
                      rightSection={
                        <Badge size="xs" variant="light" color={entries[i]!.paid ? 'teal' : 'gray'}>
                          {entries[i]!.paid ? 'paid' : 'free only'}
                        </Badge>
                      }
                    >
                      {c.name} · {c.chainId}
                    </Tabs.Tab>
                  ))}
                </Tabs.List>
                {feeChains.map((c, i) => (
                  <Tabs.Panel key={c.chainId} value={String(c.chainId)} pt="sm">
                    {chainFields(c, i)}
                  </Tabs.Panel>
                ))}
              </Tabs>
            ) : (
              chainFields(feeChains[0]!, 0)
            )}
            {keptElsewhere.length > 0 && (
              <Text size="sm" c="dimmed" mt="sm">
                Prices kept for chain {keptElsewhere.join(', ')}, which this console does not serve now: not
                offered to consumers.
              </Text>
            )}
          </Fieldset>

          {hasErrors && (
            <Alert role="alert" color="red" variant="light" aria-label="Environment problems">
              Fix the fields marked in red: {Object.values(shown).join(' ')}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={save.isPending}>
              Save environment
            </Button>
            {onCancel && (
              <Button variant="default" onClick={onCancel}>
                Cancel
              </Button>
            )}
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
