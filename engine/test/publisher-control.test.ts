/**
 * Issue 12 with unmodified ocean.js 8.x against the core on the dev chain: signed receipts served
 * as receipt.json after the existing result indices and verified on the downloaded bytes (and
 * refused after one byte changes); a publisher-review dataset whose job ocean.js polls at 60
 * ("Awaiting the publisher's review") with nothing downloadable until the console releases it;
 * a rejection serving only the configuration log, and a paid rejection releasing the escrow lock;
 * the console's per-dataset deny/allow lists and quotas with their error codes.
 */
import { ProviderInstance } from '@oceanprotocol/lib'
import { Contract, Wallet } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyJobReceipt } from '../chain/job-receipt'
import { loadAbi } from '../chain/contracts'
import type { DatasetPolicyInput } from '../console-api/contract'
import { datasetPolicySchema } from '../console-api/contract'
import {
  collect,
  firstJob,
  fundEscrow,
  paidEnvironment,
  runPaidStart,
  startOceanTestbed,
  startOrder,
  waitForStatus,
  type OceanTestbed,
} from './ocean-consumer'

let bed: OceanTestbed

beforeAll(async () => {
  bed = await startOceanTestbed('c2d-publisher-control-')
}, 60_000)
afterAll(async () => {
  await bed?.core.stop()
  bed?.rpc.destroy()
})

const dataset = () => ({
  documentId: bed.devChain.samples.dataset.did,
  serviceId: bed.devChain.samples.dataset.serviceId,
})
const algorithm = () => ({
  documentId: bed.devChain.samples.algorithm.did,
  serviceId: bed.devChain.samples.algorithm.serviceId,
})
async function freeEnv(): Promise<string> {
  return (await ProviderInstance.getComputeEnvironments(bed.url)).find((e) => e.free)!.id
}
async function freeStart(signer: Wallet = bed.consumer) {
  return firstJob(
    await ProviderInstance.freeComputeStart(bed.url, signer, await freeEnv(), [dataset()], algorithm()),
  )
}
async function setPolicy(policy: DatasetPolicyInput) {
  await bed.core.consoleService.setDatasetPolicy({
    did: dataset().documentId,
    policy: datasetPolicySchema.parse(policy),
  })
}
async function download(jobId: string, index: number): Promise<Buffer> {
  return collect(await ProviderInstance.getComputeResult(bed.url, bed.consumer, jobId, index))
}
async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    return String((error as Error).message)
  }
  throw new Error('the request was accepted')
}
const withReceipt = (j: { status: number; results: Array<{ type: string }> }) =>
  j.status === 70 && j.results.some((r) => r.type === ('receipt' as never))

describe('signed job receipts', () => {
  it('serves receipt.json after the existing indices and verifies it on the downloaded bytes', async () => {
    await setPolicy({})
    const started = await freeStart()
    const done = await waitForStatus(bed.url, bed.consumer, started.jobId, withReceipt)
    const types = done.results.map((r) => r.type as string)
    expect(types[types.length - 1]).toBe('receipt')
    expect(done.results.map((r) => r.index)).toEqual(done.results.map((_, i) => i))
    const receiptEntry = done.results.find((r) => (r.type as string) === 'receipt')!
    expect(receiptEntry.filename).toBe('receipt.json')
    const output = done.results.find((r) => r.type === 'output')!
    const receiptUrl = await ProviderInstance.getComputeResultUrl(
      bed.url,
      bed.consumer,
      started.jobId,
      receiptEntry.index!,
    )
    const response = await fetch(receiptUrl)
    expect(response.headers.get('content-type')).toBe('application/json')
    const receipt = JSON.parse(Buffer.from(await response.arrayBuffer()).toString('utf8'))
    const outputs = await download(started.jobId, output.index!)
    const root = (await (await fetch(bed.url + '/')).json()) as { providerAddress: string }
    const checked = verifyJobReceipt(receipt, {
      providerAddress: root.providerAddress,
      files: [{ name: 'outputs.tar', bytes: outputs }],
    })
    expect(checked).toEqual({ ok: true, signer: root.providerAddress })
    expect(receipt.message).toMatchObject({
      jobId: started.jobId,
      consumer: bed.consumer.address,
      outcome: 'succeeded',
      datasets: [{ did: dataset().documentId, serviceId: dataset().serviceId }],
      algorithm: { did: algorithm().documentId, image: 'node' },
    })
    expect(receipt.domain.chainId).toBe(bed.devChain.chainId)
    const tampered = Buffer.from(outputs)
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 1) ^ 1, tampered.length - 1)
    const refused = verifyJobReceipt(receipt, {
      providerAddress: root.providerAddress,
      files: [{ name: 'outputs.tar', bytes: tampered }],
    })
    expect(refused).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/outputs.tar: sha256 .* differs/),
    })
  }, 120_000)
})

describe('output review before release', () => {
  it('holds a job at 60 for ocean.js, unreachable until the publisher releases it', async () => {
    await setPolicy({ outputRelease: 'publisher-review', reviewWindowSec: 3600 })
    const started = await freeStart()
    const held = await waitForStatus(
      bed.url,
      bed.consumer,
      started.jobId,
      (j) => j.status === 60 && j.statusText !== 'Publishing results',
    )
    expect(held.statusText).toBe("Awaiting the publisher's review")
    expect(held.results).toEqual([])
    expect(await refusal(download(started.jobId, 0))).toMatch(/403/)
    const direct = await fetch(
      await ProviderInstance.getComputeResultUrl(bed.url, bed.consumer, started.jobId, 1),
    )
    expect(direct.status).toBe(403)
    expect(direct.headers.get('x-c2d-error-code')).toBe('RESULT_AWAITING_REVIEW')
    expect(await ProviderInstance.computeStreamableLogs(bed.url, bed.consumer, started.jobId)).toBeNull()

    const consoleApi = bed.core.consoleService
    expect((await consoleApi.listReviews({})).jobs.map((j) => j.jobId)).toContain(started.jobId)
    const { review } = await consoleApi.getReview({ jobId: started.jobId })
    expect(review.files.map((f) => f.path)).toContain('outputs/stats.json')
    expect(review.files.find((f) => f.path === 'outputs/stats.json')).toMatchObject({ kind: 'json' })
    expect(review.guards.map((g) => [g.id, g.status])).toEqual([
      ['output-size', 'pass'],
      ['file-count', 'pass'],
      ['file-patterns', 'pass'],
      ['output-leak', 'pass'],
      ['log-leak', 'pass'],
    ])
    await consoleApi.releaseJob({ jobId: started.jobId, confirm: true })
    const done = await waitForStatus(bed.url, bed.consumer, started.jobId, withReceipt)
    expect(done.statusText).toBe('Job finished')
    const output = done.results.find((r) => r.type === 'output')!
    expect((await download(started.jobId, output.index!)).length).toBe(output.filesize)
    const trail = (await consoleApi.listAuditEvents({ subject: started.jobId, limit: 100 })).events
    expect(trail.map((e) => e.type)).toEqual(expect.arrayContaining(['review.held', 'review.released']))
  }, 120_000)

  it('rejects with a reason: ocean.js sees 70 and only the configuration log (and the receipt)', async () => {
    await setPolicy({ outputRelease: 'publisher-review' })
    const started = await freeStart()
    await waitForStatus(
      bed.url,
      bed.consumer,
      started.jobId,
      (j) => j.statusText === "Awaiting the publisher's review",
    )
    const { job } = await bed.core.consoleService.rejectJob({
      jobId: started.jobId,
      reason: 'per-row output',
      chargeForCompute: false,
    })
    expect(job.outcome).toEqual({
      kind: 'failed',
      reason: 'The publisher rejected the outputs: per-row output',
    })
    const done = await waitForStatus(bed.url, bed.consumer, started.jobId, withReceipt)
    expect(done.results.map((r) => [r.index, r.type])).toEqual([
      [0, 'configurationLog'],
      [1, 'receipt'],
    ])
    const receipt = JSON.parse((await download(started.jobId, 1)).toString('utf8'))
    expect(receipt.message.outcome).toBe('failed')
    expect(receipt.message.files.map((f: { name: string }) => f.name)).toEqual(['configuration.log'])
  }, 120_000)

  it('holds a job whose algorithm failed like a success; release ends it failed for ocean.js', async () => {
    await setPolicy({ outputRelease: 'publisher-review', reviewWindowSec: 3600 })
    // Writes an output and prints a row to its log, then fails: both may leak data.
    const failing = [
      "require('fs').writeFileSync('/data/outputs/partial.txt', 'half done')",
      "console.log('a secret row')",
      'process.exit(3)',
    ].join('\n')
    const startRaw = async () =>
      firstJob(
        await ProviderInstance.freeComputeStart(bed.url, bed.consumer, await freeEnv(), [dataset()], {
          meta: {
            rawcode: failing,
            container: { entrypoint: 'node $ALGO', image: 'node', tag: '20', checksum: '' },
          },
        } as never),
      )
    // The sample dataset takes no raw code: the publisher approves this code on this node first.
    const requestId = /request ([0-9a-f]{16})/.exec(await refusal(startRaw()))![1]!
    await bed.core.consoleService.approveAccessRequest({ requestId, confirm: true })
    const started = await startRaw()
    const held = await waitForStatus(
      bed.url,
      bed.consumer,
      started.jobId,
      (j) => j.statusText === "Awaiting the publisher's review" || j.status === 70,
    )
    expect(held.status).toBe(60)
    expect(held.statusText).toBe("Awaiting the publisher's review")
    expect(held.results).toEqual([])
    const direct = await fetch(
      await ProviderInstance.getComputeResultUrl(bed.url, bed.consumer, started.jobId, 1),
    )
    expect(direct.status).toBe(403)
    expect(direct.headers.get('x-c2d-error-code')).toBe('RESULT_AWAITING_REVIEW')
    expect(await ProviderInstance.computeStreamableLogs(bed.url, bed.consumer, started.jobId)).toBeNull()
    // Still answering 60 after further polls (the hold does not lapse on its own).
    const again = firstJob(await ProviderInstance.computeStatus(bed.url, bed.consumer, started.jobId))
    expect([again.status, again.statusText]).toEqual([60, "Awaiting the publisher's review"])

    // The review lists it as the failure it is.
    const consoleApi = bed.core.consoleService
    const listed = (await consoleApi.listReviews({})).jobs.find((j) => j.jobId === started.jobId)
    expect(listed).toMatchObject({ status: 41, outcome: { kind: 'failed' } })
    const { review } = await consoleApi.getReview({ jobId: started.jobId })
    expect(review.files.map((f) => f.path)).toContain('outputs/partial.txt')

    await consoleApi.releaseJob({ jobId: started.jobId, confirm: true })
    const done = await waitForStatus(bed.url, bed.consumer, started.jobId, withReceipt)
    expect(done.statusText).toBe('Job finished')
    expect(done.terminationDetails?.exitCode).toBe(3)
    const log = done.results.find((r) => r.type === 'algorithmLog')!
    expect((await download(started.jobId, log.index!)).toString('utf8')).toContain('a secret row')
    const receiptFile = done.results.find((r) => r.type === ('receipt' as never))!
    const receipt = JSON.parse((await download(started.jobId, receiptFile.index!)).toString('utf8'))
    expect(receipt.message.outcome).toBe('failed')
  }, 120_000)

  it('releases the escrow lock of a rejected paid job instead of claiming it', async () => {
    await setPolicy({ outputRelease: 'publisher-review', reviewWindowSec: 600 })
    const init = await ProviderInstance.initializeCompute(
      [dataset()],
      algorithm(),
      (await ProviderInstance.getComputeEnvironments(bed.url)).find(
        (e) => Object.keys(e.fees ?? {}).length > 0,
      )!.id,
      bed.devChain.contracts.Ocean!,
      60,
      bed.url,
      bed.consumer.address,
      [{ id: 'cpu', amount: 1 }],
      bed.devChain.chainId,
    )
    // The lock covers the job, the queue, the review window and the claim timeout.
    expect(init.payment!.minLockSeconds).toBeGreaterThanOrEqual(60 + 600 + 3600)
    const started = await runPaidStart(bed, { datasets: [dataset()], algorithm: algorithm() })
    await waitForStatus(
      bed.url,
      bed.consumer,
      started.jobId,
      (j) => j.statusText === "Awaiting the publisher's review",
    )
    await bed.core.consoleService.rejectJob({
      jobId: started.jobId,
      reason: 'not aggregated',
      chargeForCompute: false,
    })
    const done = await waitForStatus(bed.url, bed.consumer, started.jobId, (j) => j.status === 70)
    const payment = (done as unknown as { payment: { lockTx: string; claimTx?: string; cancelTx?: string } })
      .payment
    expect(payment.claimTx).toBeUndefined()
    expect(payment.cancelTx).toMatch(/^0x[0-9a-f]{64}$/)
    const escrow = new Contract(init.payment!.escrowAddress, loadAbi('Escrow'), bed.rpc)
    const { payee } = await paidEnvironment(bed)
    const locks = (await escrow.getFunction('getLocks')(
      bed.devChain.contracts.Ocean,
      bed.consumer.address,
      payee,
    )) as unknown[]
    expect(locks).toHaveLength(0)
  }, 180_000)
})

describe("the console's dataset lists and quotas", () => {
  it('refuses denied and unlisted consumers, enforces jobs per day and concurrent jobs, each with its code', async () => {
    const other = Wallet.createRandom()
    await setPolicy({ consumers: { deny: [bed.consumer.address], allow: [] } })
    expect(await refusal(freeStart())).toMatch(/is on the publisher's deny list of/)
    await setPolicy({ consumers: { allow: [other.address], deny: [] } })
    expect(await refusal(freeStart())).toMatch(/is not on the publisher's allow list of/)
    await setPolicy({ quotas: { jobsPerDay: 1 } })
    // Earlier tests in this file already started jobs on this dataset today.
    expect(await refusal(freeStart())).toMatch(/in the last 24 hours \(quota 1\)/)
    // A held job is unfinished: with a concurrency quota of 1 the next start waits for the review.
    await setPolicy({ outputRelease: 'publisher-review', quotas: { concurrentJobs: 1 } })
    const held = await freeStart()
    await waitForStatus(
      bed.url,
      bed.consumer,
      held.jobId,
      (j) => j.statusText === "Awaiting the publisher's review",
    )
    expect(await refusal(freeStart())).toMatch(/already has 1 unfinished job\(s\) on .* \(quota 1\)/)
    await bed.core.consoleService.releaseJob({ jobId: held.jobId, confirm: true })
    await waitForStatus(bed.url, bed.consumer, held.jobId, (j) => j.status === 70)
    // initializeCompute is refused the same way, before any price is quoted.
    await setPolicy({ consumers: { deny: [bed.consumer.address], allow: [] } })
    const paidEnvId = (await paidEnvironment(bed)).envId
    expect(
      await refusal(
        ProviderInstance.initializeCompute(
          [dataset()],
          algorithm(),
          paidEnvId,
          bed.devChain.contracts.Ocean!,
          60,
          bed.url,
          bed.consumer.address,
          [{ id: 'cpu', amount: 1 }],
          bed.devChain.chainId,
        ),
      ),
    ).toMatch(/deny list/)
    const codes = (
      await bed.core.consoleService.listAuditEvents({ type: 'access.refused', limit: 1000 })
    ).events.map((e) => e.details.errorCode)
    expect(codes).toEqual(
      expect.arrayContaining([
        'CONSUMER_DENIED',
        'CONSUMER_NOT_ALLOWED',
        'QUOTA_JOBS_PER_DAY',
        'QUOTA_CONCURRENT_JOBS',
      ]),
    )
    await setPolicy({})
  }, 120_000)
})

/** initializeCompute, escrow and orders done; `start()` sends ocean.js' computeStart. */
async function preparePaidStart() {
  const { envId, payee } = await paidEnvironment(bed)
  const { chainId, contracts } = bed.devChain
  const resources = [{ id: 'cpu', amount: 1 }]
  const init = await ProviderInstance.initializeCompute(
    [dataset()],
    algorithm(),
    envId,
    contracts.Ocean!,
    60,
    bed.url,
    bed.consumer.address,
    resources,
    chainId,
  )
  await fundEscrow(bed, payee, init.payment!)
  const algoTx = await startOrder(bed, init.algorithm!.datatoken!, payee, init.algorithm!.providerFee!)
  const datasetTx = await startOrder(
    bed,
    init.datasets![0]!.datatoken!,
    payee,
    init.datasets![0]!.providerFee!,
  )
  return () =>
    ProviderInstance.computeStart(
      bed.url,
      bed.consumer,
      envId,
      [{ ...dataset(), transferTxId: datasetTx }],
      { ...algorithm(), transferTxId: algoTx },
      60,
      contracts.Ocean!,
      resources,
      chainId,
    )
}

describe('quotas under concurrent starts, and per environment', () => {
  it('lets only one of two concurrent paid starts through a concurrent-jobs quota of 1', async () => {
    await setPolicy({})
    const startA = await preparePaidStart()
    const startB = await preparePaidStart()
    await setPolicy({ quotas: { concurrentJobs: 1 } })
    // B is sent once A's signature is accepted (the nonce moved; ocean.js signs each start with the
    // next nonce, so two at once would share one) while A still waits on the chain (orders, funds,
    // escrow lock) between its quota check and its job.
    const nonce = async () =>
      Number(
        (
          (await (
            await fetch(`${bed.url}/api/services/nonce?userAddress=${bed.consumer.address}`)
          ).json()) as {
            nonce: number | string
          }
        ).nonce,
      )
    const before = await nonce()
    const a = startA()
    while ((await nonce()) === before) await new Promise((resolve) => setTimeout(resolve, 5))
    const outcomes = await Promise.allSettled([a, startB()])
    const accepted = outcomes.filter((o) => o.status === 'fulfilled')
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')
    expect(accepted).toHaveLength(1)
    expect(refused).toHaveLength(1)
    expect(String(refused[0]!.reason)).toMatch(/already has 1 unfinished job\(s\) on .* \(quota 1\)/)
    const job = firstJob((accepted[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof startA>>>).value)
    await waitForStatus(bed.url, bed.consumer, job.jobId, (j) => j.status === 70)
    await setPolicy({})
  }, 240_000)

  it("refuses a start over the environment's quota with its QUOTA_ENV_ code, until the quota is lifted", async () => {
    await setPolicy({})
    const consoleApi = bed.core.consoleService
    const envId = await freeEnv()
    const listed = await consoleApi.listEnvironmentQuotas({})
    expect(listed.environments.map((e) => e.environmentId)).toContain(envId)
    await expect(
      consoleApi.setEnvironmentQuotas({ environmentId: 'no-such-env', quotas: { jobsPerDay: 1 } }),
    ).rejects.toMatchObject({ code: 'ENVIRONMENT_UNKNOWN' })
    const ran = await freeStart()
    await waitForStatus(bed.url, bed.consumer, ran.jobId, (j) => j.status === 70)
    await consoleApi.setEnvironmentQuotas({ environmentId: envId, quotas: { jobsPerDay: 1 } })
    expect(await refusal(freeStart())).toMatch(/on environment .* in the last 24 hours \(quota 1\)/)
    const initialize = () =>
      ProviderInstance.initializeCompute(
        [dataset()],
        algorithm(),
        envId,
        bed.devChain.contracts.Ocean!,
        60,
        bed.url,
        bed.consumer.address,
        [{ id: 'cpu', amount: 1 }],
        bed.devChain.chainId,
      )
    expect(await refusal(initialize())).toMatch(/on environment .* \(quota 1\)/)
    await consoleApi.setEnvironmentQuotas({ environmentId: envId, quotas: {} })
    // initializeCompute checks the quota too: refused over it, priced once it is lifted.
    const paid = await initialize()
    expect(paid.payment).toBeTruthy()
    expect(
      (await consoleApi.listEnvironmentQuotas({})).environments.find((e) => e.environmentId === envId)!
        .quotas,
    ).toEqual({})
    const codes = (await consoleApi.listAuditEvents({ type: 'access.refused', limit: 1000 })).events.map(
      (e) => e.details.errorCode,
    )
    expect(codes).toContain('QUOTA_ENV_JOBS_PER_DAY')
  }, 120_000)
})
