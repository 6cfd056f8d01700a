// Where the Provider listens and the URL consumers are given (every DDO's serviceEndpoint), with
// the exposure said in words: a wildcard bind is reachable from every network this machine is on,
// and a loopback URL in DDOs is reachable from nowhere else. Saved to config.json; bind and port apply
// at the next start (the public URL is the Network section's, applied at once).
import { useState } from 'react'
import {
  Alert,
  Button,
  Card,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  TextInput,
  Title,
} from '@mantine/core'
import type { MethodOutput } from '../../../engine/console-api/contract'
import { useSaveSettings } from '../../server-state/settings'
import { ErrorMessage } from '../../components/error-message'
import { fieldErrorsFromError } from '../../components/field-errors'
import { bindAddressWarning } from './network-exposure'

type Settings = MethodOutput<'getSettings'>

/** What a publisher should know about a bind address and public URL, in words (empty: nothing). */
export function exposureWarnings(host: string, publicUrl: string): string[] {
  const out: string[] = []
  const h = host.trim()
  // The same words as the Network section's (one function for both).
  const bind = h ? bindAddressWarning(h) : undefined
  if (bind) out.push(bind)
  const url = publicUrl.trim()
  let urlHost = ''
  try {
    urlHost = url ? new URL(url).hostname : ''
  } catch {
    // Reported as a field error instead.
  }
  if (!url)
    out.push(
      "No public URL: DDOs name this machine's bound address, which consumers on other machines cannot reach. Set the public URL (e.g. https://provider.example.com) under Network once the Provider is reachable from outside.",
    )
  if (urlHost === '127.0.0.1' || urlHost === 'localhost' || urlHost === '0.0.0.0')
    out.push(`The public URL names ${urlHost}: consumers on other machines cannot reach it.`)
  return out
}

export function ProviderSection({ settings }: { settings: Settings }) {
  const save = useSaveSettings()
  const [host, setHost] = useState(settings.providerHost)
  const [port, setPort] = useState<number | string>(settings.providerPort)
  const [logLevel, setLogLevel] = useState(settings.logLevel)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const serverErrors = fieldErrorsFromError(save.error)
  const shown = { ...serverErrors, ...errors }
  // The public URL is set in the Network section (it applies at once and re-publishes the DDOs).
  const warnings = exposureWarnings(host, settings.publicUrl ?? '')
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="provider-settings-title">
      <form
        aria-label="Provider settings"
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          const found: Record<string, string> = {}
          if (typeof port !== 'number' || port < 0 || port > 65535)
            found.providerPort = 'A port from 0 to 65535.'
          setErrors(found)
          if (Object.keys(found).length > 0) return
          save.mutate({
            providerHost: host.trim(),
            providerPort: port as number,
            logLevel,
          })
        }}
      >
        <Stack gap="sm">
          <Title order={3} size="h4" id="provider-settings-title">
            Provider
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Provider bind address"
              description="127.0.0.1: this machine only; 0.0.0.0: every network"
              value={host}
              onChange={(e) => setHost(e.currentTarget.value)}
              error={shown.providerHost ?? shown['provider.host']}
            />
            <NumberInput
              label="Provider port"
              min={0}
              max={65535}
              value={port}
              onChange={setPort}
              error={shown.providerPort ?? shown['provider.port']}
            />
          </SimpleGrid>
          {warnings.map((w) => (
            <Alert key={w} color="yellow" variant="light" title="Exposure">
              {w}
            </Alert>
          ))}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label="Log level"
              allowDeselect={false}
              value={logLevel}
              onChange={(value) => value && setLogLevel(value as Settings['logLevel'])}
              data={['debug', 'info', 'warn', 'error']}
            />
            <TextInput label="Data directory" value={settings.dataDir} readOnly />
          </SimpleGrid>
          <Group>
            <Button type="submit" loading={save.isPending}>
              Save settings
            </Button>
          </Group>
          {save.isSuccess && (
            <Alert role="status" color="green" variant="light">
              Saved. The bind address, port and log level take effect when the console next starts. The public
              URL (Network section) applies at once and re-publishes every asset&apos;s DDO.
            </Alert>
          )}
          {save.isError && <ErrorMessage title="Could not save settings" error={save.error} />}
        </Stack>
      </form>
    </Card>
  )
}
