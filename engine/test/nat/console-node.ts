/**
 * NAT test, private namespace behind the masquerading router: the console (dev chain, samples,
 * local driver) with P2P on, bootstrapped on the relay only. Prints `{ peerId, samples, relayed }`
 * once it holds a relay reservation, runs until killed.
 */
import { startOceanTestbed } from '../ocean-consumer'

const [bootstrap] = process.argv.slice(2)
const bed = await startOceanTestbed('c2d-nat-console-', {
  p2p: {
    enabled: true,
    listenAddresses: ['/ip4/0.0.0.0/tcp/0', '/ip4/0.0.0.0/tcp/0/ws'],
    bootstrapPeers: [bootstrap!],
    relayClient: true,
    upnp: false,
  },
})
const p2p = bed.core.p2p!
for (let i = 0; i < 300 && p2p.reachability().relayed.length === 0; i++)
  await new Promise((resolve) => setTimeout(resolve, 100))
console.log(
  JSON.stringify({
    peerId: p2p.peerId.toString(),
    relayed: p2p.reachability().relayed,
    direct: p2p.reachability().direct,
    samples: bed.devChain.samples,
  }),
)
process.on('SIGTERM', () => void bed.core.stop().then(() => process.exit(0)))
