// The publish wizard's form state and the AssetDraft it becomes (pure, so it is tested alone), and
// which step owns which field, so a validation issue sends the publisher to the step with the field.
import type { AssetDraft } from '../../../../engine/console-api/contract'

export interface WizardState {
  kind: 'dataset' | 'algorithm'
  name: string
  description: string
  file: string
  headers: string
  image: string
  tag: string
  entrypoint: string
  timeoutSec: number | string
  allowNetworkAccess: boolean
  allowRawAlgorithm: boolean
  /** DIDs picked from the published algorithms. */
  trustedAlgorithms: string[]
  trustedPublishers: string[]
  pricing: 'free' | 'fixed' | 'later'
  price: string
}

export const INITIAL_WIZARD: WizardState = {
  kind: 'dataset',
  name: '',
  description: '',
  file: '',
  headers: '',
  image: 'python',
  tag: '3.12-slim',
  entrypoint: 'python $ALGO',
  timeoutSec: 0,
  allowNetworkAccess: false,
  allowRawAlgorithm: false,
  trustedAlgorithms: [],
  trustedPublishers: [],
  pricing: 'free',
  price: '1',
}

/** "Name: value" lines → headers; lines without a colon are ignored. */
export function parseHeaders(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l.includes(':'))
      .map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]),
  )
}

export function toDraft(state: WizardState): AssetDraft {
  const file = state.file.trim()
  return {
    kind: state.kind,
    name: state.name.trim(),
    description: state.description.trim(),
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
      files: file
        ? [
            /^https?:\/\//.test(file)
              ? { type: 'url' as const, url: file, headers: parseHeaders(state.headers) }
              : { type: 'local' as const, path: file },
          ]
        : [],
      timeoutSec: typeof state.timeoutSec === 'number' ? state.timeoutSec : Number(state.timeoutSec) || 0,
      allowRawAlgorithm: state.kind === 'dataset' && state.allowRawAlgorithm,
      allowNetworkAccess: state.allowNetworkAccess,
      publisherTrustedAlgorithmPublishers: state.kind === 'dataset' ? state.trustedPublishers : [],
      // The engine pins each algorithm's checksums from its own DDO at publish time.
      publisherTrustedAlgorithms:
        state.kind === 'dataset'
          ? state.trustedAlgorithms.map((did) => ({ did, filesChecksum: '', containerSectionChecksum: '' }))
          : [],
    },
  }
}

/** The step (0-based) whose form holds the field at `path` ("service.files.0.url" → 0). */
export function stepOfField(path: string): number {
  const p = path.replace(/^draft\./, '')
  if (
    p === 'name' ||
    p === 'description' ||
    p === 'kind' ||
    p.startsWith('container') ||
    p.startsWith('service.files')
  )
    return 0
  return 1
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
  return p
}

/** ocean.js for a consumer: start a free compute job on this dataset (the "share" snippet). */
export function consumerSnippet(did: string, providerUrl: string): string {
  return [
    "import { Aquarius, ProviderInstance } from '@oceanprotocol/lib'",
    '',
    `const providerUrl = '${providerUrl}'`,
    '// This Provider also answers the Aquarius DDO routes.',
    `const dataset = await new Aquarius(providerUrl).resolve('${did}')`,
    'const [environment] = await ProviderInstance.getComputeEnvironments(providerUrl)',
    'const job = await ProviderInstance.freeComputeStart(',
    '  providerUrl,',
    '  signer, // your ethers Signer',
    '  environment.id,',
    '  [{ documentId: dataset.id, serviceId: dataset.services[0].id }],',
    '  { documentId: algorithmDid, serviceId: algorithmServiceId }, // a trusted algorithm',
    ')',
  ].join('\n')
}
