/**
 * In-app notifications (Mantine) for what a publisher wants to hear about without watching a
 * screen: a job finished or failed, a payment claimed, a consumer's request refused (an untrusted
 * algorithm, a denied one, an inactive asset). The pure `notificationFor…` (in the
 * contract, shared with main/'s desktop notifications) decide; the hook shows them.
 * Refused untrusted algorithms are also kept by the engine (listAccessRequests), so they survive a
 * reload; see the Jobs screen's "Refused requests" tab.
 */
import { useEffect, useRef } from 'react'
import { notifications } from '@mantine/notifications'
import {
  DESKTOP_NOTIFICATION_KINDS,
  notificationForJobChange,
  notificationForProviderRequest,
  type ConsoleClient,
  type ConsoleNotification,
} from '../../engine/console-api/contract'
import { showBrowserNotification } from '../console-client/browser-notifications'
import { useNotificationSettings } from './settings'

// The wording is the contract's, shared with main/'s desktop notifications.
export { notificationForJobChange, notificationForProviderRequest, type ConsoleNotification }

export function useJobNotifications(client: ConsoleClient): void {
  // The browser console's desktop notifications (the desktop app shows its own from main/): the
  // kinds main/ tells, while this tab is in the background (in front, the in-app one says it).
  const settings = useNotificationSettings().data
  const tellsOutside = useRef(false)
  tellsOutside.current = settings?.surface === 'browser' && settings.desktopNotifications
  useEffect(() => {
    const show = (n: ConsoleNotification | null) => {
      if (
        n &&
        tellsOutside.current &&
        DESKTOP_NOTIFICATION_KINDS.has(n.kind) &&
        document.visibilityState === 'hidden'
      )
        showBrowserNotification(n, () => {
          if (n.jobId) window.location.hash = `#/jobs/${encodeURIComponent(n.jobId)}`
        })
      if (n)
        notifications.show({
          id: n.id,
          title: n.title,
          message: n.message,
          color: n.color,
          autoClose: 8000,
          // Mantine's close button has no accessible name of its own (axe: button-name).
          closeButtonProps: { 'aria-label': 'Dismiss notification' },
          // The default description colour (dimmed) is 3.3:1 on white; the text colour passes AA.
          styles: { description: { color: 'var(--mantine-color-text)' } },
        })
    }
    const offJob = client.subscribe('onDidChangeJob', (e) => show(notificationForJobChange(e)))
    const offRequest = client.subscribe('onProviderRequest', (r) => show(notificationForProviderRequest(r)))
    return () => {
      offJob()
      offRequest()
    }
  }, [client])
}
