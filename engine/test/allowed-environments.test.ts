/**
 * Issue 11, the publish wizard's compute settings, through the console API and the Provider with
 * unmodified ocean.js 8.x on the dev chain:
 * - the environments picked for a dataset are stored with it at publish, and a consumer's
 *   initializeCompute, paid start and free start in any other environment are refused with
 *   ENVIRONMENT_NOT_ALLOWED (403, Ocean's JSON string body); computeEnvironments still lists every
 *   environment; editing the list (the asset page) applies to the next request;
 * - the trusted-algorithm checksums the wizard previews (getTrustedAlgorithmChecksums) are the ones
 *   the published DDO pins.
 */
import { join, resolve } from 'node:path'
import { Aquarius, ProviderInstance } from '@oceanprotocol/lib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { datasetPolicySchema, type MethodParsedInput } from '../console-api/contract'
import { firstJob, startOceanTestbed, waitForStatus, type OceanTestbed } from './ocean-consumer'

const REPO = resolve(import.meta.dirname, '..', '..')
const SECOND_ENV = 'second-env'
let bed: OceanTestbed
let allowedEnv: string
let dataset: { documentId: string; serviceId: string }
let preview: { did: string; filesChecksum: string; containerSectionChecksum: string }

const algorithm = () => ({
  documentId: bed.devChain.samples.algorithm.did,
  serviceId: bed.devChain.samples.algorithm.serviceId,
})
const draft = (name: string): MethodParsedInput<'publishAsset'>['draft'] => ({
  kind: 'dataset',
  name,
  description: '',
  author: 'test',
  license: 'MIT',
  service: {
    files: [{ type: 'local', path: join(REPO, 'assets', 'sample-data', 'weather.csv') }],
    timeoutSec: 3600,
    allowRawAlgorithm: false,
    allowNetworkAccess: false,
    publisherTrustedAlgorithmPublishers: [],
    // By DID only, as the wizard sends it: the engine pins the checksums at publish.
    publisherTrustedAlgorithms: [
      { did: bed.devChain.samples.algorithm.did, filesChecksum: '', containerSectionChecksum: '' },
    ],
  },
})

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    return String((error as Error).message)
  }
  throw new Error('the request was accepted')
}
const initialize = (envId: string) =>
  ProviderInstance.initializeCompute(
    [dataset],
    algorithm(),
    envId,
    bed.devChain.contracts.Ocean!,
    60,
    bed.url,
    bed.consumer.address,
    [{ id: 'cpu', amount: 1 }],
    bed.devChain.chainId,
  )

beforeAll(async () => {
  bed = await startOceanTestbed('c2d-allowed-environments-')
  const consoleApi = bed.core.consoleService
  await consoleApi.createWallet({ password: 'environments test password', confirm: true })
  // A second environment like the default one (free tier and fees), so one can be left out.
  const [first] = (await consoleApi.listEnvironments({})).environments
  const { running: _r, queued: _q, ...env } = first!
  allowedEnv = env.id
  await consoleApi.saveEnvironment({ environment: { ...env, id: SECOND_ENV, description: 'Second' } })
  preview = await consoleApi.getTrustedAlgorithmChecksums({ did: bed.devChain.samples.algorithm.did })
  const { asset } = await consoleApi.publishAsset({
    draft: draft('Weather, one environment (test)'),
    environments: [allowedEnv],
  })
  dataset = { documentId: asset.did, serviceId: asset.serviceIds[0]! }
}, 180_000)
afterAll(async () => {
  await bed?.core.stop()
  bed?.rpc.destroy()
})

describe('trusted-algorithm checksums previewed before publishing', () => {
  it('are the checksums the published DDO pins', async () => {
    expect(preview.did).toBe(bed.devChain.samples.algorithm.did)
    expect(preview.filesChecksum).toMatch(/^[0-9a-f]{64}$/)
    expect(preview.containerSectionChecksum).toMatch(/^[0-9a-f]{64}$/)
    const ddo = (await new Aquarius(bed.url).resolve(dataset.documentId)) as unknown as {
      services: Array<{ compute: { publisherTrustedAlgorithms: unknown[] } }>
    }
    expect(ddo.services[0]!.compute.publisherTrustedAlgorithms).toEqual([preview])
    // The sample dataset (published by the dev chain's own path) pins the same entry.
    const sample = bed.core.assets.get(bed.devChain.samples.dataset.did)!
    const pinned = sample.ddo.services[0]!.compute!.publisherTrustedAlgorithms
    expect(pinned.find((t) => t.did === preview.did)).toEqual(preview)
  })

  it('refuses a DID that is not an algorithm of this console', async () => {
    await expect(
      bed.core.consoleService.getTrustedAlgorithmChecksums({ did: dataset.documentId }),
    ).rejects.toMatchObject({ code: 'ASSET_NOT_FOUND' })
  })
})

describe("a dataset's allowed environments at the Provider", () => {
  it('stores the wizard pick with the dataset and refuses an unknown environment before signing', async () => {
    const consoleApi = bed.core.consoleService
    expect((await consoleApi.getDatasetPolicy({ did: dataset.documentId })).policy.environments).toEqual([
      allowedEnv,
    ])
    const before = (await consoleApi.listAssets({})).assets.length
    await expect(
      consoleApi.publishAsset({ draft: draft('Never published (test)'), environments: ['no-such-env'] }),
    ).rejects.toMatchObject({ code: 'REQUEST_INVALID', details: [{ path: 'environments.0' }] })
    expect((await consoleApi.listAssets({})).assets.length).toBe(before)
    await expect(
      consoleApi.setDatasetPolicy({
        did: dataset.documentId,
        policy: datasetPolicySchema.parse({ environments: [allowedEnv, 'no-such-env'] }),
      }),
    ).rejects.toMatchObject({ code: 'REQUEST_INVALID' })
  })

  it('refuses initializeCompute, a paid start and a free start in another environment, Ocean style', async () => {
    // computeEnvironments is node-wide: both are still listed.
    const listed = (await ProviderInstance.getComputeEnvironments(bed.url)).map((e) => e.id)
    expect(listed).toEqual(expect.arrayContaining([allowedEnv, SECOND_ENV]))

    // The wire answer: 403, a JSON string body, the code in x-c2d-error-code.
    const response = await fetch(`${bed.url}/api/services/initializeCompute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        datasets: [dataset],
        algorithm: algorithm(),
        environment: SECOND_ENV,
        payment: { chainId: bed.devChain.chainId, token: bed.devChain.contracts.Ocean, resources: [] },
        maxJobDuration: 60,
        consumerAddress: bed.consumer.address,
      }),
    })
    expect(response.status).toBe(403)
    expect(response.headers.get('x-c2d-error-code')).toBe('ENVIRONMENT_NOT_ALLOWED')
    const body = (await response.json()) as unknown
    expect(typeof body).toBe('string')
    expect(body).toContain(`does not allow compute environment ${SECOND_ENV}`)

    expect(await refusal(initialize(SECOND_ENV))).toMatch(/does not allow compute environment second-env/)
    expect(
      await refusal(
        ProviderInstance.computeStart(
          bed.url,
          bed.consumer,
          SECOND_ENV,
          [{ ...dataset, transferTxId: '0x' + '1'.repeat(64) }],
          { ...algorithm(), transferTxId: '0x' + '2'.repeat(64) },
          60,
          bed.devChain.contracts.Ocean!,
          [{ id: 'cpu', amount: 1 }],
          bed.devChain.chainId,
        ),
      ),
    ).toMatch(/does not allow compute environment second-env/)
    expect(
      await refusal(
        ProviderInstance.freeComputeStart(bed.url, bed.consumer, SECOND_ENV, [dataset], algorithm()),
      ),
    ).toMatch(/does not allow compute environment second-env/)
    expect(
      await bed.core.consoleService.listJobs({ did: dataset.documentId, limit: 10, offset: 0 }),
    ).toMatchObject({ jobs: [] })

    // In the allowed environment: priced, and a free job runs to the end.
    expect((await initialize(allowedEnv)).payment).toBeTruthy()
    const job = firstJob(
      await ProviderInstance.freeComputeStart(bed.url, bed.consumer, allowedEnv, [dataset], algorithm()),
    )
    const done = await waitForStatus(bed.url, bed.consumer, job.jobId, (j) => j.status === 70)
    expect(done.status).toBe(70)
    const codes = (
      await bed.core.consoleService.listAuditEvents({ type: 'access.refused', limit: 1000 })
    ).events.map((e) => e.details.errorCode)
    expect(codes).toContain('ENVIRONMENT_NOT_ALLOWED')
  }, 180_000)

  it('applies an edited list (the asset page) to the next request', async () => {
    const consoleApi = bed.core.consoleService
    const { policy } = await consoleApi.getDatasetPolicy({ did: dataset.documentId })
    await consoleApi.setDatasetPolicy({
      did: dataset.documentId,
      policy: { ...policy, environments: [allowedEnv, SECOND_ENV] },
    })
    expect((await initialize(SECOND_ENV)).payment).toBeTruthy()
    await consoleApi.setDatasetPolicy({
      did: dataset.documentId,
      policy: { ...policy, environments: [SECOND_ENV] },
    })
    expect(await refusal(initialize(allowedEnv))).toMatch(/does not allow compute environment/)
  }, 60_000)
})
