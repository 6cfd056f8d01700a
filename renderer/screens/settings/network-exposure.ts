// What a Network change exposes, in words, before the publisher confirms it (pure: tested alone).
export interface NetworkForm {
  p2pEnabled: boolean
  publicUrl: string | null
  announceAddresses: string[]
}

/** The consequences of going from `before` to `after`; empty when nothing changes. */
export function exposureWarnings(before: NetworkForm, after: NetworkForm, assetCount: number): string[] {
  const warnings: string[] = []
  if (after.p2pEnabled && !before.p2pEnabled)
    warnings.push(
      "P2P on: anyone on Ocean's P2P network can reach this Provider by its peer ID, even behind NAT " +
        '(through relays): environments, nonces, compute start/status/stop, and results and logs for the ' +
        "jobs' owners. The console opens its P2P listening ports and contacts Ocean's bootstrap nodes.",
    )
  if (!after.p2pEnabled && before.p2pEnabled)
    warnings.push('P2P off: consumers who reach this Provider by its peer ID can no longer reach it.')
  if (after.publicUrl && after.publicUrl !== before.publicUrl)
    warnings.push(
      `Public URL ${after.publicUrl}: consumers will send every Provider request there. Make sure it ` +
        'reaches this Provider (reverse proxy, tunnel or an HTTPS certificate on the bind address); the ' +
        'Reachability panel checks it.',
    )
  if (!after.publicUrl && before.publicUrl)
    warnings.push(`Public URL removed: consumers can no longer use ${before.publicUrl}.`)
  if (
    after.announceAddresses.join('\n') !== before.announceAddresses.join('\n') &&
    after.announceAddresses.length > 0
  )
    warnings.push(`Announced to P2P peers: ${after.announceAddresses.join(', ')}.`)
  const endpointMoves =
    after.publicUrl !== before.publicUrl || (!after.publicUrl && after.p2pEnabled !== before.p2pEnabled)
  if (endpointMoves && assetCount > 0)
    warnings.push(
      `Every asset's DDO names the new endpoint: ${assetCount} asset${assetCount === 1 ? '' : 's'} will ` +
        'be re-published, one on-chain transaction each, paid from the provider wallet.',
    )
  return warnings
}

/** One multiaddr per line; blank lines dropped. */
export function parseAnnounceAddresses(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
}

/** The exposure of the Provider's bind address; undefined for loopback (this machine only). */
export function bindAddressWarning(address: string): string | undefined {
  const host = address.trim()
  if (['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host) || host.startsWith('127.')) return undefined
  const who = ['0.0.0.0', '::', '[::]'].includes(host)
    ? 'every network this machine is on'
    : `the network of ${host}`
  return (
    `The Provider listens on ${host}: anyone on ${who} can send it Provider requests over plain HTTP. ` +
    'Keep it behind a firewall or a TLS reverse proxy you control, or serve HTTPS with a certificate.'
  )
}
