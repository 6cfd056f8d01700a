/**
 * The console's P2P interface: a libp2p node compatible with Ocean Node's network. TCP and
 * WebSockets, noise, yamux, identify, Ocean's kad-DHT (`/ocean/nodes/1.0.0/kad/1.0.0`), circuit
 * relay v2 as a client that reserves a slot on relays (listening on `/p2p-circuit`), AutoNAT, DCUtR
 * hole punching and, when allowed, UPnP/NAT-PMP port mapping. Commands on `/ocean/nodes/1.0.0` go
 * to the Provider (protocol-handler.ts).
 *
 * P2P layer: provider (through the injected Provider app), config, logging. Never console-api,
 * operator-*, electron or react.
 */
import './node-compat'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { autoNAT } from '@libp2p/autonat'
import { bootstrap } from '@libp2p/bootstrap'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { dcutr } from '@libp2p/dcutr'
import { identify, identifyPush } from '@libp2p/identify'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { kadDHT, passthroughMapper, removePrivateAddressesMapper } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { uPnPNAT } from '@libp2p/upnp-nat'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p, type Libp2p } from 'libp2p'
import type { P2pConfig } from '../config/schema'
import type { Logger } from '../logging'
import { createProtocolHandler, OCEAN_PROTOCOL, type ProviderInject } from './protocol-handler'

export const OCEAN_DHT_PROTOCOL = '/ocean/nodes/1.0.0/kad/1.0.0'

/** How this node can be reached (the console's reachability view). */
export interface P2pReachability {
  peerId: string
  /** Addresses peers can dial directly. */
  direct: string[]
  /** `/p2p-circuit` addresses through a relay where this node holds a reservation. */
  relayed: string[]
  /** Connected peers right now. */
  connections: number
  /** true when some address (direct public, or relayed) lets an outside peer in. */
  isReachable: boolean
}

export interface RunningP2pNode {
  peerId: PeerId
  libp2p: Libp2p
  reachability(): P2pReachability
  /** Fires when this node's own addresses change (a relay reservation is made or lost, UPnP maps). */
  onDidChangeAddresses(listener: () => void): () => void
  stop(): Promise<void>
}

export interface P2pNodeOptions {
  config: P2pConfig
  privateKey: PrivateKey
  logger: Logger
  /** The Provider; undefined for a node that only relays (tests, a bootstrap node). */
  inject?: ProviderInject
}

const CIRCUIT = /\/p2p-circuit(\/|$)/

function isPublicAddress(address: string): boolean {
  const ip4 = /^\/ip4\/(\d+)\.(\d+)\.\d+\.\d+/.exec(address)
  if (!ip4) return /^\/(dns4|dns6|dns)\//.test(address)
  const [a, b] = [Number(ip4[1]), Number(ip4[2])]
  return !(
    a === 10 ||
    a === 127 ||
    (a === 172 && b >= 16 && b < 32) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) ||
    a === 0
  )
}

export async function startP2pNode(options: P2pNodeOptions): Promise<RunningP2pNode> {
  const { config, logger } = options
  const log = logger.child({ component: 'p2p' })
  const listen = [...config.listenAddresses, ...(config.relayClient ? ['/p2p-circuit'] : [])]
  const discovery = [...config.bootstrapPeers, ...config.relayPeers]
  const libp2p = await createLibp2p({
    privateKey: options.privateKey,
    addresses: {
      listen,
      ...(config.announceAddresses.length > 0 ? { appendAnnounce: config.announceAddresses } : {}),
    },
    transports: [tcp(), webSockets(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: discovery.length > 0 ? [bootstrap({ list: discovery, timeout: 1000 })] : [],
    // Private addresses are dialled too: a LAN, loopback and the NAT test live there.
    connectionGater: { denyDialMultiaddr: () => false },
    services: {
      identify: identify(),
      identifyPush: identifyPush(),
      ping: ping(),
      dht: kadDHT({
        protocol: OCEAN_DHT_PROTOCOL,
        clientMode: false,
        kBucketSize: 20,
        allowQueryWithZeroPeers: false,
        peerInfoMapper: config.dhtAnnouncePrivate ? passthroughMapper : removePrivateAddressesMapper,
      }),
      autoNAT: autoNAT(),
      dcutr: dcutr(),
      ...(config.upnp ? { upnpNAT: uPnPNAT() } : {}),
      ...(config.relayServer ? { circuitRelay: circuitRelayServer() } : {}),
    },
  })
  if (options.inject) {
    const handler = createProtocolHandler({
      inject: options.inject,
      peerId: () => libp2p.peerId.toString(),
      logger,
    })
    // Relayed connections are "limited": ocean.js opens its stream with runOnLimitedConnection.
    await libp2p.handle(OCEAN_PROTOCOL, handler, { runOnLimitedConnection: true, maxInboundStreams: 64 })
  }
  // Bootstrap peers are discovered, not dialled: dial them so the DHT and the relay client start.
  libp2p.addEventListener('peer:discovery', (event) => {
    const peer = event.detail
    if (libp2p.getConnections(peer.id).length > 0) return
    libp2p.dial(peer.id, { signal: AbortSignal.timeout(10_000) }).catch((error: unknown) => {
      log.debug('could not dial a discovered peer', { peer: peer.id.toString(), error: String(error) })
    })
  })
  const listeners = new Set<() => void>()
  libp2p.addEventListener('self:peer:update', () => {
    for (const listener of listeners) listener()
  })
  log.info('p2p node started', {
    peerId: libp2p.peerId.toString(),
    addresses: libp2p.getMultiaddrs().map(String),
  })
  return {
    peerId: libp2p.peerId,
    libp2p,
    reachability() {
      const addresses = libp2p.getMultiaddrs().map(String)
      const direct = addresses.filter((a) => !CIRCUIT.test(a))
      const relayed = addresses.filter((a) => CIRCUIT.test(a))
      return {
        peerId: libp2p.peerId.toString(),
        direct,
        relayed,
        connections: libp2p.getConnections().length,
        isReachable: relayed.length > 0 || direct.some(isPublicAddress),
      }
    },
    onDidChangeAddresses(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    stop: async () => {
      await libp2p.stop()
    },
  }
}
