/**
 * Provider suite, P2P rows: the same Provider commands through unmodified ocean.js over
 * `/ocean/nodes/1.0.0` (libp2p WebSockets + noise + yamux on loopback, one new stream per command,
 * the connection reused) beside the same calls over HTTP, in the same run, sequentially (one
 * caller). `BENCH_P2P_CALLS` sets the number of calls per command (default 200).
 */
import { ProviderInstance } from '@oceanprotocol/lib'
import { performance } from 'node:perf_hooks'
import { setupOceanP2p, stopOceanP2p } from '../engine/test/ocean-p2p-consumer'
import { startOceanTestbed } from '../engine/test/ocean-consumer'
import type { BenchRow } from './bench-row'

const CALLS = Number(process.env.BENCH_P2P_CALLS ?? 200)

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

async function time(call: () => Promise<unknown>): Promise<{ p50Ms: number; p99Ms: number; perSec: number }> {
  for (let i = 0; i < 10; i++) await call() // warm-up: connection, JIT
  const samples: number[] = []
  const started = performance.now()
  for (let i = 0; i < CALLS; i++) {
    const t0 = performance.now()
    await call()
    samples.push(performance.now() - t0)
  }
  const elapsedMs = performance.now() - started
  samples.sort((a, b) => a - b)
  return { p50Ms: quantile(samples, 0.5), p99Ms: quantile(samples, 0.99), perSec: (CALLS * 1000) / elapsedMs }
}

export async function providerP2pRows(suite: string): Promise<BenchRow[]> {
  const bed = await startOceanTestbed('bench-p2p-', {
    p2p: {
      enabled: true,
      listenAddresses: ['/ip4/127.0.0.1/tcp/0/ws'],
      bootstrapPeers: [],
      relayClient: false,
      upnp: false,
    },
  })
  await setupOceanP2p()
  try {
    const node = bed.core.p2p!.reachability().direct[0]!
    const address = bed.consumer.address
    const commands: Array<[string, (uri: string) => Promise<unknown>]> = [
      ['nonce', (uri) => ProviderInstance.getNonce(uri, address)],
      ['computeEnvironments', (uri) => ProviderInstance.getComputeEnvironments(uri)],
      ['computeStatus (owner list)', (uri) => ProviderInstance.computeStatus(uri, bed.consumer)],
    ]
    const rows: BenchRow[] = []
    for (const [label, call] of commands) {
      process.stderr.write(`bench: provider: P2P ${label} …\n`)
      const http = await time(() => call(bed.url))
      const p2p = await time(() => call(node))
      const name = (what: string) => `P2P ${label}, 1 caller: ${what}`
      rows.push(
        {
          suite,
          name: name('calls/s'),
          value: p2p.perSec,
          unit: 'calls/s',
          baseline: { name: 'same call over HTTP', value: http.perSec },
        },
        {
          suite,
          name: name('p50'),
          value: p2p.p50Ms,
          unit: 'ms',
          baseline: { name: 'same call over HTTP', value: http.p50Ms },
        },
        {
          suite,
          name: name('p99'),
          value: p2p.p99Ms,
          unit: 'ms',
          baseline: { name: 'same call over HTTP', value: http.p99Ms },
        },
      )
    }
    rows[0] = {
      ...rows[0]!,
      note: `ocean.js 8.6.2 ProviderInstance, sequential, ${CALLS} calls per command after 10 warm-up; P2P = multiaddr /ip4/127.0.0.1/tcp/…/ws (one stream per command over a reused connection), HTTP = the Provider URL; dev chain, log level silent`,
    }
    return rows
  } finally {
    await stopOceanP2p()
    await bed.core.stop()
    bed.rpc.destroy()
  }
}
