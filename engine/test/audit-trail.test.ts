/**
 * Issue 12, audit trail, with unmodified ocean.js 8.6.2 against the core as `npm run serve` starts
 * it: every start (accepted or refused, and why) and every result download is a chained row;
 * console configuration changes are rows; the export's head hash is signed by the Provider key.
 */
import { ProviderInstance } from '@oceanprotocol/lib'
import { verifyMessage } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collect, firstJob, startOceanTestbed, waitForStatus, type OceanTestbed } from './ocean-consumer'

let bed: OceanTestbed

beforeAll(async () => {
  bed = await startOceanTestbed('c2d-audit-')
}, 60_000)
afterAll(async () => {
  await bed?.core.stop()
  bed?.rpc.destroy()
})

describe('audit trail', () => {
  it('records accepted and refused starts, downloads and config changes, and signs the export head', async () => {
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

    await expect(
      ProviderInstance.freeComputeStart(url, consumer, 'no-such-env', [dataset], algorithm),
    ).rejects.toThrow()
    const started = firstJob(
      await ProviderInstance.freeComputeStart(url, consumer, free.id, [dataset], algorithm),
    )
    const done = await waitForStatus(url, consumer, started.jobId, (j) => j.status === 70)
    const log = done.results.find((r) => r.type === 'algorithmLog')!
    const bytes = await collect(
      await ProviderInstance.getComputeResult(url, consumer, started.jobId, log.index!),
    )

    const env = (await consoleApi.listEnvironments({})).environments.find((e) => e.id === free.id)!
    const { running: _r, queued: _q, ...plain } = env
    await consoleApi.saveEnvironment({ environment: { ...plain, description: 'audited change' } })

    const me = consumer.address.toLowerCase()
    const refused = await consoleApi.listAuditEvents({ type: 'access.refused', limit: 500 })
    expect(refused.events).toHaveLength(1)
    expect(refused.events[0]).toMatchObject({
      actor: me,
      details: {
        endpoint: 'freeStartCompute',
        status: 404,
        errorCode: 'ENVIRONMENT_UNKNOWN',
        environment: 'no-such-env',
      },
    })
    const accepted = await consoleApi.listAuditEvents({ type: 'access.accepted', limit: 500 })
    expect(accepted.events.map((e) => e.subject)).toEqual([started.jobId])
    const downloads = await consoleApi.listAuditEvents({
      type: 'result.downloaded',
      subject: started.jobId,
      limit: 500,
    })
    expect(downloads.events[0]?.details).toMatchObject({ index: log.index, bytes: bytes.length, status: 200 })
    expect(downloads.events[0]?.actor).toBe(me)
    const config = await consoleApi.listAuditEvents({ type: 'config.changed', limit: 500 })
    expect(config.events.at(-1)).toMatchObject({ actor: 'publisher', subject: free.id })
    // Nothing secret reaches the trail: no signature, nonce or dataset URL.
    const all = JSON.stringify((await consoleApi.listAuditEvents({ limit: 10_000 })).events)
    expect(all).not.toMatch(/signature|nonce|https?:\/\//i)

    expect(await consoleApi.verifyAudit({})).toMatchObject({ ok: true })
    const exported = await consoleApi.exportAudit({ format: 'jsonl' })
    expect(exported.text.trim().split('\n').length).toBe(exported.head.seq)
    expect(exported.message).toBe(`c2d-audit-head:${exported.head.seq}:${exported.head.hash}`)
    expect(verifyMessage(exported.message, exported.signature)).toBe(bed.core.chain?.nodeSigner()?.address)
    expect(exported.signer).toBe(bed.core.chain?.nodeSigner()?.address)
  }, 120_000)
})
