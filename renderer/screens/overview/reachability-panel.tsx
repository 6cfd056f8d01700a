// Overview → Reachability: how consumers reach this console (public URL self-check, P2P peer ID,
// direct and relayed addresses, NAT verdict) and what to fix when they cannot.
import { Group, List, Paper, Stack, Text, Title } from '@mantine/core'
import { CopyValueButton } from '../../components/copy-value-button'
import { ErrorMessage } from '../../components/error-message'
import { useReachability } from '../../server-state/network'
import { httpStatus, natStatus, reachabilityFixes } from './reachability-fixes'

export function ReachabilityPanel() {
  const reachability = useReachability()
  if (reachability.isPending) return <p role="status">Checking reachability…</p>
  if (reachability.isError)
    return <ErrorMessage title="Could not check reachability" error={reachability.error} />
  const r = reachability.data
  const fixes = reachabilityFixes(r)
  return (
    <section aria-labelledby="reachability-title">
      <Title order={3} id="reachability-title">
        Reachability
      </Title>
      <Stack gap="xs">
        <Group gap="xs">
          <Text fw={600}>HTTP</Text>
          <Text span data-testid="http-status">
            {httpStatus(r)}
          </Text>
          <Text size="sm">bound to {r.http.bindHost}</Text>
        </Group>
        <Group gap="xs">
          <Text fw={600}>P2P</Text>
          <Text span data-testid="nat-status">
            {natStatus(r)}
          </Text>
          {r.p2p.enabled && <Text size="sm">{r.p2p.connections} peers connected</Text>}
        </Group>
        {r.p2p.peerId && (
          <Text size="sm">
            Peer ID: <code data-testid="peer-id">{r.p2p.peerId}</code>{' '}
            <CopyValueButton value={r.p2p.peerId} label="Copy peer ID" variant="subtle" />
          </Text>
        )}
        {r.p2p.relayed.length > 0 && (
          <div>
            <Text size="sm" fw={600}>
              Relay reservations
            </Text>
            <List size="sm" aria-label="Relay reservations">
              {r.p2p.relayed.map((a) => (
                <List.Item key={a}>
                  <code>{a}</code>
                </List.Item>
              ))}
            </List>
          </div>
        )}
        {r.p2p.direct.length > 0 && (
          <div>
            <Text size="sm" fw={600}>
              Direct addresses
            </Text>
            <List size="sm" aria-label="Direct addresses">
              {r.p2p.direct.map((a) => (
                <List.Item key={a}>
                  <code>{a}</code>
                </List.Item>
              ))}
            </List>
          </div>
        )}
        {fixes.length > 0 && (
          <Paper withBorder p="sm">
            <Text fw={600} size="sm">
              To be reachable from outside
            </Text>
            <List size="sm" aria-label="Reachability fixes">
              {fixes.map((f) => (
                <List.Item key={f}>{f}</List.Item>
              ))}
            </List>
          </Paper>
        )}
      </Stack>
    </section>
  )
}
