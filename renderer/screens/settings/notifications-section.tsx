// Settings → Desktop notifications: failed jobs, refused consumer requests and payments claimed,
// told outside the console (in-app notifications show either way). In the desktop app the switch is
// the same preference as File → Desktop notifications (main/ answers the call); in the browser the
// engine keeps the choice and this page shows them through the browser's Notification API, so
// turning it on first asks the browser's permission (a user expects the browser to ask, and nothing
// to be saved as "on" that the browser would then refuse to show).
import { useState } from 'react'
import { Alert, Stack, Switch, Text, Title } from '@mantine/core'
import type { MethodOutput } from '../../../engine/console-api/contract'
import { useNotificationSettings, useSetNotificationSettings } from '../../server-state/settings'
import { ErrorMessage } from '../../components/error-message'
import {
  browserNotificationPermission,
  requestBrowserNotificationPermission,
  type BrowserNotificationPermission,
} from '../../console-client/browser-notifications'

const WHAT = 'A failed job, a refused consumer request and a claimed payment'

function description(settings: MethodOutput<'getNotificationSettings'>): string {
  if (settings.surface === 'desktop-app')
    return settings.isSupported
      ? `${WHAT} show as system notifications, also while the window is hidden or closed to the tray. The same switch is in the File menu.`
      : 'This desktop has no notification service, so none can be shown. The console still tells them inside the window.'
  return `${WHAT} show as browser notifications while this tab is in the background (in front, the console tells them on the page). Turning this on asks your browser's permission.`
}

/** Why the browser will not show them, in words with the next step; null when it will. */
function browserBlock(permission: BrowserNotificationPermission): string | null {
  if (permission === 'unsupported')
    return 'This browser has no notifications; the console tells them on the page.'
  if (permission === 'denied')
    return 'Your browser blocks notifications for this page. Allow them in the site settings (the icon beside the address), then turn this on.'
  return null
}

export function NotificationsSection() {
  const settings = useNotificationSettings()
  const save = useSetNotificationSettings()
  // The browser's answer, re-read after each ask (the user may also change it in site settings).
  const [permission, setPermission] = useState(browserNotificationPermission)
  const [notAllowed, setNotAllowed] = useState(false)
  const data = settings.data
  const isBrowser = data?.surface === 'browser'
  const block = isBrowser ? browserBlock(permission) : null

  const onChange = async (isOn: boolean) => {
    setNotAllowed(false)
    if (isOn && isBrowser) {
      const answer = await requestBrowserNotificationPermission()
      setPermission(answer)
      // Not saved as on: the browser would show nothing.
      if (answer !== 'granted') return setNotAllowed(true)
    }
    save.mutate({ desktopNotifications: isOn })
  }

  return (
    <section aria-labelledby="notifications-title">
      <Title order={3} size="h4" id="notifications-title">
        Notifications
      </Title>
      {settings.isPending && (
        <Text role="status" size="sm">
          Loading the notification setting…
        </Text>
      )}
      {settings.isError && (
        <ErrorMessage title="Could not read the notification setting" error={settings.error} />
      )}
      {data && (
        <Stack gap="xs" mt={4}>
          <Switch
            label="Desktop notifications"
            description={description(data)}
            checked={data.desktopNotifications}
            disabled={
              save.isPending ||
              (data.surface === 'desktop-app'
                ? !data.isSupported
                : block !== null && !data.desktopNotifications)
            }
            onChange={(e) => void onChange(e.currentTarget.checked)}
          />
          {isBrowser && block && (
            <Alert role="status" color="orange" variant="light">
              {block}
            </Alert>
          )}
          {isBrowser && !block && notAllowed && (
            <Alert role="status" color="orange" variant="light">
              The browser did not allow notifications, so the switch stays off. Turn it on again to be asked
              again.
            </Alert>
          )}
          {isBrowser && data.desktopNotifications && permission !== 'granted' && !block && !notAllowed && (
            <Alert role="status" color="orange" variant="light">
              On, but this browser has not allowed notifications for this page yet: turn the switch off and on
              to be asked.
            </Alert>
          )}
          {save.isError && (
            <ErrorMessage title="Could not change the notification setting" error={save.error} />
          )}
        </Stack>
      )}
    </section>
  )
}
