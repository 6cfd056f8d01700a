/**
 * Issue 12, approval inbox, with unmodified ocean.js 8.6.2 against the core: an algorithm the
 * dataset's DDO does not trust is refused with Ocean's 403 naming a pending request; repeated
 * attempts collapse into it; a node-only approval for consumer A lets A's retry run while B is
 * still refused; a denial's reason reaches the consumer's next attempt.
 */
import { ProviderInstance } from '@oceanprotocol/lib'
import { Wallet } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { firstJob, startOceanTestbed, waitForStatus, type OceanTestbed } from './ocean-consumer'

let bed: OceanTestbed

beforeAll(async () => {
  bed = await startOceanTestbed('c2d-approvals-')
  // The publisher trusts nothing on the sample dataset's compute service (registry record only).
  const record = bed.core.assets.get(bed.devChain.samples.dataset.did)!
  for (const service of record.ddo.services)
    if (service.type === 'compute') {
      service.compute.publisherTrustedAlgorithms = []
      service.compute.publisherTrustedAlgorithmPublishers = []
    }
  bed.core.assets.upsert(record)
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

describe('approval inbox', () => {
  it('records a pending request, approves node-only for one consumer, and denies with a reason', async () => {
    const { url, consumer, devChain } = bed
    const consoleApi = bed.core.consoleService
    const free = (await ProviderInstance.getComputeEnvironments(url)).find((e) => e.free)!
    const dataset = {
      documentId: devChain.samples.dataset.did,
      serviceId: devChain.samples.dataset.serviceId,
    }
    const algorithm = {
      documentId: devChain.samples.algorithm.did,
      serviceId: devChain.samples.algorithm.serviceId,
    }
    const other = Wallet.createRandom()
    const start = (who: typeof consumer | typeof other) =>
      ProviderInstance.freeComputeStart(url, who as never, free.id, [dataset], algorithm)

    const first = await refusal(start(consumer))
    expect(first).toMatch(/awaiting the publisher's approval, request ([0-9a-f]{16})/)
    const requestId = /request ([0-9a-f]{16})/.exec(first)![1]!
    expect(await refusal(start(consumer))).toContain(requestId)
    expect(await refusal(start(other))).toContain(requestId)

    const pending = await consoleApi.listAccessRequests({ status: 'pending' })
    expect(pending.requests).toHaveLength(1)
    const request = pending.requests[0]!
    expect(request).toMatchObject({
      id: requestId,
      datasetDid: dataset.documentId,
      serviceId: dataset.serviceId,
      algorithmDid: algorithm.documentId,
      container: { image: 'node' },
    })
    expect(request.filesChecksum).toMatch(/^[0-9a-f]{64}$/)
    expect(request.consumers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ consumer: consumer.address.toLowerCase(), attempts: 2 }),
        expect.objectContaining({ consumer: other.address.toLowerCase(), attempts: 1 }),
      ]),
    )

    await expect(consoleApi.approveAccessRequest({ requestId: 'nope', confirm: true })).rejects.toMatchObject(
      { code: 'ACCESS_REQUEST_NOT_FOUND' },
    )
    const approved = await consoleApi.approveAccessRequest({
      requestId,
      consumer: consumer.address,
      untilMs: Date.now() + 3_600_000,
      confirm: true,
    })
    expect(approved.request.status).toBe('approved')

    const job = firstJob(await start(consumer))
    const done = await waitForStatus(url, consumer, job.jobId, (j) => j.status === 70)
    expect(done.terminationDetails?.exitCode).toBe(0)
    expect(await refusal(start(other))).toContain(`awaiting the publisher's approval, request ${requestId}`)

    // Revoking the node-only approval: the consumer's next attempt waits for the publisher again.
    await expect(consoleApi.revokeNodeApproval({ policyId: 'nope', confirm: true })).rejects.toMatchObject({
      code: 'ACCESS_REQUEST_NOT_FOUND',
    })
    const revoked = await consoleApi.revokeNodeApproval({
      policyId: approved.request.policies[0]!.id,
      confirm: true,
    })
    expect(revoked.request).toMatchObject({ status: 'pending', policies: [] })
    expect(await refusal(start(consumer))).toContain(
      `awaiting the publisher's approval, request ${requestId}`,
    )

    await consoleApi.denyAccessRequest({ requestId, reason: 'exports raw rows' })
    const denied = await refusal(start(consumer))
    expect(denied).toContain('exports raw rows')
    expect(denied).toContain(requestId)
    expect(await refusal(start(other))).toContain('exports raw rows')

    const trail = (await consoleApi.listAuditEvents({ limit: 1000 })).events
    expect(trail.map((e) => e.type)).toEqual(
      expect.arrayContaining(['approval.granted', 'approval.revoked', 'approval.denied']),
    )
    expect(trail.filter((e) => e.details.errorCode === 'ALGORITHM_DENIED')).toHaveLength(2)
  }, 120_000)

  it("enforces the DDO's credentials allow and deny lists before the trust check", async () => {
    const { url, consumer, devChain } = bed
    const free = (await ProviderInstance.getComputeEnvironments(url)).find((e) => e.free)!
    const dataset = {
      documentId: devChain.samples.dataset.did,
      serviceId: devChain.samples.dataset.serviceId,
    }
    const algorithm = {
      documentId: devChain.samples.algorithm.did,
      serviceId: devChain.samples.algorithm.serviceId,
    }
    const setCredentials = (credentials: unknown) => {
      const record = bed.core.assets.get(dataset.documentId)!
      ;(record.ddo as { credentials?: unknown }).credentials = credentials
      bed.core.assets.upsert(record)
    }
    const start = () => ProviderInstance.freeComputeStart(url, consumer, free.id, [dataset], algorithm)

    setCredentials({ allow: [], deny: [{ type: 'address', values: [consumer.address] }] })
    expect(await refusal(start())).toMatch(/is on the deny list of/)
    setCredentials({ allow: [{ type: 'address', values: [Wallet.createRandom().address] }], deny: [] })
    expect(await refusal(start())).toMatch(/is not on the allow list of/)
    const trail = (await bed.core.consoleService.listAuditEvents({ type: 'access.refused', limit: 1000 }))
      .events
    expect(trail.map((e) => e.details.errorCode)).toEqual(
      expect.arrayContaining(['CREDENTIALS_DENIED', 'CREDENTIALS_NOT_ALLOWED']),
    )
    setCredentials(undefined)
  }, 60_000)
})
