/**
 * Core/v1 Events for pods, as the scheduler and the kubelet write them (Scheduled, Pulled, Created,
 * Started, Failed, BackOff, FailedMount, FailedScheduling, Killing, DeadlineExceeded). Some
 * failures show only here on a real cluster — a missing Secret volume is a FailedMount event while
 * the container just waits in ContainerCreating — so a client explaining a stuck pod reads them.
 */
import { randomBytes } from 'node:crypto'
import type { ObjectStore } from './object-store'

export type EventSource = 'kubelet' | 'default-scheduler' | 'attachdetach-controller'

export function recordPodEvent(
  store: ObjectStore,
  namespace: string,
  podName: string,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
  source: EventSource = 'kubelet',
): void {
  const pod = store.get('pods', namespace, podName)
  if (!pod) return
  const now = new Date().toISOString()
  store.create('events', namespace, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${podName}.${randomBytes(8).toString('hex')}` },
    involvedObject: {
      apiVersion: 'v1',
      kind: 'Pod',
      namespace,
      name: podName,
      uid: pod.metadata.uid,
      resourceVersion: pod.metadata.resourceVersion,
    },
    type,
    reason,
    message,
    source: { component: source, ...(source === 'kubelet' ? { host: 'sim-node-1' } : {}) },
    reportingComponent: source,
    reportingInstance: source === 'kubelet' ? 'sim-node-1' : '',
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  })
}
