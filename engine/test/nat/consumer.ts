/**
 * NAT test, consumer namespace: unmodified ocean.js given only the console's peer ID and the
 * bootstrap (relay) address runs the free flow (environments, freeComputeStart, status to 70, the
 * log result) and the paid flow (initializeCompute, escrow and orders on the public chain RPC,
 * computeStart, status to 70, every result) through the relay. Prints one JSON line with what it saw.
 */
import { ProviderInstance, type ComputeJob } from '@oceanprotocol/lib'
import { JsonRpcProvider, NonceManager, Wallet, type Signer } from 'ethers'
import { collect, firstJob, runPaidStart, type DevChainFile } from '../ocean-consumer'
import { setupOceanP2p, stopOceanP2p } from '../ocean-p2p-consumer'

const [peerId, bootstrap, devChainJson] = process.argv.slice(2) as [string, string, string]
const devChain = JSON.parse(devChainJson) as DevChainFile
const samples = devChain.samples
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

async function finish(signer: Signer, started: ComputeJob) {
  let job = started
  for (let i = 0; i < 600 && job.status !== 70; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200))
    job = firstJob(await ProviderInstance.computeStatus(peerId, signer, started.jobId))
  }
  const results: Array<{ type: string; bytes: number; filesize: number }> = []
  for (const r of job.results ?? []) {
    const bytes = await collect(await ProviderInstance.getComputeResult(peerId, signer, job.jobId, r.index!))
    results.push({ type: r.type, bytes: bytes.length, filesize: r.filesize })
  }
  return {
    status: job.status,
    exitCode: job.terminationDetails?.exitCode,
    agreementId: (job as unknown as { agreementId?: string }).agreementId,
    results,
  }
}

try {
  const freeConsumer = Wallet.createRandom()
  const free = (await ProviderInstance.getComputeEnvironments(peerId)).find((e) => e.free)!
  const freeStarted = firstJob(
    await ProviderInstance.freeComputeStart(
      peerId,
      freeConsumer,
      free.id,
      [{ documentId: samples.dataset.did, serviceId: samples.dataset.serviceId }],
      { documentId: samples.algorithm.did, serviceId: samples.algorithm.serviceId },
    ),
  )
  const freeJob = await finish(freeConsumer, freeStarted)

  // Paid: the chain is public (its RPC on the relay's network); every Provider call goes over P2P.
  const rpc = new JsonRpcProvider(devChain.rpcUrl, devChain.chainId, { staticNetwork: true })
  const consumer = new Wallet(devChain.accounts.consumer.privateKey, rpc)
  const paidStarted = await runPaidStart(
    { url: peerId, devChain, rpc, consumer, payer: new NonceManager(consumer) },
    {
      datasets: [{ documentId: samples.dataset.did, serviceId: samples.dataset.serviceId }],
      algorithm: { documentId: samples.algorithm.did, serviceId: samples.algorithm.serviceId },
    },
  )
  const paidJob = await finish(consumer, paidStarted)
  rpc.destroy()

  const conn = libp2p.getConnections().find((c) => c.remotePeer.toString() === peerId)
  console.log(JSON.stringify({ ok: true, free: freeJob, paid: paidJob, via: conn?.remoteAddr.toString() }))
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: error instanceof Error ? error.stack : String(error) }))
} finally {
  await stopOceanP2p()
  process.exit(0)
}
