/**
 * Provider suite, relay row: how long a new consumer takes to reach the console through a circuit
 * relay v2 and run a trivial free job (the dev chain's sample algorithm to status 70), beside the
 * same job over HTTP, in the same run. On loopback: the relay listens on TCP (for the console) and
 * WebSockets (for ocean.js); the console listens on TCP only, which ocean.js' browser build cannot
 * dial, so every byte goes through the relay, as it does behind NAT (engine/test/p2p-nat.test.ts
 * proves that path in network namespaces). Each P2P run starts a fresh ocean.js libp2p node that
 * knows only the relay's address and the console's peer ID. `BENCH_P2P_RELAY_RUNS` sets the runs
 * (default 5); the row is the median.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { ProviderInstance } from '@oceanprotocol/lib'
import { Wallet } from 'ethers'
import { performance } from 'node:perf_hooks'
import { consoleConfigSchema } from '../engine/config/schema'
import { MemoryLogger } from '../engine/logging'
import { startP2pNode } from '../engine/p2p/p2p-node'
import { firstJob, startOceanTestbed, type OceanTestbed } from '../engine/test/ocean-consumer'
import { setupOceanP2p, stopOceanP2p } from '../engine/test/ocean-p2p-consumer'
import type { BenchRow } from './bench-row'

const RUNS = Number(process.env.BENCH_P2P_RELAY_RUNS ?? 5)
const POLL_MS = 100

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

async function freeJob(bed: OceanTestbed, uri: string): Promise<void> {
  const consumer = Wallet.createRandom()
  const { samples } = bed.devChain
  const env = (await ProviderInstance.getComputeEnvironments(uri)).find((e) => e.free)!
  const started = firstJob(
    await ProviderInstance.freeComputeStart(
      uri,
      consumer,
      env.id,
      [{ documentId: samples.dataset.did, serviceId: samples.dataset.serviceId }],
      { documentId: samples.algorithm.did, serviceId: samples.algorithm.serviceId },
    ),
  )
  for (let i = 0; i < 600; i++) {
    const job = firstJob(await ProviderInstance.computeStatus(uri, consumer, started.jobId))
    if (job.status === 70) {
      if (job.terminationDetails?.exitCode !== 0) throw new Error(`the free job failed over ${uri}`)
      return
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
  throw new Error(`the free job never reached 70 over ${uri}`)
}

/** ocean.js finds a peer ID through the DHT: wait (timed) until the relay is in its routing table. */
async function reachRelay(relayWs: string, relayId: string): Promise<void> {
  await setupOceanP2p([relayWs])
  const libp2p = ProviderInstance.getP2PProvider().getLibp2pNode()!
  for (let i = 0; i < 1000; i++) {
    const dht = libp2p.services.dht as { routingTable?: { size: number } }
    if (
      libp2p.getConnections().some((c) => c.remotePeer.toString() === relayId) &&
      (dht.routingTable?.size ?? 1) > 0
    )
      return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error('ocean.js never connected to the relay')
}

export async function providerP2pRelayRows(suite: string): Promise<BenchRow[]> {
  const relay = await startP2pNode({
    config: consoleConfigSchema.parse({
      dataDir: '/nonexistent',
      p2p: {
        enabled: true,
        listenAddresses: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'],
        bootstrapPeers: [],
        relayClient: false,
        relayServer: true,
        upnp: false,
        dhtAnnouncePrivate: true,
      },
    }).p2p,
    privateKey: await generateKeyPair('secp256k1'),
    logger: new MemoryLogger(),
  })
  const relayAddrs = relay.reachability().direct
  const relayTcp = relayAddrs.find((a) => !a.includes('/ws'))!
  const relayWs = relayAddrs.find((a) => a.includes('/ws'))!
  const bed = await startOceanTestbed('bench-p2p-relay-', {
    p2p: {
      enabled: true,
      listenAddresses: ['/ip4/127.0.0.1/tcp/0'],
      bootstrapPeers: [relayTcp],
      relayClient: true,
      upnp: false,
      dhtAnnouncePrivate: true,
    },
  })
  try {
    const p2p = bed.core.p2p!
    for (let i = 0; i < 300 && p2p.reachability().relayed.length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 100))
    if (p2p.reachability().relayed.length === 0) throw new Error('the console got no relay reservation')
    const peerId = p2p.peerId.toString()
    const relayId = relay.peerId.toString()
    const http: number[] = []
    const relayed: number[] = []
    const reach: number[] = []
    const jobOnly: number[] = []
    await freeJob(bed, bed.url) // warm-up: the first job pays for module loading and the sandbox
    for (let run = 0; run < RUNS; run++) {
      process.stderr.write(`bench: provider: P2P through a relay, run ${run + 1}/${RUNS} …\n`)
      let t0 = performance.now()
      await freeJob(bed, bed.url)
      http.push(performance.now() - t0)
      t0 = performance.now()
      await reachRelay(relayWs, relayId)
      reach.push(performance.now() - t0)
      const tJob = performance.now()
      try {
        await freeJob(bed, peerId)
        const conn = ProviderInstance.getP2PProvider()
          .getLibp2pNode()!
          .getConnections()
          .find((c) => c.remotePeer.toString() === peerId)
        if (!conn || !conn.remoteAddr.toString().includes('/p2p-circuit'))
          throw new Error(`the job did not go through the relay (${conn?.remoteAddr.toString()})`)
        jobOnly.push(performance.now() - tJob)
      } finally {
        relayed.push(performance.now() - t0)
        await stopOceanP2p()
      }
    }
    return [
      {
        suite,
        name: 'P2P through a relay: new consumer reaches the node by peer ID and runs a trivial free job (median)',
        value: median(relayed),
        unit: 'ms',
        baseline: { name: 'same job over HTTP', value: median(http) },
        note: `ocean.js 8.6.2 (its bootstrap discovery waits 10 s, \`timeout: 1e4\`, before dialling its bootstrap list: most of this time), a fresh libp2p node per run given only the relay's /ws address and the console's peer ID (DHT lookup, circuit relay v2, noise + yamux), then environments, freeComputeStart, computeStatus every ${POLL_MS} ms until 70; loopback, console listening on TCP only so ocean.js can reach it only through the relay; of which connecting to the relay took a median ${median(reach).toFixed(0)} ms; runs: P2P ${relayed.map((v) => v.toFixed(0)).join(', ')} ms, HTTP ${http.map((v) => v.toFixed(0)).join(', ')} ms`,
      },
      {
        suite,
        name: 'P2P through a relay: the same free job once connected to the relay (DHT lookup of the peer ID included, median)',
        value: median(jobOnly),
        unit: 'ms',
        baseline: { name: 'same job over HTTP', value: median(http) },
      },
    ]
  } finally {
    await bed.core.stop()
    bed.rpc.destroy()
    await relay.stop()
  }
}
