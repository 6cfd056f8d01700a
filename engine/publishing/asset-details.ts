/**
 * An asset's public facts for the console's asset page, and the draft an edit sends: the stored
 * DDO plus the publisher's changes, with the files kept exactly as published (their URLs never
 * cross the console API, so the UI cannot send them back). Pure: no chain, no store.
 *
 * Publishing layer: never provider, operator-* or console-api (shapes are matched structurally).
 */
import type { AssetRecord } from './asset-registry'
import type { AssetDraft, TrustedAlgorithm } from './ddo'
import type { PresenceCache } from './on-chain-presence'
import { toAssetSummary, type AssetSummary } from './start-publishing'

export interface AssetDetails {
  ddo?: Record<string, unknown>
  asset: AssetSummary
  description: string
  author: string
  license: string
  serviceId: string | null
  serviceEndpoint: string | null
  timeoutSec: number
  fileCount: number
  allowRawAlgorithm: boolean
  allowNetworkAccess: boolean
  publisherTrustedAlgorithmPublishers: string[]
  publisherTrustedAlgorithms: Array<{ did: string; filesChecksum: string; containerSectionChecksum: string }>
  container: { image: string; tag: string; entrypoint: string; checksum: string } | null
}

/** What an edit may change (console-api/contract.ts `assetChangesSchema`). */
export interface AssetChanges {
  name?: string
  description?: string
  timeoutSec?: number
  allowRawAlgorithm?: boolean
  allowNetworkAccess?: boolean
  publisherTrustedAlgorithmPublishers?: string[]
  /** DIDs: an entry already trusted keeps its pinned checksums; a new one is pinned by the publisher. */
  publisherTrustedAlgorithms?: string[]
  /**
   * The approval inbox's "trust it on chain" (engine only; not in the console's editAsset schema):
   * this algorithm with exactly these checksums, replacing an entry of the same DID (whose code
   * changed) or added after the others.
   */
  trustAlgorithm?: TrustedAlgorithm
}

export function toAssetDetails(record: AssetRecord, presence?: PresenceCache): AssetDetails {
  const service = record.ddo.services[0]
  const container = record.ddo.metadata.algorithm?.container
  return {
    asset: toAssetSummary(record, presence),
    description: record.ddo.metadata.description ?? '',
    author: record.ddo.metadata.author ?? '',
    license: record.ddo.metadata.license ?? '',
    serviceId: service?.id ?? null,
    serviceEndpoint: service?.serviceEndpoint ?? null,
    timeoutSec: service?.timeout ?? 0,
    fileCount: service ? (record.files[service.id]?.length ?? 0) : 0,
    allowRawAlgorithm: service?.compute.allowRawAlgorithm ?? false,
    allowNetworkAccess: service?.compute.allowNetworkAccess ?? false,
    publisherTrustedAlgorithmPublishers: service?.compute.publisherTrustedAlgorithmPublishers ?? [],
    publisherTrustedAlgorithms: service?.compute.publisherTrustedAlgorithms ?? [],
    container: container
      ? {
          image: container.image,
          tag: container.tag,
          entrypoint: container.entrypoint,
          checksum: container.checksum ?? '',
        }
      : null,
    // Public as it is: what Aquarius serves; the files inside are ECIES-encrypted for the node.
    ddo: record.ddo as unknown as Record<string, unknown>,
  }
}

/** The stored asset as a draft, with `changes` applied; files and container as published. */
export function draftFromRecord(record: AssetRecord, changes: AssetChanges): AssetDraft {
  const details = toAssetDetails(record)
  const pinned = new Map(details.publisherTrustedAlgorithms.map((t) => [t.did, t]))
  const listed =
    changes.publisherTrustedAlgorithms?.map(
      (did) => pinned.get(did) ?? { did, filesChecksum: '', containerSectionChecksum: '' },
    ) ?? details.publisherTrustedAlgorithms
  const add = changes.trustAlgorithm
  const trusted = add
    ? listed.some((t) => t.did === add.did)
      ? listed.map((t) => (t.did === add.did ? { ...add } : t))
      : [...listed, { ...add }]
    : listed
  return {
    kind: record.kind,
    name: changes.name ?? details.asset.name,
    description: changes.description ?? details.description,
    author: details.author,
    license: details.license,
    ...(record.ddo.metadata.tags ? { tags: record.ddo.metadata.tags } : {}),
    ...(details.container ? { container: details.container } : {}),
    ...(record.ddo.metadata.algorithm?.language ? { language: record.ddo.metadata.algorithm.language } : {}),
    service: {
      ...(details.serviceId ? { serviceId: details.serviceId } : {}),
      files: details.serviceId ? (record.files[details.serviceId] ?? []) : [],
      timeoutSec: changes.timeoutSec ?? details.timeoutSec,
      allowRawAlgorithm: changes.allowRawAlgorithm ?? details.allowRawAlgorithm,
      allowNetworkAccess: changes.allowNetworkAccess ?? details.allowNetworkAccess,
      publisherTrustedAlgorithmPublishers:
        changes.publisherTrustedAlgorithmPublishers ?? details.publisherTrustedAlgorithmPublishers,
      publisherTrustedAlgorithms: trusted,
    },
  }
}
