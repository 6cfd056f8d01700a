/**
 * Issue 12, approval on chain, with unmodified ocean.js 8.6.2 against the core on the dev chain:
 * the publisher untrusts the sample algorithm on chain (editAsset), ocean.js is refused with a
 * pending request, the console API approves it on chain (setMetaData through the same edit path,
 * progress and tx on onPublishProgress, confirmed on the receipt) and ocean.js' retry runs to 70.
 * The inbox's view of the request shows the algorithm's DDO and its code.
 */
import { ProviderInstance } from '@oceanprotocol/lib'
import { Interface } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadAbi } from '../chain/contracts'
import type { EventPayload } from '../console-api/contract'
import { firstJob, startOceanTestbed, waitForStatus, type OceanTestbed } from './ocean-consumer'

let bed: OceanTestbed

beforeAll(async () => {
  bed = await startOceanTestbed('c2d-approval-on-chain-')
  // Editing on chain needs the publisher's wallet unlocked (the dev deployer pays its gas).
  await bed.core.consoleService.createWallet({ password: 'approval test password', confirm: true })
}, 60_000)
afterAll(async () => {
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

interface ServedDdo {
  services: Array<{
    id: string
    compute: {
      publisherTrustedAlgorithms: Array<{
        did: string
        filesChecksum: string
        containerSectionChecksum: string
      }>
    }
  }>
}

describe('approval on chain from the inbox', () => {
  it('refuses an untrusted algorithm, approves it on chain through the console API, and the retry runs', async () => {
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

    // The publisher trusts nothing on chain to begin with.
    const untrusted = await consoleApi.editAsset({
      did: dataset.documentId,
      changes: { publisherTrustedAlgorithms: [], publisherTrustedAlgorithmPublishers: [] },
      confirm: true,
    })
    expect(untrusted.publisherTrustedAlgorithms).toEqual([])
    const first = await refusal(start())
    expect(first).toMatch(/awaiting the publisher's approval, request ([0-9a-f]{16})/)
    const requestId = /request ([0-9a-f]{16})/.exec(first)![1]!

    // The inbox shows the algorithm's DDO and code (the sample algorithm is held by this console).
    const { request, algorithm: shown } = await consoleApi.getAccessRequest({ requestId })
    expect(request.status).toBe('pending')
    expect(shown.ddo).toMatchObject({ id: algorithm.documentId })
    expect(shown.code.length).toBeGreaterThan(0)
    expect(shown.code[0]!.text).toBeTruthy()
    expect(shown.filesChecksumNow).toBe(request.filesChecksum)
    expect(shown.matchesRequest).toBe(true)

    const progress: Array<EventPayload<'onPublishProgress'>> = []
    // What the inbox held when the setMetaData was about to be signed (read synchronously then).
    const atSigning: Array<ReturnType<typeof consoleApi.listAccessRequests>> = []
    const unsubscribe = consoleApi.subscribe('onPublishProgress', (e) => {
      progress.push(e)
      if (e.step === 'metadata' && e.status === 'started') atSigning.push(consoleApi.listAccessRequests({}))
    })
    const approved = await consoleApi.approveAccessRequestOnChain({ requestId, confirm: true })
    unsubscribe()
    // The intent was written before the tx was sent, so a stop from there on is finished at start.
    expect(atSigning).toHaveLength(1)
    const before = (await atSigning[0]!).requests.find((r) => r.id === requestId)
    expect(before).toMatchObject({ status: 'pending', onChain: { state: 'approving', txHash: null } })
    expect(approved.request.onChain).toBeNull()
    expect(approved.txHash).toMatch(/^0x[0-9a-f]{64}$/)
    expect(approved.request).toMatchObject({ id: requestId, status: 'approved', approvedTx: approved.txHash })
    // Progress streamed with the tx, for the dataset.
    const metadata = progress.filter((e) => e.did === dataset.documentId && e.step === 'metadata')
    expect(metadata.map((e) => e.status)).toEqual(expect.arrayContaining(['sent', 'mined']))
    expect(metadata.find((e) => e.status === 'mined')?.txHash).toBe(approved.txHash)

    // The chain's own record: a mined tx with the NFT's MetadataUpdated event.
    const receipt = await bed.rpc.getTransactionReceipt(approved.txHash)
    expect(receipt?.status).toBe(1)
    expect(receipt?.blockNumber).toBe(approved.blockNumber)
    const nft = new Interface(loadAbi('ERC721Template'))
    const events = receipt!.logs.map((l) => nft.parseLog({ topics: [...l.topics], data: l.data })?.name)
    expect(events).toContain('MetadataUpdated')
    // The DDO the Provider serves trusts the algorithm with the request's checksums.
    const served = (await (
      await fetch(`${url}/api/aquarius/assets/ddo/${dataset.documentId}`)
    ).json()) as ServedDdo
    expect(
      served.services.find((s) => s.id === dataset.serviceId)!.compute.publisherTrustedAlgorithms,
    ).toEqual([
      {
        did: algorithm.documentId,
        filesChecksum: request.filesChecksum,
        containerSectionChecksum: request.containerChecksum,
      },
    ])

    // ocean.js, unmodified, retries and the job runs to 70.
    const job = firstJob(await start())
    const done = await waitForStatus(url, consumer, job.jobId, (j) => j.status === 70)
    expect(done.terminationDetails?.exitCode).toBe(0)
    // No node-only policy was needed: the DDO itself trusts it.
    expect((await consoleApi.getAccessRequest({ requestId })).request.policies).toEqual([])

    await expect(consoleApi.approveAccessRequestOnChain({ requestId, confirm: true })).rejects.toMatchObject({
      code: 'ACCESS_REQUEST_DECIDED',
    })
    await expect(
      consoleApi.denyAccessRequest({ requestId, reason: 'changed my mind' }),
    ).rejects.toMatchObject({
      code: 'ACCESS_REQUEST_DECIDED',
    })
    const trail = (await consoleApi.listAuditEvents({ type: 'approval.granted', limit: 100 })).events
    expect(trail.at(-1)?.details).toMatchObject({ requestId, scope: 'on-chain', txHash: approved.txHash })
  }, 180_000)
})
