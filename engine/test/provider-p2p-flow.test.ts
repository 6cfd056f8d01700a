/**
 * Issue 15, P2P on loopback: unmodified ocean.js 8.6.2 (ProviderInstance's P2pProvider, chosen
 * because the node URI is a multiaddr) runs the free flow over `/ocean/nodes/1.0.0` against the
 * console: status (peer ID derived from the node key), environments, freeComputeStart, status until
 * 70, results (whole and from an offset), live logs, stop, and a signed error; and the paid flow
 * (initializeCompute → escrow + orders on chain → startCompute) with every Provider call over P2P.
 */
import { ProviderInstance } from '@oceanprotocol/lib'
import { Wallet } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { peerKeyFromNodeKey } from '../p2p/node-peer-id'
import { collect, firstJob, runPaidStart, startOceanTestbed, type OceanTestbed } from './ocean-consumer'
import { setupOceanP2p, stopOceanP2p } from './ocean-p2p-consumer'

let bed: OceanTestbed
let node: string

const LONG_RUNNING = "let n = 0; setInterval(() => console.log('tick ' + n++), 50)"

async function waitP2p(signer: Wallet, jobId: string, done: (status: number) => boolean) {
  for (let i = 0; i < 300; i++) {
    const job = firstJob(await ProviderInstance.computeStatus(node, signer, jobId))
    if (done(job.status)) return job
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`job ${jobId} never reached the expected status over P2P`)
}

beforeAll(async () => {
  bed = await startOceanTestbed('c2d-p2p-flow-', {
    p2p: {
      enabled: true,
      listenAddresses: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'],
      bootstrapPeers: [],
      relayClient: false,
      upnp: false,
    },
  })
  const p2p = bed.core.p2p!
  node = p2p.reachability().direct.find((a) => a.includes('/ws'))!
  await setupOceanP2p()
}, 60_000)
afterAll(async () => {
  await stopOceanP2p()
  await bed?.core.stop()
  bed?.rpc.destroy()
})

describe('free compute with ocean.js over P2P', () => {
  it('has the peer ID Ocean Node derives from the node key', async () => {
    const signer = bed.core.chain!.nodeSigner()!
    const expected = peerKeyFromNodeKey(signer.privateKey).peerId.toString()
    expect(bed.core.p2p!.peerId.toString()).toBe(expected)
    expect(node).toContain(`/p2p/${expected}`)
    const status = await ProviderInstance.getNodeStatus(node)
    expect(status.id).toBe(expected)
    expect((status as unknown as { providerAddress: string }).providerAddress).toBe(signer.address)
    // The console shows the same identity and addresses.
    const seen = await bed.core.consoleService.getReachability({})
    expect(seen.p2p).toMatchObject({ enabled: true, peerId: expected, relayed: [] })
    expect(seen.p2p.direct).toContain(node)
    expect(seen.http.selfCheck.state).toBe('not-configured')
  }, 30_000)

  it('runs the sample job to 70 and streams its results', async () => {
    const { consumer, devChain } = bed
    const environments = await ProviderInstance.getComputeEnvironments(node)
    const free = environments.find((e) => e.free)!
    expect(free.consumerAddress).toBe(bed.core.chain?.nodeSigner()?.address)
    const started = firstJob(
      await ProviderInstance.freeComputeStart(
        node,
        consumer,
        free.id,
        [{ documentId: devChain.samples.dataset.did, serviceId: devChain.samples.dataset.serviceId }],
        { documentId: devChain.samples.algorithm.did, serviceId: devChain.samples.algorithm.serviceId },
      ),
    )
    expect(started.owner).toBe(consumer.address)
    const finished = await waitP2p(consumer, started.jobId, (s) => s === 70)
    expect(finished.terminationDetails?.exitCode).toBe(0)
    const log = finished.results.find((r) => r.type === 'algorithmLog')!
    const whole = await collect(
      await ProviderInstance.getComputeResult(node, consumer, started.jobId, log.index!),
    )
    expect(whole.length).toBe(log.filesize)
    const tail = await collect(
      await ProviderInstance.getComputeResult(node, consumer, started.jobId, log.index!, 5),
    )
    expect(tail.equals(whole.subarray(5))).toBe(true)
    // Same job, same answer over HTTP.
    const overHttp = await collect(
      await ProviderInstance.getComputeResult(bed.url, consumer, started.jobId, log.index!),
    )
    expect(overHttp.equals(whole)).toBe(true)
  }, 120_000)

  it('streams the live log of a running job, then stops it', async () => {
    const { consumer } = bed
    const free = (await ProviderInstance.getComputeEnvironments(node)).find((e) => e.free)!
    const started = firstJob(
      await ProviderInstance.freeComputeStart(node, consumer, free.id, [], {
        meta: {
          rawcode: LONG_RUNNING,
          container: { entrypoint: 'node $ALGO', image: 'node', tag: '20', checksum: '' },
        },
      } as never),
    )
    await waitP2p(consumer, started.jobId, (s) => s === 40)
    const chunks = (await ProviderInstance.computeStreamableLogs(
      node,
      consumer,
      started.jobId,
    )) as AsyncIterable<Uint8Array>
    let text = ''
    for await (const chunk of chunks) {
      text += Buffer.from(chunk).toString('utf8')
      if (text.includes('tick 2')) break
    }
    expect(text).toContain('tick 0')
    const stopped = firstJob(await ProviderInstance.computeStop(started.jobId, node, consumer))
    expect((stopped as unknown as { stopRequested: boolean }).stopRequested).toBe(true)
    await waitP2p(consumer, started.jobId, (s) => s === 70)
  }, 120_000)

  it("answers another consumer's job as not found, with the Provider's message", async () => {
    const stranger = Wallet.createRandom()
    await expect(ProviderInstance.getComputeResult(node, stranger, 'no-such-job', 0)).rejects.toThrow(
      /not found/i,
    )
    // The signature verified (so its nonce is spent, as over HTTP); the job lookup refused.
    expect(await ProviderInstance.getNonce(node, stranger.address)).toBe(1)
  }, 30_000)

  it('runs a paid job with every Provider call over P2P', async () => {
    const { devChain, consumer } = bed
    const started = await runPaidStart(
      { ...bed, url: node },
      {
        datasets: [
          { documentId: devChain.samples.dataset.did, serviceId: devChain.samples.dataset.serviceId },
        ],
        algorithm: {
          documentId: devChain.samples.algorithm.did,
          serviceId: devChain.samples.algorithm.serviceId,
        },
      },
    )
    expect(started.owner).toBe(consumer.address)
    const finished = await waitP2p(consumer, started.jobId, (s) => s === 70)
    expect(finished.terminationDetails?.exitCode).toBe(0)
    expect((finished as unknown as { agreementId?: string }).agreementId).toMatch(/^0x[0-9a-f]+$/i)
  }, 120_000)
})
