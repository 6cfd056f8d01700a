// Publish as a wizard (Mantine Stepper): files (with a test fetch) → metadata → compute settings →
// pricing → review → publish, each on-chain step streamed in order with its tx, then a "you're
// live" card to share. The values live in the zustand draft (wizard-draft.ts), so Back and Next
// keep them; every message sits next to its field, and the engine validates again before anything
// is signed.
import { useEffect, useMemo, useRef, useState } from 'react'
import { Alert, Anchor, Button, Card, Group, Stack, Stepper, Text } from '@mantine/core'
import { Link } from '@tanstack/react-router'
import {
  assetDraftSchema,
  tokenAmountSchema,
  type AssetSummary,
} from '../../../../engine/console-api/contract'
import {
  useDistributeDatatokens,
  usePublishAsset,
  useResumePublish,
  useUnfinishedPublishes,
  useValidateAsset,
} from '../../../server-state/assets'
import { useEnvironments } from '../../../server-state/compute-backend'
import { useOverview } from '../../../server-state/overview'
import { usePublishProgress, type PublishProgressEvent } from '../../../server-state/publish-progress'
import { ErrorMessage } from '../../../components/error-message'
import { fieldErrorsFromError, inWords, zodIssues, type FieldErrors } from '../../../components/field-errors'
import { ComputeStep } from './compute-step'
import { FilesStep } from './files-step'
import { LiveCard } from './live-card'
import { MetadataStep } from './metadata-step'
import { PricingStep } from './pricing-step'
import { PublishProgressSteps } from './publish-progress-steps'
import { ReviewStep } from './review-step'
import { WalletGate } from './wallet-gate'
import {
  fieldOfPath,
  STEP_INDEX,
  stepOfField,
  toDraft,
  useWizardDraft,
  type WizardState,
} from './wizard-draft'

/** Issues → one message per wizard field, and the first step that has one. */
export function mapIssues(issues: Array<{ path: string; message: string }>): {
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

/** The wizard's own checks of every field on steps ≤ `step` (the engine checks again at Publish). */
export function localIssues(
  values: WizardState,
  step: number,
  configuredEnvironments: number,
): Array<{ path: string; message: string }> {
  const parsed = assetDraftSchema.safeParse(toDraft(values))
  // Ours first: the first message per field wins, and these say more than zod's defaults.
  const issues: Array<{ path: string; message: string }> = []
  if (values.kind === 'algorithm' && !values.entrypoint.trim())
    issues.push({ path: 'container.entrypoint', message: 'the command that runs the algorithm' })
  if (values.kind === 'algorithm' && !values.image.trim())
    issues.push({ path: 'container.image', message: 'the container image the job runs in, such as python' })
  if (!parsed.success) issues.push(...zodIssues(parsed.error.issues))
  if (configuredEnvironments > 0 && values.environments.length === 0)
    issues.push({ path: 'environments', message: 'pick at least one environment consumers run jobs in' })
  if (values.pricing === 'fixed') {
    const p = tokenAmountSchema.safeParse(values.price)
    if (!p.success) issues.push({ path: 'price', message: p.error.issues[0]?.message ?? 'a price' })
  }
  return issues.filter((i) => stepOfField(i.path) <= step)
}

/** Which fields need attention, by their labels; each message itself is beside its field. */
function ProblemSummary({ errors }: { errors: FieldErrors }) {
  const count = Object.keys(errors).length
  if (count === 0) return null
  return (
    <Alert role="alert" color="red" variant="light" aria-label="Validation problems">
      {count === 1 ? 'One field needs' : `${count} fields need`} attention: see the message in red beside
      {count === 1 ? ' it' : ' each'}.
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

interface Published {
  asset: AssetSummary
  environmentId?: string
  paid: boolean
}

function PublishWizardForm() {
  const values = useWizardDraft((s) => s.values)
  const storedActive = useWizardDraft((s) => s.active)
  const errors = useWizardDraft((s) => s.errors)
  const setActive = useWizardDraft((s) => s.setActive)
  const setErrors = useWizardDraft((s) => s.setErrors)
  const reset = useWizardDraft((s) => s.reset)
  const [published, setPublished] = useState<Published | null>(null)
  const [finished, setFinished] = useState(false)
  const validate = useValidateAsset()
  const publish = usePublishAsset()
  const resume = useResumePublish()
  const unfinished = useUnfinishedPublishes()
  const price = useDistributeDatatokens()
  const progress = usePublishProgress()
  const overview = useOverview()
  const environments = useEnvironments()
  const before = useRef<Set<PublishProgressEvent> | null>(null)
  /** What Publish was pressed with: a resume ends as the publish would have (pricing, live card). */
  const submitted = useRef<{
    pricing: WizardState['pricing']
    typedPrice: string
    environmentId: string | undefined
    /** The unfinished publishes before this one began: a new row after a failure is this one's. */
    unfinishedBefore: Set<string> | null
  } | null>(null)
  const draft = useMemo(() => toDraft(values), [values])
  const envCount = environments.data?.environments.length ?? 0
  const active = finished ? STEP_INDEX.publish + 1 : storedActive

  // Back on the page after leaving mid-publish: this page no longer follows that publish.
  useEffect(() => {
    if (useWizardDraft.getState().active >= STEP_INDEX.publish) setActive(STEP_INDEX.review)
  }, [setActive])

  const goTo = (step: number) => {
    setActive(step)
    // Focus the step's first field, as a route change focuses its heading.
    requestAnimationFrame(() =>
      document.querySelector<HTMLElement>('form[aria-label="Asset"] .mantine-Stepper-content input')?.focus(),
    )
  }
  const next = () => {
    const { errors: found } = mapIssues(localIssues(values, active, envCount))
    setErrors(found)
    if (Object.keys(found).length === 0) goTo(Math.min(active + 1, STEP_INDEX.review))
  }
  const finish = (result: Published) => {
    setPublished(result)
    setFinished(true)
    reset()
  }
  const submit = async () => {
    const local = mapIssues(localIssues(values, STEP_INDEX.review, envCount))
    if (local.step !== null) {
      setErrors(local.errors)
      setActive(local.step)
      return
    }
    const check = await validate.mutateAsync(draft)
    if (!check.valid) {
      const mapped = mapIssues(check.issues)
      setErrors(mapped.errors)
      setActive(mapped.step ?? 0)
      return
    }
    before.current = new Set(progress.data ?? [])
    setActive(STEP_INDEX.publish)
    submitted.current = {
      pricing: values.pricing,
      typedPrice: values.price.trim(),
      environmentId: values.environments[0],
      unfinishedBefore: unfinished.data ? new Set(unfinished.data.publishes.map((p) => p.id)) : null,
    }
    resume.reset()
    publish.mutate(
      // A dataset's picked environments are the only ones its consumers may use (the Provider refuses others).
      { draft, ...(values.kind === 'dataset' ? { environments: values.environments } : {}) },
      {
        onSuccess: ({ asset }) => onLive(asset),
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
  /** Live (a publish or its resume): the price the publisher picked, then the live card. */
  const onLive = (asset: AssetSummary) => {
    const { pricing, typedPrice, environmentId } = submitted.current!
    const result: Published = {
      asset,
      ...(environmentId ? { environmentId } : {}),
      paid: pricing === 'fixed',
    }
    setPublished(result)
    if (pricing === 'later') return finish(result)
    price.mutate(
      pricing === 'free'
        ? { kind: 'dispenser', did: asset.did, maxTokens: '1', maxBalance: '1' }
        : { kind: 'fixedRate', did: asset.did, price: typedPrice },
      { onSuccess: () => finish(result) },
    )
  }
  const stepEvents = before.current
    ? (progress.data ?? []).filter((e) => !before.current!.has(e)).reverse()
    : []
  // A publish that failed part-way is resumed, not published again (a second NFT): by its DID once
  // the NFT exists, else by the unfinished row it left (a create tx sent and not confirmed).
  const didSoFar = stepEvents.findLast((e) => e.did)?.did
  const leftBehind = submitted.current?.unfinishedBefore
    ? unfinished.data?.publishes.find((p) => !submitted.current!.unfinishedBefore!.has(p.id))?.id
    : undefined
  const resumeId = publish.isError ? (didSoFar ?? leftBehind ?? null) : null
  const resumeNow = (id: string) => resume.mutate(id, { onSuccess: ({ asset }) => onLive(asset) })
  const providerUrl = overview.data?.providerUrl ?? ''
  const progressList = <PublishProgressSteps events={stepEvents} label="On-chain steps of this publish" />

  return (
    <Card withBorder padding="lg" component="section" aria-label="Publish an asset">
      <form aria-label="Asset" onSubmit={(e) => e.preventDefault()} noValidate>
        <Stepper
          active={active}
          onStepClick={(s) => s < active && active < STEP_INDEX.publish && setActive(s)}
          size="xs"
          wrap
        >
          <Stepper.Step label="Files" description="Data source">
            <FilesStep />
          </Stepper.Step>
          <Stepper.Step label="Metadata" description="Name, licence">
            <MetadataStep />
          </Stepper.Step>
          <Stepper.Step label="Compute settings" description="Who runs what">
            <ComputeStep />
          </Stepper.Step>
          <Stepper.Step label="Pricing" description="Free or paid">
            <PricingStep />
          </Stepper.Step>
          <Stepper.Step label="Review" description="Before signing">
            <ReviewStep />
          </Stepper.Step>
          <Stepper.Step label="Publish" description="On chain">
            <Stack gap="md" mt="md">
              {progressList}
              {(publish.isPending || price.isPending) && (
                <Text role="status" size="sm">
                  Publishing… each step appears above, in order, as it is signed and mined.
                </Text>
              )}
              {resume.isPending && (
                <Text role="status" size="sm">
                  Resuming… each step appears above, in order, as it is checked, signed and mined.
                </Text>
              )}
              {publish.isError && resume.isIdle && (
                <ErrorMessage title="Could not publish" error={publish.error} />
              )}
              {resume.isError && <ErrorMessage title="Could not resume the publish" error={resume.error} />}
              {price.isError && (
                <ErrorMessage
                  title="Published, but the price could not be set (set it on the asset page)"
                  error={price.error}
                />
              )}
              {published && price.isError && (
                <LiveCard
                  asset={published.asset}
                  providerUrl={providerUrl}
                  paid={published.paid}
                  {...(published.environmentId ? { environmentId: published.environmentId } : {})}
                />
              )}
              {publish.isError && resumeId !== null && !resume.isPending && !resume.isSuccess && (
                <>
                  <Text size="sm">
                    This publish stopped part-way and is kept under Unfinished publishes on{' '}
                    <Anchor component={Link} to="/assets">
                      Assets
                    </Anchor>
                    . Resume finishes it from where it stopped, with the transactions it already sent;
                    publishing again would create a second data NFT.
                  </Text>
                  <Group>
                    <Button onClick={() => resumeNow(resumeId)}>Resume</Button>
                  </Group>
                </>
              )}
              {publish.isError && resumeId === null && (
                <Group>
                  <Button variant="default" onClick={() => setActive(STEP_INDEX.review)}>
                    Back to review
                  </Button>
                </Group>
              )}
            </Stack>
          </Stepper.Step>
          <Stepper.Completed>
            {published && (
              <Stack gap="md" mt="md">
                <LiveCard
                  asset={published.asset}
                  providerUrl={providerUrl}
                  paid={published.paid}
                  {...(published.environmentId ? { environmentId: published.environmentId } : {})}
                />
                {progressList}
              </Stack>
            )}
          </Stepper.Completed>
        </Stepper>
        {active < STEP_INDEX.publish && (
          <Stack gap="sm" mt="lg">
            <ProblemSummary errors={errors} />
            {validate.isError && <ErrorMessage title="Could not check the asset" error={validate.error} />}
            <Group justify="space-between">
              <Button variant="default" disabled={active === 0} onClick={() => goTo(active - 1)}>
                Back
              </Button>
              {active < STEP_INDEX.review ? (
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
