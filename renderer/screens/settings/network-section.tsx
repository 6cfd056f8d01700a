// Settings → Network: the P2P switch, the public URL and the announce addresses. A change is applied
// at once (and kept for the next start) only after the publisher has read what it exposes; when the
// DDOs' serviceEndpoint moves, the re-publish transactions show as they are sent and mined.
import { useEffect, useState } from 'react'
import type { MethodOutput } from '../../../engine/console-api/contract'
import { Button, Paper, Stack, Switch, Table, Text, TextInput, Textarea, Title } from '@mantine/core'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { ErrorMessage } from '../../components/error-message'
import { AddressLabel, shortenValue } from '../../components/labels/address-label'
import { useAssets } from '../../server-state/assets'
import { useNetworkSettings, useSaveNetworkSettings } from '../../server-state/network'
import { usePublishProgress } from '../../server-state/publish-progress'
import { useSettings } from '../../server-state/settings'
import {
  bindAddressWarning,
  exposureWarnings,
  parseAnnounceAddresses,
  type NetworkForm,
} from './network-exposure'

export function NetworkSection() {
  const network = useNetworkSettings()
  const save = useSaveNetworkSettings()
  const assets = useAssets()
  const progress = usePublishProgress()
  const settings = useSettings()
  const [p2pEnabled, setP2pEnabled] = useState(false)
  const [publicUrl, setPublicUrl] = useState('')
  const [announce, setAnnounce] = useState('')
  const [pending, setPending] = useState<NetworkForm | null>(null)
  useEffect(() => {
    if (!network.data) return
    setP2pEnabled(network.data.p2pEnabled)
    setPublicUrl(network.data.publicUrl ?? '')
    setAnnounce(network.data.announceAddresses.join('\n'))
  }, [network.data])

  // A failed refetch keeps the form shown (marked not live by the shell while unreachable).
  if (!network.data)
    return network.isError ? (
      <ErrorMessage title="Could not load network settings" error={network.error} />
    ) : (
      <p role="status">Loading network settings…</p>
    )
  const current = network.data
  const next: NetworkForm = {
    p2pEnabled,
    publicUrl: publicUrl.trim() ? publicUrl.trim().replace(/\/+$/, '') : null,
    announceAddresses: parseAnnounceAddresses(announce),
  }
  const bindWarning = settings.data ? bindAddressWarning(settings.data.providerHost) : undefined
  const warnings = pending ? exposureWarnings(current, pending, assets.data?.assets.length ?? 0) : []
  // While applying: the newest setMetaData steps, live from onPublishProgress (sent, then mined).
  const assetCount = assets.data?.assets.length ?? 0
  const republishing = save.isPending
    ? (progress.data ?? []).filter((e) => e.step === 'metadata').slice(0, assetCount)
    : []

  return (
    <section aria-labelledby="network-title">
      <Title order={3} id="network-title">
        Network
      </Title>
      <form
        aria-label="Network settings"
        onSubmit={(e) => {
          e.preventDefault()
          setPending(next)
        }}
      >
        <Stack gap="sm" maw={640}>
          <Switch
            label="P2P interface (Ocean's /ocean/nodes/1.0.0 network)"
            checked={p2pEnabled}
            onChange={(e) => setP2pEnabled(e.currentTarget.checked)}
          />
          <Text size="sm">
            P2P lets consumers reach this console by its peer ID, through relays when it is behind NAT. The
            public URL is the HTTPS address consumers use (reverse proxy, tunnel or this machine&apos;s
            certificate); leave it empty for none. Announce addresses are extra addresses P2P peers are told,
            e.g. a public IP with a forwarded port.
          </Text>
          <TextInput
            label="Public URL"
            placeholder="https://provider.example.org"
            value={publicUrl}
            onChange={(e) => setPublicUrl(e.currentTarget.value)}
          />
          <Textarea
            label="Announce addresses (one multiaddr per line)"
            placeholder="/ip4/203.0.113.7/tcp/9000"
            rows={3}
            value={announce}
            onChange={(e) => setAnnounce(e.currentTarget.value)}
          />
          {bindWarning && (
            <Paper withBorder p="sm" data-testid="bind-warning">
              <Text size="sm">
                <strong>Provider bind address.</strong> {bindWarning}
              </Text>
            </Paper>
          )}
          <Text size="sm">
            DDOs name: <code data-testid="service-endpoint">{current.serviceEndpoint}</code>
          </Text>
          <div>
            <Button type="submit" loading={save.isPending}>
              Apply network settings
            </Button>
          </div>
        </Stack>
      </form>
      <ConfirmDialog
        opened={pending !== null}
        title="Change how this console is reachable?"
        confirmLabel="Apply and expose"
        onCancel={() => setPending(null)}
        onConfirm={() => {
          if (!pending) return
          save.mutate(pending)
          setPending(null)
        }}
      >
        {warnings.length === 0 ? (
          'Nothing changes what is reachable.'
        ) : (
          <span role="list" aria-label="What this change exposes">
            {warnings.map((w) => (
              <span role="listitem" key={w} style={{ display: 'block', marginBottom: 8 }}>
                {w}
              </span>
            ))}
          </span>
        )}
      </ConfirmDialog>
      {save.isPending && (
        <div role="status" aria-label="Applying network settings">
          <Text size="sm">Applying… DDOs are re-published if their endpoint moves.</Text>
          {republishing.map((e, i) => (
            <Text size="sm" key={`${e.did}-${e.txHash ?? i}`}>
              {e.did ? shortenValue(e.did) : 'asset'}: {e.status}
              {e.txHash ? ` (${shortenValue(e.txHash)})` : ''}
            </Text>
          ))}
        </div>
      )}
      {save.isError && <ErrorMessage title="Could not apply the network settings" error={save.error} />}
      {save.isSuccess && <RepublishResult result={save.data.republish} />}
    </section>
  )
}

function RepublishResult({ result }: { result: MethodOutput<'saveNetworkSettings'>['republish'] }) {
  if (result.state === 'not-needed')
    return <Text role="status">Applied. The DDOs already name {result.endpoint}.</Text>
  if (result.state === 'no-chain')
    return <Text role="status">Applied. No chain is connected, so no DDO was re-published.</Text>
  return (
    <Paper withBorder p="sm" role="status">
      <Text fw={600}>
        {result.state === 'done'
          ? `Applied. ${result.assets.length} DDO${result.assets.length === 1 ? '' : 's'} re-published with ${result.endpoint}`
          : 'Applied, but the DDOs were not all re-published'}
      </Text>
      {result.state === 'failed' && (
        <Text size="sm">{result.error} They are re-published at the next change or start.</Text>
      )}
      {result.assets.length > 0 && (
        <Table aria-label="Re-published DDOs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Asset</Table.Th>
              <Table.Th>setMetaData tx (mined)</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {result.assets.map((a) => (
              <Table.Tr key={a.did}>
                <Table.Td>
                  <AddressLabel value={a.did} what="DID" />
                </Table.Td>
                <Table.Td>{a.txHash ? <AddressLabel value={a.txHash} what="tx hash" /> : 'unknown'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  )
}
