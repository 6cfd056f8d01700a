/**
 * Finishes approvals on chain a stop interrupted (issue 12). `approveAccessRequestOnChain` writes
 * its intent (access-requests-repo `beginOnChain`) before the setMetaData is sent; at start, each
 * request still `approving` is settled from the chain alone, the way trust-on-chain.ts confirms a
 * live approval:
 * - its tx (recorded on the request, else the dataset's recorded edit begun after the intent) is
 *   mined with the NFT's MetadataUpdated and a DDO that trusts the algorithm with the pinned
 *   checksums → the request is approved with that tx (and the registry takes that DDO if the stop
 *   came before it was stored);
 * - no such tx reached the chain, or it does not trust it → the request stays pending, and its
 *   attempt says why (`not-landed`);
 * - the chain cannot be read now → left `approving` for the next start.
 *
 * Publishing layer: chain, store; never provider, operator-* or console-api.
 */
import type { BaseWallet, Provider } from 'ethers'
import { isC2dError } from '../c2d-error'
import type { Clock } from '../clock'
import type { Logger } from '../logging'
import type { AccessRequest, AccessRequestsRepo } from '../store/access-requests-repo'
import type { AssetRegistry } from './asset-registry'
import { confirmTrustedOnChain } from './trust-on-chain'

export interface ApprovalRecoveryDeps {
  requests: AccessRequestsRepo
  registry: AssetRegistry
  rpc: Pick<Provider, 'getTransactionReceipt' | 'getTransaction' | 'waitForTransaction'>
  nodeKey: Pick<BaseWallet, 'privateKey'>
  clock: Clock
  logger: Logger
  /** The audit row of an approval on chain finished here. */
  onApproved(request: AccessRequest, txHash: string, blockNumber: number): void
  waitTimeoutMs?: number
}

export type ApprovalRecoveryOutcome =
  | { requestId: string; outcome: 'approved'; txHash: string }
  | { requestId: string; outcome: 'not-landed'; reason: string }
  | { requestId: string; outcome: 'left'; reason: string }

export async function resumeApprovalsOnChain(deps: ApprovalRecoveryDeps): Promise<ApprovalRecoveryOutcome[]> {
  const out: ApprovalRecoveryOutcome[] = []
  for (const request of deps.requests.approvingOnChain()) {
    const attempt = request.onChain!
    const drop = (reason: string) => {
      deps.requests.dropOnChain(request.id, reason, deps.clock.nowMs())
      deps.logger.warn('approval on chain not finished after a restart', { requestId: request.id, reason })
      out.push({ requestId: request.id, outcome: 'not-landed', reason })
    }
    const record = deps.registry.get(request.datasetDid)
    const progress = record?.publish
    const recordedEdit =
      progress?.op === 'edit' && progress.startedAtMs >= attempt.startedAtMs
        ? progress.steps.metadata?.hash
        : undefined
    const txHash = attempt.txHash ?? recordedEdit
    if (!record || !txHash) {
      drop(
        record
          ? 'The console stopped before the approval’s setMetaData was sent; nothing changed on chain. Approve again.'
          : `The dataset ${request.datasetDid} is no longer in this console.`,
      )
      continue
    }
    try {
      if (!(await deps.rpc.getTransactionReceipt(txHash))) {
        if (!(await deps.rpc.getTransaction(txHash))) {
          drop(
            `The approval’s setMetaData tx ${txHash} never reached the chain before the console stopped; nothing changed on chain. Approve again.`,
          )
          continue
        }
        await deps.rpc.waitForTransaction(txHash, 1, deps.waitTimeoutMs ?? 120_000)
      }
      const { blockNumber, ddo } = await confirmTrustedOnChain({
        rpc: deps.rpc,
        txHash,
        nftAddress: record.nftAddress,
        serviceId: request.serviceId,
        entry: attempt.entry,
        nodeKey: deps.nodeKey,
      })
      // The stop may have come between the mined tx and the registry write of the edit.
      if (progress?.op === 'edit' && !progress.done && progress.steps.metadata?.hash === txHash)
        deps.registry.upsert({
          ...record,
          ddo,
          updatedAtMs: deps.clock.nowMs(),
          publish: { ...progress, done: true },
        })
      const approved = deps.requests.approveOnChain(request.id, txHash, deps.clock.nowMs())
      deps.onApproved(approved, txHash, blockNumber)
      out.push({ requestId: request.id, outcome: 'approved', txHash })
    } catch (error) {
      if (isC2dError(error) && error.code === 'TRUST_NOT_CONFIRMED') {
        drop(error.message)
        continue
      }
      const reason = error instanceof Error ? error.message : String(error)
      deps.logger.warn('approval on chain left for the next start', { requestId: request.id, reason })
      out.push({ requestId: request.id, outcome: 'left', reason })
    }
  }
  return out
}
