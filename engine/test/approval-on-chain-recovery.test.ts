/**
 * Issue 12, an approval on chain interrupted by a stop, on the dev chain with unmodified ocean.js
 * 8.6.2. `approveAccessRequestOnChain` writes its intent before the setMetaData is sent; the state
 * a stop leaves between the tx being sent and the request being marked is reproduced here from a
 * second connection to the console's SQLite file (the intent, as the service writes it first) and
 * the console's own edit path (the same `draftFromRecord` + setMetaData, tx mined, request never
 * marked). Then what the core runs at start, `resumeApprovalsOnChain`, settles it from the chain:
 * the request ends approved with the tx and ocean.js' retry runs. The dev chain lives in this
 * process (EDR keeps no state across a process restart), so the restart is the core's own
 * recovery step rather than a new process.
 */
import { ProviderInstance } from '@oceanprotocol/lib'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AccessRequestsRepo } from '../store/access-requests-repo'
import { openDatabase, type Database } from '../store/database'
import { firstJob, startOceanTestbed, waitForStatus, type OceanTestbed } from './ocean-consumer'

let bed: OceanTestbed
let db: Database

beforeAll(async () => {
  bed = await startOceanTestbed('c2d-approval-recovery-')
  await bed.core.consoleService.createWallet({ password: 'approval test password', confirm: true })
  db = openDatabase({ file: join(bed.core.config.dataDir, 'console.db') })
}, 60_000)
afterAll(async () => {
  db?.close()
  await bed?.core.stop()
  bed?.rpc.destroy()
})

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    return String((error as Error).message)
  }
  throw new Error('the start was accepted')
}

describe('an approval on chain interrupted by a stop', () => {
  it('ends pending with why when no tx was sent, and approved with its tx when the tx landed', async () => {
    const { url, consumer, devChain } = bed
    const consoleApi = bed.core.consoleService
    const dataset = {
      documentId: devChain.samples.dataset.did,
      serviceId: devChain.samples.dataset.serviceId,
    }
    const algorithm = {
      documentId: devChain.samples.algorithm.did,
      serviceId: devChain.samples.algorithm.serviceId,
    }
    const free = (await ProviderInstance.getComputeEnvironments(url)).find((e) => e.free)!
    const start = () => ProviderInstance.freeComputeStart(url, consumer, free.id, [dataset], algorithm)
    // Nothing resumed at this core's start: no approval was in flight.
    expect(await bed.core.approvalsResumed).toEqual([])

    await consoleApi.editAsset({
      did: dataset.documentId,
      changes: { publisherTrustedAlgorithms: [], publisherTrustedAlgorithmPublishers: [] },
      confirm: true,
    })
    const requestId = /request ([0-9a-f]{16})/.exec(await refusal(start()))![1]!
    const { request } = await consoleApi.getAccessRequest({ requestId })
    const entry = {
      did: algorithm.documentId,
      filesChecksum: request.filesChecksum!,
      containerSectionChecksum: request.containerChecksum,
    }
    const repo = new AccessRequestsRepo(db)

    // 1. Stopped after the intent, before any tx: pending again, with why.
    repo.beginOnChain(requestId, entry, Date.now())
    expect((await consoleApi.getAccessRequest({ requestId })).request.onChain).toMatchObject({
      state: 'approving',
      txHash: null,
    })
    const none = await bed.core.resumeApprovalsOnChain()
    expect(none).toEqual([
      { requestId, outcome: 'not-landed', reason: expect.stringMatching(/before .*was sent/) },
    ])
    const dropped = (await consoleApi.getAccessRequest({ requestId })).request
    expect(dropped).toMatchObject({ status: 'pending', approvedTx: null, onChain: { state: 'not-landed' } })

    // 2. A recorded tx that never reached the chain: pending again, naming it.
    repo.beginOnChain(requestId, entry, Date.now())
    const ghost = '0x' + 'ab'.repeat(32)
    repo.recordOnChainTx(requestId, ghost)
    const lost = await bed.core.resumeApprovalsOnChain()
    expect(lost).toEqual([{ requestId, outcome: 'not-landed', reason: expect.stringContaining(ghost) }])
    expect((await consoleApi.getAccessRequest({ requestId })).request.status).toBe('pending')

    // 3. Stopped after the setMetaData was sent (tx hash not yet on the request) and mined.
    repo.beginOnChain(requestId, entry, Date.now() - 1)
    await consoleApi.editAsset({
      did: dataset.documentId,
      changes: { publisherTrustedAlgorithms: [entry.did] },
      confirm: true,
    })
    const stillPending = (await consoleApi.getAccessRequest({ requestId })).request
    expect(stillPending).toMatchObject({ status: 'pending', onChain: { state: 'approving', txHash: null } })

    const resumed = await bed.core.resumeApprovalsOnChain()
    expect(resumed).toEqual([
      { requestId, outcome: 'approved', txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/) },
    ])
    const txHash = (resumed[0] as { txHash: string }).txHash
    const approved = (await consoleApi.getAccessRequest({ requestId })).request
    expect(approved).toMatchObject({ status: 'approved', approvedTx: txHash, onChain: null })
    const receipt = await bed.rpc.getTransactionReceipt(txHash)
    expect(receipt?.status).toBe(1)
    const trail = (await consoleApi.listAuditEvents({ type: 'approval.granted', limit: 100 })).events
    expect(trail.at(-1)?.details).toMatchObject({
      requestId,
      scope: 'on-chain',
      txHash,
      resumedAfterRestart: true,
    })
    // Settled once: a second pass has nothing left.
    expect(await bed.core.resumeApprovalsOnChain()).toEqual([])

    // ocean.js, unmodified, retries and the job runs to 70.
    const job = firstJob(await start())
    const done = await waitForStatus(url, consumer, job.jobId, (j) => j.status === 70)
    expect(done.terminationDetails?.exitCode).toBe(0)
  }, 180_000)
})
