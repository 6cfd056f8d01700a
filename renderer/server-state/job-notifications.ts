/**
 * In-app notifications (Mantine) for what a publisher wants to hear about without watching a
 * screen: a job finished or failed, a payment claimed, a consumer's request refused (an untrusted
 * algorithm, a denied one, an inactive asset). The pure `notificationFor…` (in the
 * contract, shared with main/'s desktop notifications) decide; the hook shows them.
 * Refused untrusted algorithms are also kept by the engine (listAccessRequests), so they survive a
 * reload; see the Jobs screen's "Refused requests" tab.
 */
import { useEffect } from 'react'
import { notifications } from '@mantine/notifications'
import {
  notificationForJobChange,
  notificationForProviderRequest,
  type ConsoleClient,
  type ConsoleNotification,
} from '../../engine/console-api/contract'

// The wording is the contract's, shared with main/'s desktop notifications.
export { notificationForJobChange, notificationForProviderRequest, type ConsoleNotification }

export function useJobNotifications(client: ConsoleClient): void {
  useEffect(() => {
    const show = (n: ConsoleNotification | null) => {
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
