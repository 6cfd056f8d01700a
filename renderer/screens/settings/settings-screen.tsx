// Settings: the Provider (bind address, port, public URL with its exposure in words), the chain,
// the publisher wallet (create, import, unlock, lock, export; balances), desktop notifications and the theme. Each part
// is its own section component, so others (e.g. the network section) slot in beside them.
import {
  SegmentedControl,
  Stack,
  Text,
  Title,
  useMantineColorScheme,
  type MantineColorScheme,
} from '@mantine/core'
import { AfterFirstPaint } from '../../components/after-first-paint'
import { useSettings } from '../../server-state/settings'
import { ErrorMessage } from '../../components/error-message'
import { ProviderSection } from './provider-section'
import { ChainSection } from './chain-section'
import { WalletSection } from './wallet-section'
import { NetworkSection } from './network-section'
import { NotificationsSection } from './notifications-section'
import { useOverview } from '../../server-state/overview'
import { ChainError } from '../overview/overview-screen'

function ThemeSection() {
  const { colorScheme, setColorScheme } = useMantineColorScheme()
  return (
    <Stack gap={4} role="group" aria-labelledby="theme-label">
      <Text id="theme-label" fw={600}>
        Theme
      </Text>
      <SegmentedControl
        value={colorScheme}
        onChange={(value) => setColorScheme(value as MantineColorScheme)}
        data={[
          { value: 'auto', label: 'Follow the system' },
          { value: 'light', label: 'Light' },
          { value: 'dark', label: 'Dark' },
        ]}
      />
    </Stack>
  )
}

export function SettingsScreen() {
  return (
    <Stack component="section" aria-labelledby="settings-title" gap="lg">
      <Title order={2} id="settings-title">
        Settings
      </Title>
      <AfterFirstPaint>
        <SettingsSections />
      </AfterFirstPaint>
    </Stack>
  )
}

// Its queries (and their refetch on mount) start below AfterFirstPaint, as the other screens' do:
// the heading paints on its own first.
function SettingsSections() {
  const settings = useSettings()
  const chainError = useOverview().data?.chainError ?? null
  return (
    <>
      {settings.isPending && (
        <Text role="status" size="sm">
          Loading settings…
        </Text>
      )}
      {settings.isError && <ErrorMessage title="Could not load settings" error={settings.error} />}
      <WalletSection />
      {settings.data && <ProviderSection settings={settings.data} />}
      <NetworkSection />
      {chainError ? <ChainError error={chainError} /> : null}
      {settings.data && <ChainSection settings={settings.data} />}
      <NotificationsSection />
      <ThemeSection />
    </>
  )
}
