/**
 * NAT test, "public" namespace: a bootstrap node that is also a circuit relay v2 server and an
 * Ocean DHT server. Prints `{ peerId }` once listening, runs until killed.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { consoleConfigSchema } from '../../config/schema'
import { MemoryLogger } from '../../logging'
import { startP2pNode } from '../../p2p/p2p-node'

const [tcpPort, wsPort] = process.argv.slice(2)
const config = consoleConfigSchema.parse({
  dataDir: '/nonexistent',
  p2p: {
    enabled: true,
    listenAddresses: [`/ip4/0.0.0.0/tcp/${tcpPort}`, `/ip4/0.0.0.0/tcp/${wsPort}/ws`],
    bootstrapPeers: [],
    relayClient: false,
    relayServer: true,
    upnp: false,
    dhtAnnouncePrivate: true,
  },
}).p2p
const node = await startP2pNode({
  config,
  privateKey: await generateKeyPair('secp256k1'),
  logger: new MemoryLogger(),
})
console.log(JSON.stringify({ peerId: node.peerId.toString() }))
process.on('SIGTERM', () => void node.stop().then(() => process.exit(0)))
