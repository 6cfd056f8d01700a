/**
 * NAT test, private namespace behind the masquerading router: the console (dev chain, samples,
 * local driver) with P2P on, bootstrapped on the relay only. Its embedded chain's JSON-RPC is also
 * offered on a Unix socket (`rpc-forward.ts` publishes it on the public network). Prints
 * `{ peerId, devChain, relayed }` once it holds a relay reservation, runs until killed.
 */
import { rmSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { startOceanTestbed } from '../ocean-consumer'

const [bootstrap, rpcSocket] = process.argv.slice(2)
const bed = await startOceanTestbed('c2d-nat-console-', {
  p2p: {
    enabled: true,
    listenAddresses: ['/ip4/0.0.0.0/tcp/0', '/ip4/0.0.0.0/tcp/0/ws'],
    bootstrapPeers: [bootstrap!],
    relayClient: true,
    upnp: false,
  },
})
const chainRpc = new URL(bed.devChain.rpcUrl)
rmSync(rpcSocket!, { force: true })
const rpcServer = createServer((client) => {
  const upstream = connect(Number(chainRpc.port), chainRpc.hostname)
  client.pipe(upstream).pipe(client)
  const close = () => {
    client.destroy()
    upstream.destroy()
  }
  client.on('error', close)
  upstream.on('error', close)
})
await new Promise<void>((resolve) => rpcServer.listen(rpcSocket!, resolve))
const p2p = bed.core.p2p!
for (let i = 0; i < 300 && p2p.reachability().relayed.length === 0; i++)
  await new Promise((resolve) => setTimeout(resolve, 100))
console.log(
  JSON.stringify({
    peerId: p2p.peerId.toString(),
    relayed: p2p.reachability().relayed,
    direct: p2p.reachability().direct,
    devChain: bed.devChain,
  }),
)
process.on('SIGTERM', () => {
  rpcServer.close()
  void bed.core.stop().then(() => process.exit(0))
})
