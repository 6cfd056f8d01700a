// How consumers reach this console, in words, and what to do when they cannot (pure: tested alone).
import type { MethodOutput } from '../../../engine/console-api/contract'

export type Reachability = MethodOutput<'getReachability'>

/** The NAT verdict shown beside the P2P facts. */
export function natStatus(r: Reachability): string {
  if (!r.p2p.enabled) return 'P2P off'
  if (!r.p2p.peerId) return 'P2P waiting for the node key'
  if (r.p2p.relayed.length > 0) return 'Behind NAT, reachable through a relay'
  if (r.p2p.isReachable) return 'Reachable directly (public address)'
  return 'Not reachable from outside yet'
}

export function httpStatus(r: Reachability): string {
  switch (r.http.selfCheck.state) {
    case 'ok':
      return `${r.http.publicUrl} answers as this node`
    case 'mismatch':
      return `${r.http.publicUrl} answers as another node`
    case 'unreachable':
      return `${r.http.publicUrl} does not answer`
    default:
      return 'No public URL'
  }
}

/** What to do next, most important first; empty when consumers can reach the console both ways. */
export function reachabilityFixes(r: Reachability): string[] {
  const fixes: string[] = []
  const check = r.http.selfCheck
  if (check.state === 'not-configured')
    fixes.push(
      'No public URL: over HTTP only this machine reaches the Provider. Put it behind a reverse proxy or a ' +
        'tunnel (README recipes) and enter that HTTPS URL in Settings → Network.',
    )
  if (check.state === 'mismatch')
    fixes.push(
      `The public URL answers with provider address ${check.seenProviderAddress ?? 'unknown'}, not this node's: ` +
        'point the proxy or tunnel at this console.',
    )
  if (check.state === 'unreachable')
    fixes.push(
      `GET ${r.http.publicUrl}/ failed${check.detail ? ` (${check.detail})` : ''}: check DNS, the proxy or ` +
        'tunnel, the certificate, and that it forwards to the bind address.',
    )
  if (!r.p2p.enabled)
    fixes.push('P2P is off: turn it on in Settings → Network to be reachable by peer ID, even behind NAT.')
  else if (!r.p2p.peerId)
    fixes.push(
      'P2P is on but has no identity: unlock the provider wallet in Settings (the peer ID derives from it).',
    )
  else if (r.p2p.connections === 0)
    fixes.push(
      'No P2P peers connected: outbound connections to the bootstrap nodes fail. Check the firewall and the ' +
        'bootstrap peers.',
    )
  else if (!r.p2p.isReachable)
    fixes.push(
      'No relay reservation and no public address yet: wait for a relay, add relay peers, allow UPnP on the ' +
        'router, or forward the TCP port and add it as an announce address.',
    )
  return fixes
}
