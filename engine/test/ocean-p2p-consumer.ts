/**
 * ocean.js' P2pProvider as a consumer runs it. ocean.js 8.6.2 bundles libp2p's *browser* build:
 * it dials WebSockets only (TCP "is not possible in browsers"), through `globalThis.WebSocket`, and
 * names itself from `navigator.userAgent`. Node 22 has both globals; on Node 20 this module
 * supplies the web-standard WebSocket (undici's) and a user agent, and nothing else — ocean.js
 * itself is unmodified.
 */
import '../p2p/node-compat'
import { ProviderInstance } from '@oceanprotocol/lib'
import { WebSocket } from 'undici'

const web = globalThis as unknown as { WebSocket?: unknown }
web.WebSocket ??= WebSocket

/** Sets up ocean.js' libp2p client with these bootstrap peers (none: dial multiaddrs directly). */
export async function setupOceanP2p(bootstrapPeers: string[] = []): Promise<void> {
  await ProviderInstance.getP2PProvider().setupP2P({
    bootstrapPeers,
    libp2p: { nodeInfo: { userAgent: 'c2d-console-test' } } as never,
  })
}

export async function stopOceanP2p(): Promise<void> {
  await ProviderInstance.getP2PProvider().getLibp2pNode()?.stop()
}
