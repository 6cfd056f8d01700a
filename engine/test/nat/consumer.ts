/**
 * NAT test, consumer namespace: unmodified ocean.js given only the console's peer ID and the
 * bootstrap (relay) address runs the free flow: environments, freeComputeStart, status to 70, a
 * result. Prints one JSON line with what it saw.
 */
import { ProviderInstance } from '@oceanprotocol/lib'
import { Wallet } from 'ethers'
import { setupOceanP2p, stopOceanP2p } from '../ocean-p2p-consumer'

const [peerId, bootstrap, samplesJson] = process.argv.slice(2) as [string, string, string]
const samples = JSON.parse(samplesJson) as Record<'dataset' | 'algorithm', { did: string; serviceId: string }>
const consumer = Wallet.createRandom()
await setupOceanP2p([bootstrap])
// ocean.js dials its bootstrap peers in the background; a DHT lookup needs one in its routing table.
const relayId = bootstrap.split('/p2p/')[1]!
const libp2p = ProviderInstance.getP2PProvider().getLibp2pNode()!
for (let i = 0; i < 200; i++) {
  const dht = libp2p.services.dht as { routingTable?: { size: number } }
  if (
    libp2p.getConnections().some((c) => c.remotePeer.toString() === relayId) &&
    (dht.routingTable?.size ?? 1) > 0
  )
    break
  await new Promise((resolve) => setTimeout(resolve, 100))
}
const first = <T>(value: T | T[]) => (Array.isArray(value) ? value[0]! : value)
try {
  const free = (await ProviderInstance.getComputeEnvironments(peerId)).find((e) => e.free)!
  const started = first(
    await ProviderInstance.freeComputeStart(
      peerId,
      consumer,
      free.id,
      [{ documentId: samples.dataset.did, serviceId: samples.dataset.serviceId }],
      { documentId: samples.algorithm.did, serviceId: samples.algorithm.serviceId },
    ),
  )
  let job = started
  for (let i = 0; i < 600 && job.status !== 70; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200))
    job = first(await ProviderInstance.computeStatus(peerId, consumer, started.jobId))
  }
  const log = job.results.find((r) => r.type === 'algorithmLog')
  const chunks: Buffer[] = []
  if (log)
    for await (const c of await ProviderInstance.getComputeResult(peerId, consumer, job.jobId, log.index!))
      chunks.push(Buffer.from(c))
  const conn = ProviderInstance.getP2PProvider()
    .getLibp2pNode()
    ?.getConnections()
    .find((c) => c.remotePeer.toString() === peerId)
  console.log(
    JSON.stringify({
      ok: true,
      status: job.status,
      exitCode: job.terminationDetails?.exitCode,
      logBytes: Buffer.concat(chunks).length,
      logSize: log?.filesize,
      via: conn?.remoteAddr.toString(),
    }),
  )
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: error instanceof Error ? error.message : String(error) }))
} finally {
  await stopOceanP2p()
  process.exit(0)
}
