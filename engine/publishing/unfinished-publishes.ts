/**
 * First publishes that stopped before the asset was live (the app closed or crashed mid-publish, a
 * tx failed): what the console shows of them so the publisher resumes one instead of publishing
 * the draft again, which would mint a second NFT. Pure over registry records; the console API's
 * `unfinishedPublishSchema` has the same shape (this layer may not import the contract).
 */
import { isUnfinishedPublish, PENDING_PREFIX, type AssetRecord, type PublishStep } from './asset-registry'

export { isUnfinishedPublish }

export interface UnfinishedPublish {
  /** Registry key: the DID, or `pending:<uuid>` while the NFT's DID is not known here. */
  id: string
  did: string | null
  kind: 'dataset' | 'algorithm'
  name: string
  chainId: number
  stoppedAt: 'create' | 'metadata'
  txStatus: 'none' | PublishStep['status']
  txHash: string | null
  error: string | null
  startedAtMs: number
  updatedAtMs: number
  inProgress: boolean
  notResumable: string | null
}

export function toUnfinishedPublish(
  record: AssetRecord,
  here: { chainId: number; inProgress: boolean },
): UnfinishedPublish {
  const progress = record.publish!
  const create = progress.steps.create
  // Until the create tx is mined the NFT may not exist; after it, the DDO is what is missing.
  const stoppedAt = create?.status === 'mined' ? 'metadata' : 'create'
  const step = stoppedAt === 'create' ? create : progress.steps.metadata
  const notResumable =
    record.chainId !== here.chainId
      ? `It was started on chain ${record.chainId}; this console works on chain ${here.chainId} now.`
      : !progress.draft
        ? 'No draft was recorded with it.'
        : null
  return {
    id: record.did,
    did: record.did.startsWith(PENDING_PREFIX) ? null : record.did,
    kind: record.kind,
    name: progress.draft?.name ?? record.ddo.metadata?.name ?? 'Unnamed asset',
    chainId: record.chainId,
    stoppedAt,
    txStatus: step?.status ?? 'none',
    txHash: step?.hash ?? null,
    error: progress.error ?? null,
    startedAtMs: progress.startedAtMs,
    updatedAtMs: record.updatedAtMs,
    inProgress: here.inProgress,
    notResumable,
  }
}

/**
 * Which unfinished publish the one running publish (the port runs them one at a time) is working
 * on. A new publish writes its pending row itself, so it is the unfinished row that was not there
 * when it began; a resume names its key; both gain the DID once the NFT exists.
 */
export class PublishInFlight {
  private current: { keys: Set<string>; before?: Set<string> } | undefined

  /** Runs `work` marked as the publish in flight; `keys` known ahead (a resume), `before` for a new one. */
  async run<T>(mark: { keys?: string[]; before?: Iterable<string> }, work: () => Promise<T>): Promise<T> {
    this.current = {
      keys: new Set(mark.keys ?? []),
      ...(mark.before ? { before: new Set(mark.before) } : {}),
    }
    try {
      return await work()
    } finally {
      this.current = undefined
    }
  }

  /** The DID learnt from a progress event. */
  learn(did: string | undefined): void {
    if (did) this.current?.keys.add(did)
  }

  has(key: string): boolean {
    const current = this.current
    if (!current) return false
    return current.keys.has(key) || (current.before !== undefined && !current.before.has(key))
  }
}
