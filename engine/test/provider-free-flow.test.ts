/**
 * Issue 3, free flow (spec §8) with unmodified ocean.js 8.6.2 against the core as `npm run serve`
 * starts it: embedded dev chain, samples published, real bubblewrap runner. Environments →
 * freeComputeStart → status until 70 → results (whole, with Range, through the pre-signed URL) →
 * live logs → stop; auth tokens.
 */
import { ProviderInstance } from '@oceanprotocol/lib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collect, firstJob, startOceanTestbed, waitForStatus, type OceanTestbed } from './ocean-consumer'

let bed: OceanTestbed

beforeAll(async () => {
  bed = await startOceanTestbed('c2d-free-flow-')
}, 60_000)
afterAll(async () => {
  await bed?.core.stop()
  bed?.rpc.destroy()
})

const LONG_RUNNING = "let n = 0; setInterval(() => console.log('tick ' + n++), 50)"

describe('free compute with ocean.js', () => {
  it('runs the sample algorithm on the sample dataset to status 70 and downloads the results', async () => {
    const { url, consumer, devChain } = bed
    const environments = await ProviderInstance.getComputeEnvironments(url)
    const free = environments.find((e) => e.free)
    expect(free?.consumerAddress).toBe(bed.core.chain?.nodeSigner()?.address)
    // The node key is built once, not per request (GET / and computeEnvironments read it each time).
    expect(bed.core.chain?.nodeSigner()).toBe(bed.core.chain?.nodeSigner())

    const started = firstJob(
      await ProviderInstance.freeComputeStart(
        url,
        consumer,
        free!.id,
        [{ documentId: devChain.samples.dataset.did, serviceId: devChain.samples.dataset.serviceId }],
        { documentId: devChain.samples.algorithm.did, serviceId: devChain.samples.algorithm.serviceId },
      ),
    )
    expect(started.owner).toBe(consumer.address)
    const finished = await waitForStatus(url, consumer, started.jobId, (j) => j.status === 70)
    expect(finished.jobId).toBe(started.jobId)
    expect(finished.statusText).toBe('Job finished')
    expect(finished.terminationDetails?.exitCode).toBe(0)
    const output = finished.results.find((r) => r.type === 'output')
    const log = finished.results.find((r) => r.type === 'algorithmLog')
    expect(output?.filename).toBe('outputs.tar')
    expect(log).toBeDefined()

    const whole = await collect(
      await ProviderInstance.getComputeResult(url, consumer, started.jobId, log!.index!),
    )
    expect(whole.length).toBe(log!.filesize)
    const tail = await collect(
      await ProviderInstance.getComputeResult(url, consumer, started.jobId, log!.index!, 5),
    )
    expect(tail.equals(whole.subarray(5))).toBe(true)

    const resultUrl = await ProviderInstance.getComputeResultUrl(url, consumer, started.jobId, output!.index!)
    const response = await fetch(resultUrl)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/octet-stream')
    expect((await response.arrayBuffer()).byteLength).toBe(output!.filesize)
    // The URL's nonce is spent: fetching it again is a replay.
    expect((await fetch(resultUrl)).status).toBe(401)
  }, 120_000)

  it('streams the live log of a running raw-code job and stops it', async () => {
    const { url, consumer } = bed
    const environments = await ProviderInstance.getComputeEnvironments(url)
    const free = environments.find((e) => e.free)!
    const started = firstJob(
      await ProviderInstance.freeComputeStart(url, consumer, free.id, [], {
        meta: {
          rawcode: LONG_RUNNING,
          container: { entrypoint: 'node $ALGO', image: 'node', tag: '20', checksum: '' },
        },
      } as never),
    )
    await waitForStatus(url, consumer, started.jobId, (j) => j.status === 40)
    const stream = (await ProviderInstance.computeStreamableLogs(
      url,
      consumer,
      started.jobId,
    )) as ReadableStream<Uint8Array> | null
    expect(stream).not.toBeNull()
    const reader = stream!.getReader()
    let text = ''
    while (!text.includes('tick 2')) {
      const { value, done } = await reader.read()
      if (done) break
      text += Buffer.from(value).toString('utf8')
    }
    expect(text).toContain('tick 0')
    await reader.cancel()

    const stopped = firstJob(await ProviderInstance.computeStop(started.jobId, url, consumer))
    expect((stopped as unknown as { stopRequested: boolean }).stopRequested).toBe(true)
    const ended = await waitForStatus(url, consumer, started.jobId, (j) => j.status === 70)
    expect(ended.results.some((r) => r.type === 'algorithmLog')).toBe(true)
  }, 120_000)

  it('accepts an auth token instead of signatures until it is invalidated', async () => {
    const { url, consumer } = bed
    const token = await ProviderInstance.generateAuthToken(consumer, url)
    const jobs = await ProviderInstance.computeStatus(url, token)
    expect(Array.isArray(jobs) && jobs.length).toBeGreaterThanOrEqual(2)
    expect((jobs as Array<{ owner: string }>).every((j) => j.owner === consumer.address)).toBe(true)
    await ProviderInstance.invalidateAuthToken(consumer, token, url)
    const response = await fetch(`${url}/api/services/compute?jobId=x`, {
      method: 'PUT',
      headers: { Authorization: token },
    })
    expect(response.status).toBe(401)
    expect(response.headers.get('x-c2d-error-code')).toBe('AUTH_TOKEN_INVALID')
  }, 60_000)
})
