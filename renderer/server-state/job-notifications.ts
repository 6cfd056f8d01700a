/**
 * In-app notifications (Mantine) for what a publisher wants to hear about without watching a
 * screen: a job finished or failed, a payment claimed, a consumer's request refused (an untrusted
 * algorithm, a denied one, an inactive asset). Pure `notificationFor…` decide; the hook shows them.
 * Refused untrusted algorithms are also kept by the engine (listAccessRequests), so they survive a
 * reload; see the Jobs screen's "Refused requests" tab.
 */
import { useEffect } from 'react'
import { notifications } from '@mantine/notifications'
import type { ConsoleClient, EventPayload, JobChangeEvent } from '../../engine/console-api/contract'

export interface ConsoleNotification {
  id: string
  title: string
  message: string
  color: 'green' | 'red' | 'orange' | 'violet'
}

const shortJob = (jobId: string) => (jobId.length > 14 ? `${jobId.slice(0, 8)}…${jobId.slice(-4)}` : jobId)

/** At most one notification per job change: the end of a job, or its escrow claimed. */
export function notificationForJobChange(event: JobChangeEvent): ConsoleNotification | null {
  const { job } = event
  if (event.to === 70 && event.from !== 70) {
    const kind = job.outcome?.kind ?? 'succeeded'
    const reason = job.outcome?.reason ? `: ${job.outcome.reason}` : ''
    if (kind === 'failed')
      return {
        id: `job-${job.jobId}`,
        title: 'Job failed',
        message: `Job ${shortJob(job.jobId)} failed${reason}.`,
        color: 'red',
      }
    if (kind === 'stopped')
      return {
        id: `job-${job.jobId}`,
        title: 'Job stopped',
        message: `Job ${shortJob(job.jobId)} was stopped.`,
        color: 'orange',
      }
    if (kind === 'expired')
      return {
        id: `job-${job.jobId}`,
        title: 'Job expired',
        message: `Job ${shortJob(job.jobId)} waited too long in the queue.`,
        color: 'orange',
      }
    return {
      id: `job-${job.jobId}`,
      title: job.payment?.claimTx ? 'Job finished, payment claimed' : 'Job finished',
      message: `Job ${shortJob(job.jobId)} succeeded; its results are ready.`,
      color: 'green',
    }
  }
  return null
}

/** Error codes that mean the Provider refused a consumer (not a bad request or an outage). */
const REFUSALS: Record<string, string> = {
  ALGORITHM_NOT_TRUSTED: 'an algorithm this dataset does not trust',
  ALGORITHM_DENIED: 'an algorithm you denied',
  ASSET_NOT_ACTIVE: 'a dataset that is not active',
  ENVIRONMENT_ACCESS_DENIED: 'an environment its address may not use',
}

export function notificationForProviderRequest(
  request: EventPayload<'onProviderRequest'>,
): ConsoleNotification | null {
  const what = request.errorCode ? REFUSALS[request.errorCode] : undefined
  if (!what) return null
  return {
    id: `refused-${request.atMs}-${request.path}`,
    title: 'A consumer was refused',
    message: `${request.method} ${request.path} asked for ${what} (${request.errorCode}).${
      request.errorCode === 'ALGORITHM_NOT_TRUSTED' ? ' See Jobs → Refused requests to approve it.' : ''
    }`,
    color: 'violet',
  }
}

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
