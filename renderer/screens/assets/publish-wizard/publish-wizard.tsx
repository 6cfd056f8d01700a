// Publish as a wizard (Mantine Stepper): dataset → compute service (environments with their
// prices, trusted algorithms picked by name from the published ones, pricing) → review → publish,
// with each on-chain step streamed in order and a "you're live" card to share. Every message sits
// next to its field; the engine validates again before anything is signed.
import { useMemo, useRef, useState } from 'react'
import {
  Alert,
  Anchor,
  Button,
  Card,
  Code,
  Group,
  MultiSelect,
  NumberInput,
  Radio,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Stepper,
  Switch,
  Table,
  TagsInput,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core'
import { Link } from '@tanstack/react-router'
import {
  assetDraftSchema,
  tokenAmountSchema,
  type AssetSummary,
} from '../../../../engine/console-api/contract'
import {
  useAssets,
  useDistributeDatatokens,
  usePublishAsset,
  useValidateAsset,
} from '../../../server-state/assets'
import { useEnvironments } from '../../../server-state/compute-backend'
import { useOverview } from '../../../server-state/overview'
import { usePublishProgress, type PublishProgressEvent } from '../../../server-state/publish-progress'
import { ErrorMessage } from '../../../components/error-message'
import { AddressLabel, shortenValue } from '../../../components/labels/address-label'
import { CopyValueButton } from '../../../components/copy-value-button'
import { fieldErrorsFromError, inWords, zodIssues, type FieldErrors } from '../../../components/field-errors'
import { EnvironmentPrices } from '../../compute-backend/environment-prices'
import { PublishProgressSteps } from './publish-progress-steps'
import { WalletGate } from './wallet-gate'
import {
  consumerSnippet,
  fieldOfPath,
  INITIAL_WIZARD,
  stepOfField,
  toDraft,
  type WizardState,
} from './wizard-draft'

/** Issues → one message per wizard field, and the first step that has one. */
function mapIssues(issues: Array<{ path: string; message: string }>): {
  errors: FieldErrors
  step: number | null
} {
  const errors: FieldErrors = {}
  let step: number | null = null
  for (const issue of issues) {
    const field = fieldOfPath(issue.path)
    if (!(field in errors)) errors[field] = inWords(issue.message)
    const s = stepOfField(issue.path)
    step = step === null ? s : Math.min(step, s)
  }
  return { errors, step }
}

function ProblemSummary({ errors }: { errors: FieldErrors }) {
  if (Object.keys(errors).length === 0) return null
  return (
    <Alert role="alert" color="red" variant="light" aria-label="Validation problems">
      Fix the fields marked in red: {Object.values(errors).join(' ')}
    </Alert>
  )
}

export function PublishWizard() {
  return (
    <WalletGate>
      <PublishWizardForm />
    </WalletGate>
  )
}

function PublishWizardForm() {
  const [state, setState] = useState<WizardState>(INITIAL_WIZARD)
  const [active, setActive] = useState(0)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [published, setPublished] = useState<AssetSummary | null>(null)
  const validate = useValidateAsset()
  const publish = usePublishAsset()
  const price = useDistributeDatatokens()
  const progress = usePublishProgress()
  const overview = useOverview()
  const algorithms = useAssets()
  const environments = useEnvironments()
  const before = useRef<Set<PublishProgressEvent> | null>(null)
  const set = <K extends keyof WizardState>(key: K, value: WizardState[K]) =>
    setState((s) => ({ ...s, [key]: value }))
  const draft = useMemo(() => toDraft(state), [state])
  const algorithmOptions = (algorithms.data?.assets ?? [])
    .filter((a) => a.kind === 'algorithm')
    .map((a) => ({ value: a.did, label: `${a.name} (${shortenValue(a.did)})` }))

  /** Local check of the fields of `step` (and all before it); moves on only when they are clean. */
  const checkUpTo = (step: number): boolean => {
    const parsed = assetDraftSchema.safeParse(draft)
    const issues = parsed.success ? [] : zodIssues(parsed.error.issues)
    if (state.kind === 'algorithm' && !state.entrypoint.trim())
      issues.push({ path: 'container.entrypoint', message: 'the command that runs the algorithm' })
    if (step >= 1 && state.pricing === 'fixed') {
      const p = tokenAmountSchema.safeParse(state.price)
      if (!p.success) issues.push({ path: 'price', message: p.error.issues[0]?.message ?? 'a price' })
    }
    const { errors: found } = mapIssues(
      issues.filter((i) => (i.path === 'price' ? 1 : stepOfField(i.path)) <= step),
    )
    setErrors(found)
    return Object.keys(found).length === 0
  }
  const next = () => {
    if (checkUpTo(active)) setActive((a) => Math.min(a + 1, 2))
  }
  const submit = async () => {
    const check = await validate.mutateAsync(draft)
    if (!check.valid) {
      const mapped = mapIssues(check.issues)
      setErrors(mapped.errors)
      setActive(mapped.step ?? 0)
      return
    }
    before.current = new Set(progress.data ?? [])
    setActive(3)
    publish.mutate(
      { draft },
      {
        onSuccess: ({ asset }) => {
          setPublished(asset)
          if (state.kind !== 'dataset' || state.pricing === 'later') return
          price.mutate(
            state.pricing === 'free'
              ? { kind: 'dispenser', did: asset.did, maxTokens: '1', maxBalance: '1' }
              : { kind: 'fixedRate', did: asset.did, price: state.price.trim() },
          )
        },
        onError: (error) => {
          const mapped = fieldErrorsFromError(error, 'draft.')
          if (Object.keys(mapped).length > 0) {
            const m = mapIssues(Object.entries(mapped).map(([path, message]) => ({ path, message })))
            setErrors(m.errors)
            setActive(m.step ?? 0)
          }
        },
      },
    )
  }
  const stepEvents = before.current
    ? (progress.data ?? []).filter((e) => !before.current!.has(e)).reverse()
    : []
  const providerUrl = overview.data?.providerUrl ?? ''

  return (
    <Card withBorder padding="lg" component="section" aria-label="Publish an asset">
      <form aria-label="Asset" onSubmit={(e) => e.preventDefault()} noValidate>
        <Stepper active={active} onStepClick={(s) => s < active && active < 3 && setActive(s)} size="sm">
          <Stepper.Step label="Dataset" description="What you share">
            <Stack gap="sm" mt="md">
              <SegmentedControl
                aria-label="Kind"
                value={state.kind}
                onChange={(v) => set('kind', v === 'algorithm' ? 'algorithm' : 'dataset')}
                data={[
                  { value: 'dataset', label: 'Dataset' },
                  { value: 'algorithm', label: 'Algorithm' },
                ]}
              />
              <TextInput
                label="Name"
                description="What consumers see in their client"
                value={state.name}
                onChange={(e) => set('name', e.currentTarget.value)}
                error={errors.name}
              />
              <Textarea
                label="Description"
                value={state.description}
                onChange={(e) => set('description', e.currentTarget.value)}
                rows={2}
              />
              <TextInput
                label="File (URL or local path)"
                description="A file on this machine, or an http(s) URL the Provider fetches. Consumers never see it."
                value={state.file}
                onChange={(e) => set('file', e.currentTarget.value)}
                error={errors.file}
              />
              {/^https?:\/\//.test(state.file.trim()) && (
                <Textarea
                  label='Request headers (one "Name: value" per line)'
                  value={state.headers}
                  onChange={(e) => set('headers', e.currentTarget.value)}
                  rows={2}
                />
              )}
              {state.kind === 'algorithm' && (
                <SimpleGrid cols={{ base: 1, sm: 3 }}>
                  <TextInput
                    label="Container image"
                    value={state.image}
                    onChange={(e) => set('image', e.currentTarget.value)}
                    error={errors.image}
                  />
                  <TextInput
                    label="Image tag"
                    value={state.tag}
                    onChange={(e) => set('tag', e.currentTarget.value)}
                    error={errors.tag}
                  />
                  <TextInput
                    label="Entrypoint"
                    description="$ALGO is the algorithm file"
                    value={state.entrypoint}
                    onChange={(e) => set('entrypoint', e.currentTarget.value)}
                    error={errors.entrypoint}
                  />
                </SimpleGrid>
              )}
            </Stack>
          </Stepper.Step>
          <Stepper.Step label="Compute service" description="Who may run what">
            <Stack gap="sm" mt="md">
              <Text size="sm" fw={600}>
                Environments consumers can pick
              </Text>
              {environments.data && environments.data.environments.length > 0 ? (
                <Table aria-label="Environments for this service" withTableBorder>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Environment</Table.Th>
                      <Table.Th scope="col">Free tier</Table.Th>
                      <Table.Th scope="col">Price</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {environments.data.environments.map((env) => (
                      <Table.Tr key={env.id}>
                        <Table.Th scope="row">{env.id}</Table.Th>
                        <Table.Td>
                          {env.free
                            ? `${env.free.maxJobs} jobs of ${env.free.maxJobDurationSec} s`
                            : 'No free tier'}
                        </Table.Td>
                        <Table.Td>
                          <EnvironmentPrices fees={env.fees} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              ) : (
                <Text size="sm">
                  No environments yet: add one on{' '}
                  <Anchor component={Link} to="/compute-backend">
                    Compute backend
                  </Anchor>
                  .
                </Text>
              )}
              {state.kind === 'dataset' && (
                <>
                  <MultiSelect
                    label="Trusted algorithms"
                    description="Published algorithms allowed to run on this dataset; their checksums are pinned when you publish"
                    placeholder={algorithmOptions.length ? 'Pick by name' : 'No published algorithms yet'}
                    data={algorithmOptions}
                    value={state.trustedAlgorithms}
                    onChange={(v) => set('trustedAlgorithms', v)}
                    searchable
                    nothingFoundMessage="No published algorithm by that name"
                    error={errors.trustedAlgorithms}
                  />
                  <TagsInput
                    label="Trusted algorithm publishers"
                    description="Any algorithm these addresses publish may run (press Enter after each 0x address)"
                    value={state.trustedPublishers}
                    onChange={(v) => set('trustedPublishers', v)}
                    error={errors.trustedPublishers}
                  />
                  <Switch
                    label="Allow raw algorithm code"
                    description="Consumers may send their own code instead of a published algorithm"
                    checked={state.allowRawAlgorithm}
                    onChange={(e) => set('allowRawAlgorithm', e.currentTarget.checked)}
                  />
                </>
              )}
              <Switch
                label="Allow network access"
                description="Jobs may reach the internet while they run"
                checked={state.allowNetworkAccess}
                onChange={(e) => set('allowNetworkAccess', e.currentTarget.checked)}
              />
              <NumberInput
                label="Timeout (seconds, 0 = none)"
                description="How long an order stays valid"
                min={0}
                value={state.timeoutSec}
                onChange={(v) => set('timeoutSec', v)}
                error={errors.timeoutSec}
              />
              {state.kind === 'dataset' && (
                <Radio.Group
                  label="Price of access"
                  description="Consumers need one datatoken per job; compute time is priced by the environment"
                  value={state.pricing}
                  onChange={(v) => set('pricing', v as WizardState['pricing'])}
                >
                  <Stack gap={6} mt={6}>
                    <Radio value="free" label="Free: a dispenser gives one datatoken per request" />
                    <Radio value="fixed" label="A fixed price in OCEAN per datatoken" />
                    <Radio value="later" label="Decide later (on the asset page)" />
                  </Stack>
                </Radio.Group>
              )}
              {state.kind === 'dataset' && state.pricing === 'fixed' && (
                <TextInput
                  label="Price per datatoken (OCEAN)"
                  value={state.price}
                  onChange={(e) => set('price', e.currentTarget.value)}
                  error={errors.price}
                  inputMode="decimal"
                />
              )}
            </Stack>
          </Stepper.Step>
          <Stepper.Step label="Review" description="Check before signing">
            <Table mt="md" aria-label="Review" withTableBorder>
              <Table.Tbody>
                {(
                  [
                    ['Kind', state.kind === 'dataset' ? 'Dataset' : 'Algorithm'],
                    ['Name', draft.name],
                    ['File', draft.service.files.length ? state.file.trim() : '—'],
                    [
                      'Trusted algorithms',
                      state.trustedAlgorithms.length
                        ? state.trustedAlgorithms
                            .map((d) => algorithmOptions.find((o) => o.value === d)?.label ?? d)
                            .join(', ')
                        : 'None',
                    ],
                    ['Trusted publishers', state.trustedPublishers.join(', ') || 'None'],
                    ['Raw algorithm code', draft.service.allowRawAlgorithm ? 'Allowed' : 'Not allowed'],
                    ['Network access', draft.service.allowNetworkAccess ? 'Allowed' : 'Blocked'],
                    [
                      'Price of access',
                      state.kind !== 'dataset'
                        ? '—'
                        : state.pricing === 'free'
                          ? 'Free (dispenser)'
                          : state.pricing === 'fixed'
                            ? `${state.price} OCEAN per datatoken`
                            : 'Decide later',
                    ],
                    ['Provider URL in the DDO', providerUrl],
                  ] as const
                ).map(([k, v]) => (
                  <Table.Tr key={k}>
                    <Table.Th scope="row" w={220}>
                      {k}
                    </Table.Th>
                    <Table.Td>{v}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Text size="sm" mt="sm" c="dimmed">
              Publishing signs two transactions (create, then setMetaData)
              {state.pricing !== 'later' && state.kind === 'dataset' ? ' and one for the price' : ''}.
            </Text>
          </Stepper.Step>
          <Stepper.Step label="Publish" description="On chain">
            <Stack gap="md" mt="md">
              <PublishProgressSteps events={stepEvents} label="On-chain steps of this publish" />
              {publish.isPending && (
                <Text role="status" size="sm">
                  Publishing… each step appears above as it is signed and mined.
                </Text>
              )}
              {publish.isError && <ErrorMessage title="Could not publish" error={publish.error} />}
              {price.isError && (
                <ErrorMessage title="Published, but the price could not be set" error={price.error} />
              )}
              {published && <LiveCard asset={published} providerUrl={providerUrl} />}
            </Stack>
          </Stepper.Step>
        </Stepper>
        {active < 3 && (
          <Stack gap="sm" mt="lg">
            <ProblemSummary errors={errors} />
            {validate.isError && <ErrorMessage title="Could not check the asset" error={validate.error} />}
            <Group justify="space-between">
              <Button variant="default" disabled={active === 0} onClick={() => setActive((a) => a - 1)}>
                Back
              </Button>
              {active < 2 ? (
                <Button onClick={next}>Next</Button>
              ) : (
                <Button onClick={() => void submit()} loading={validate.isPending}>
                  Publish
                </Button>
              )}
            </Group>
          </Stack>
        )}
      </form>
    </Card>
  )
}

export function LiveCard({ asset, providerUrl }: { asset: AssetSummary; providerUrl: string }) {
  const snippet = consumerSnippet(asset.did, providerUrl)
  return (
    <Card
      withBorder
      padding="md"
      component="section"
      aria-labelledby="live-title"
      bg="var(--mantine-color-green-light)"
    >
      <Title order={3} size="h4" id="live-title">
        You&apos;re live: {asset.name}
      </Title>
      <Text size="sm" mt={4}>
        Consumers can find it by its DID at this Provider and start compute jobs now.
      </Text>
      <Stack gap={6} mt="sm">
        <Group gap="xs">
          <Text size="sm" fw={600}>
            DID
          </Text>
          <Text size="sm" ff="monospace" data-testid="published-did" style={{ wordBreak: 'break-all' }}>
            {asset.did}
          </Text>
          <CopyValueButton value={asset.did} label="Copy DID" />
        </Group>
        <Group gap="xs">
          <Text size="sm" fw={600}>
            Provider URL
          </Text>
          <AddressLabel value={providerUrl} what="provider URL" />
        </Group>
        <Group justify="space-between">
          <Text size="sm" fw={600}>
            For consumers (ocean.js)
          </Text>
          <CopyValueButton value={snippet} label="Copy ocean.js snippet" />
        </Group>
        <Code block>{snippet}</Code>
        <Group>
          <Button renderRoot={(props) => <Link {...props} to="/assets/$did" params={{ did: asset.did }} />}>
            Open the asset page
          </Button>
        </Group>
      </Stack>
    </Card>
  )
}
