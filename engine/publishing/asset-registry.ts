/**
 * The console's asset registry (spec §13 "what the desktop console must own"): DID → NFT,
 * datatoken, DDO and the plain file sources of each service, for the assets this console
 * publishes. The Provider reads it to validate compute (trust, state, orders); Ocean Node gets the
 * same facts from its indexer. Rows live in the `assets` table (store/assets-repo.ts).
 *
 * An asset whose first publish has not reached the chain yet (`publish.op === 'publish'` and not
 * done) is invisible to `get`/`list` unless asked for: consumers must never be served a DDO that
 * is not on chain.
 */
import type { Clock } from '../clock'
import type { Database } from '../store/database'
import { AssetsRepo, type AssetRow } from '../store/assets-repo'
import type { AssetDraft, Ddo, FileSource } from './ddo'

/** `nft.state` values (ERC721Template `setMetaDataState`); anything but 0 refuses compute. */
export const ASSET_STATE = {
  active: 0,
  endOfLife: 1,
  deprecated: 2,
  revoked: 3,
  orderingDisabled: 4,
  unlisted: 5,
} as const
export type AssetState = (typeof ASSET_STATE)[keyof typeof ASSET_STATE]

/** One on-chain step of a publish/edit: the tx hash is written before the tx is broadcast. */
export interface PublishStep {
  hash: string
  /** The signed raw tx, so a crash between "recorded" and "broadcast" can resend the same tx. */
  raw?: string
  status: 'signed' | 'mined' | 'failed'
}

export interface PublishProgress {
  op: 'publish' | 'edit' | 'state'
  startedAtMs: number
  steps: Partial<Record<'create' | 'metadata' | 'state' | 'mint' | 'dispenser' | 'fixedRate', PublishStep>>
  done: boolean
  error?: string
  /** The draft of a publish, so a resume can rebuild the DDO once the NFT exists. */
  draft?: AssetDraft
  /**
   * A dataset publish's allowed compute environments (the dataset policy's `environments`),
   * written with the draft before the first tx so that a crash cannot lose the choice.
   */
  environments?: string[]
  /** True once the dataset policy holds `environments`: applied before setMetaData is signed. */
  environmentsApplied?: boolean
}

export interface AssetRecord {
  did: string
  kind: 'dataset' | 'algorithm'
  chainId: number
  nftAddress: string
  datatokenAddress: string
  /** nft.state: 0 active; others refuse compute. */
  state: number
  /** The public DDO (v4.x, services[] with type 'compute'). */
  ddo: Ddo
  /** serviceId → plain file sources; never sent to consumers. */
  files: Record<string, FileSource[]>
  createdAtMs: number
  updatedAtMs: number
  /** Progress of the last on-chain operation (additive to the brief's interface). */
  publish?: PublishProgress
  /** Found by the chain indexer: published outside the console (not the console wallet's NFT). */
  publishedElsewhere?: { publisher: string }
}

export interface AssetFilter {
  kind?: 'dataset' | 'algorithm'
  chainId?: number
  /** Also list assets whose first publish has not finished (the console's own views). */
  includeUnfinished?: boolean
}

/** Prefix of the registry key of a publish that has no NFT (hence no DID) yet. */
export const PENDING_PREFIX = 'pending:'

/** A first publish not done: hidden from consumers, and resumable from its recorded progress. */
export function isUnfinishedPublish(record: Pick<AssetRecord, 'publish'>): boolean {
  return record.publish?.op === 'publish' && !record.publish.done
}

function isLive(record: AssetRecord): boolean {
  return !record.did.startsWith(PENDING_PREFIX) && !isUnfinishedPublish(record)
}

export class AssetRegistry {
  private readonly repo: AssetsRepo

  constructor(
    db: Database,
    private readonly clock: Clock,
  ) {
    this.repo = new AssetsRepo(db)
  }

  get(did: string, options: { includeUnfinished?: boolean } = {}): AssetRecord | undefined {
    const row = this.repo.get(did)
    if (!row) return undefined
    const record = toRecord(row)
    return options.includeUnfinished || isLive(record) ? record : undefined
  }

  list(filter: AssetFilter = {}): AssetRecord[] {
    return this.repo
      .list()
      .map(toRecord)
      .filter(
        (r) =>
          (filter.includeUnfinished || isLive(r)) &&
          (!filter.kind || r.kind === filter.kind) &&
          (filter.chainId === undefined || r.chainId === filter.chainId),
      )
  }

  upsert(record: AssetRecord): void {
    this.repo.upsert(toRow(record))
  }

  remove(did: string): void {
    this.repo.remove(did)
  }

  setState(did: string, state: number): void {
    this.repo.setState(did, state, this.clock.nowMs())
  }

  setPublishProgress(did: string, progress: PublishProgress | undefined): void {
    this.repo.setPublishJson(did, progress ? JSON.stringify(progress) : null, this.clock.nowMs())
  }

  /** Moves a pending publish to its DID once the NFT exists. */
  rekey(fromKey: string, record: AssetRecord): void {
    this.repo.rekey(fromKey, toRow(record))
  }
}

function toRecord(row: AssetRow): AssetRecord {
  return {
    did: row.did,
    kind: row.kind,
    chainId: row.chainId,
    nftAddress: row.nftAddress,
    datatokenAddress: row.datatokenAddress,
    state: row.state,
    ddo: JSON.parse(row.ddoJson) as Ddo,
    files: JSON.parse(row.filesJson) as Record<string, FileSource[]>,
    createdAtMs: row.createdAtMs,
    updatedAtMs: row.updatedAtMs,
    ...(row.publishJson ? { publish: JSON.parse(row.publishJson) as PublishProgress } : {}),
    ...(row.publishedElsewhereJson
      ? { publishedElsewhere: JSON.parse(row.publishedElsewhereJson) as { publisher: string } }
      : {}),
  }
}

function toRow(record: AssetRecord): AssetRow {
  return {
    did: record.did,
    kind: record.kind,
    chainId: record.chainId,
    nftAddress: record.nftAddress,
    datatokenAddress: record.datatokenAddress,
    state: record.state,
    ddoJson: JSON.stringify(record.ddo),
    filesJson: JSON.stringify(record.files),
    publishJson: record.publish ? JSON.stringify(record.publish) : null,
    publishedElsewhereJson: record.publishedElsewhere ? JSON.stringify(record.publishedElsewhere) : null,
    createdAtMs: record.createdAtMs,
    updatedAtMs: record.updatedAtMs,
  }
}
