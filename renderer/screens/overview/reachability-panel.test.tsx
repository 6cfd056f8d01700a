import { describe, expect, it } from 'vitest'
import { screen, within } from '@testing-library/react'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole } from '../../test-support/fake-console-service'

describe('Overview → Reachability', () => {
  it('shows the peer ID, the relay reservation and the public URL check', async () => {
    const relayed = '/ip4/198.51.100.1/tcp/9000/p2p/16Uiu2HAmRelay/p2p-circuit/p2p/16Uiu2HAmPeer'
    renderApp(
      'overview',
      createFakeConsole({
        reachability: {
          p2p: {
            enabled: true,
            peerId: '16Uiu2HAmPeer',
            direct: ['/ip4/10.0.0.2/tcp/9000/p2p/16Uiu2HAmPeer'],
            relayed: [relayed],
            connections: 2,
            isReachable: true,
          },
          http: { bindHost: '0.0.0.0', publicUrl: 'https://p.example', selfCheck: { state: 'ok' } },
        },
      }),
    )
    const panel = within(await screen.findByRole('region', { name: 'Reachability' }, { timeout: 5000 }))
    expect((await panel.findByTestId('peer-id')).textContent).toBe('16Uiu2HAmPeer')
    expect(panel.getByTestId('nat-status').textContent).toBe('Behind NAT, reachable through a relay')
    expect(panel.getByTestId('http-status').textContent).toBe('https://p.example answers as this node')
    expect(within(panel.getByRole('list', { name: 'Relay reservations' })).getByText(relayed)).toBeTruthy()
    expect(panel.queryByRole('list', { name: 'Reachability fixes' })).toBeNull()
  }, 20_000)

  it('says how to become reachable when P2P is off and no public URL is set', async () => {
    renderApp('overview')
    const panel = within(await screen.findByRole('region', { name: 'Reachability' }, { timeout: 5000 }))
    const fixes = within(await panel.findByRole('list', { name: 'Reachability fixes' }))
    expect(fixes.getByText(/No public URL/)).toBeTruthy()
    expect(fixes.getByText(/P2P is off: turn it on in Settings → Network/)).toBeTruthy()
    expect(panel.queryByTestId('peer-id')).toBeNull()
  }, 20_000)
})
