// The publish wizard's draft: the form values of every step, kept in a zustand store (UI state, not
// server state) so Back, Next and leaving the page keep what was typed; the pure mapping from those
// values to the contract's AssetDraft; and which step owns which field, so a validation issue
// (local zod, validateAsset or a REQUEST_INVALID error) sends the publisher to the step and field
// that hold it.
import { create } from 'zustand'
import type { AssetDraft, MethodInput } from '../../../../engine/console-api/contract'
import type { FieldErrors } from '../../../components/field-errors'

export type FileSourceInput = MethodInput<'checkFile'>['source']

/** The wizard's steps, in order; the index is the Stepper's `active`. */
export const WIZARD_STEPS = ['files', 'metadata', 'compute', 'pricing', 'review', 'publish'] as const
export type WizardStep = (typeof WIZARD_STEPS)[number]
export const STEP_INDEX = Object.fromEntries(WIZARD_STEPS.map((s, i) => [s, i])) as Record<WizardStep, number>

export interface WizardState {
  kind: 'dataset' | 'algorithm'
  file: string
  headers: string
  name: string
  description: string
  author: string
  license: string
  image: string
  tag: string
  entrypoint: string
  timeoutSec: number | string
  allowNetworkAccess: boolean
  allowRawAlgorithm: boolean
  /** DIDs picked from the published algorithms. */
  trustedAlgorithms: string[]
  /** Addresses whose every algorithm may run. */
  trustedPublishers: string[]
  /** Environment ids offered to consumers (the snippet and the price shown use the first). */
  environments: string[]
  pricing: 'free' | 'fixed' | 'later'
  price: string
}

export const INITIAL_WIZARD: WizardState = {
  kind: 'dataset',
  file: '',
  headers: '',
  name: '',
  description: '',
  author: '',
  license: 'MIT',
  image: 'python',
  tag: '3.12-slim',
  entrypoint: 'python $ALGO',
  timeoutSec: 0,
  allowNetworkAccess: false,
  allowRawAlgorithm: false,
  trustedAlgorithms: [],
  trustedPublishers: [],
  environments: [],
  pricing: 'free',
  price: '1',
}

export interface WizardDraftStore {
  values: WizardState
  /** The Stepper's active step (index into WIZARD_STEPS). */
  active: number
  /** One message per wizard field, in words. */
  errors: FieldErrors
  /** The file source last sent to the test fetch (its JSON), so its answer stays beside the field. */
  testedFile: string | null
  set<K extends keyof WizardState>(key: K, value: WizardState[K]): void
  setActive(step: number): void
  setErrors(errors: FieldErrors): void
  setTestedFile(source: FileSourceInput | null): void
  reset(): void
}

export const useWizardDraft = create<WizardDraftStore>()((set) => ({
  values: INITIAL_WIZARD,
  active: 0,
  errors: {},
  testedFile: null,
  set: (key, value) =>
    set((s) => {
      // A changed field's message goes once it is edited; the others stay until the next check.
      const field = key === 'headers' ? 'file' : key
      const { [field]: _gone, ...errors } = s.errors
      return { values: { ...s.values, [key]: value }, errors }
    }),
  setActive: (active) => set({ active }),
  setErrors: (errors) => set({ errors }),
  setTestedFile: (source) => set({ testedFile: source ? JSON.stringify(source) : null }),
  reset: () => set({ values: INITIAL_WIZARD, active: 0, errors: {}, testedFile: null }),
}))

/** "Name: value" lines → headers; lines without a colon are ignored. */
export function parseHeaders(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l.includes(':'))
      .map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]),
  )
}

/** The file source the File field describes: an http(s) URL (with headers) or a local path; none when empty. */
export function fileSourceOf(state: Pick<WizardState, 'file' | 'headers'>): FileSourceInput | null {
  const file = state.file.trim()
  if (!file) return null
  return /^https?:\/\//i.test(file)
    ? { type: 'url', url: file, headers: parseHeaders(state.headers) }
    : { type: 'local', path: file }
}

export function toDraft(state: WizardState): AssetDraft {
  const source = fileSourceOf(state)
  return {
    kind: state.kind,
    name: state.name.trim(),
    description: state.description.trim(),
    author: state.author.trim(),
    license: state.license.trim() || 'MIT',
    ...(state.kind === 'algorithm'
      ? {
          container: {
            image: state.image.trim(),
            tag: state.tag.trim() || 'latest',
            entrypoint: state.entrypoint.trim(),
            checksum: '',
          },
        }
      : {}),
    service: {
      files: source ? [source] : [],
      timeoutSec: typeof state.timeoutSec === 'number' ? state.timeoutSec : Number(state.timeoutSec) || 0,
      allowRawAlgorithm: state.kind === 'dataset' && state.allowRawAlgorithm,
      allowNetworkAccess: state.allowNetworkAccess,
      publisherTrustedAlgorithmPublishers: state.kind === 'dataset' ? state.trustedPublishers : [],
      // The engine pins each algorithm's checksums from its own copy at publish time (publish.ts).
      publisherTrustedAlgorithms:
        state.kind === 'dataset'
          ? state.trustedAlgorithms.map((did) => ({ did, filesChecksum: '', containerSectionChecksum: '' }))
          : [],
    },
  }
}

/** The step whose form holds the field at `path` ("service.files.0.url" → files). */
export function stepOfField(path: string): number {
  const p = path.replace(/^draft\./, '')
  if (p === 'kind' || p === 'file' || p === 'headers' || p.startsWith('service.files'))
    return STEP_INDEX.files
  if (p === 'name' || p === 'description' || p === 'author' || p === 'license') return STEP_INDEX.metadata
  if (p === 'price' || p === 'pricing') return STEP_INDEX.pricing
  return STEP_INDEX.compute
}

/** The wizard's own field for a draft path (several paths land on one input). */
export function fieldOfPath(path: string): string {
  const p = path.replace(/^draft\./, '')
  if (p.startsWith('service.files')) return 'file'
  if (p.startsWith('container.image')) return 'image'
  if (p.startsWith('container.tag')) return 'tag'
  if (p.startsWith('container.entrypoint') || p === 'container') return 'entrypoint'
  if (p.startsWith('service.publisherTrustedAlgorithmPublishers')) return 'trustedPublishers'
  if (p.startsWith('service.publisherTrustedAlgorithms')) return 'trustedAlgorithms'
  if (p.startsWith('service.timeoutSec')) return 'timeoutSec'
  // publishAsset's allowed environments ("environments.0": no such environment).
  if (p.startsWith('environments')) return 'environments'
  return p
}

/**
 * ocean.js for a consumer (the "share" snippet): a free job, or the paid flow (initialize, pay the
 * escrow and the datatoken orders, start), on this dataset in the picked environment.
 */
export function consumerSnippet(input: {
  did: string
  providerUrl: string
  environmentId?: string
  paid: boolean
}): string {
  const { did, providerUrl, environmentId, paid } = input
  const env = environmentId
    ? `const environmentId = '${environmentId}'`
    : 'const [{ id: environmentId }] = await ProviderInstance.getComputeEnvironments(providerUrl)'
  const head = [
    "import { Aquarius, ProviderInstance } from '@oceanprotocol/lib'",
    '',
    `const providerUrl = '${providerUrl}'`,
    '// This Provider also answers the Aquarius DDO routes.',
    `const dataset = await new Aquarius(providerUrl).resolve('${did}')`,
    env,
    'const datasets = [{ documentId: dataset.id, serviceId: dataset.services[0].id }]',
    'const algorithm = { documentId: algorithmDid, serviceId: algorithmServiceId } // a trusted algorithm',
  ]
  if (!paid)
    return [
      ...head,
      'const job = await ProviderInstance.freeComputeStart(',
      '  providerUrl, signer /* your ethers Signer */, environmentId, datasets, algorithm,',
      ')',
    ].join('\n')
  return [
    ...head,
    'const resources = [{ id: "cpu", amount: 1 }]',
    'const init = await ProviderInstance.initializeCompute(',
    '  datasets, algorithm, environmentId, paymentToken, maxJobDurationSec,',
    '  providerUrl, await signer.getAddress(), resources, chainId,',
    ')',
    '// Pay: EscrowContract.verifyFundsForEscrowPayment(init.payment…), then buy one datatoken',
    '// (FixedRateExchange or Dispenser) and Datatoken.startOrder(…, init.datasets[0].providerFee).',
    'const job = await ProviderInstance.computeStart(',
    '  providerUrl, signer, environmentId,',
    '  datasets.map((d, i) => ({ ...d, transferTxId: orderTxs[i] })),',
    '  { ...algorithm, transferTxId: algorithmOrderTx },',
    '  maxJobDurationSec, paymentToken, resources, chainId,',
    ')',
  ].join('\n')
}
