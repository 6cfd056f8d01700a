/**
 * Issue 16 (leaks): the egress canary's pod and deny policy, left behind by a console that crashed
 * mid health check, are swept at the next check and at start. Before, the canary carried no
 * console label and nothing looked for it, so it stayed on the cluster for good. A canary of a
 * check running at the same time (the Compute backend screen beside the driver's) is left alone.
 */
import { CoreV1Api, NetworkingV1Api } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemClock } from '../clock'
import { MemoryLogger } from '../logging'
import { checkClusterHealth } from '../operator-engine/drivers/kubernetes/health'
import { KubernetesDriver } from '../operator-engine/drivers/kubernetes/kubernetes-driver'
import {
  DEFAULT_MANIFEST_OPTIONS,
  EGRESS_CANARY,
  LABELS,
  MANAGED_BY,
  egressCanaryObjects,
  selectorOf,
} from '../operator-engine/drivers/kubernetes/manifests'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './kubernetes-api-double/api-server'

const NAMESPACE = 'c2d-canary-sweep'
let double: KubernetesApiDouble

beforeAll(async () => {
  double = await startKubernetesApiDouble({ namespaces: [NAMESPACE] })
})
afterAll(async () => {
  await double?.close()
})

const canaries = (resource: 'pods' | 'networkpolicies') =>
  double.store
    .list(resource, NAMESPACE)
    .filter((o) => o.metadata.labels?.[EGRESS_CANARY.label])
    .map((o) => String(o.metadata.name))
    .sort()

/** What a check that crashed after creating its canary left: the policy and the pod, `ageMs` old. */
async function leftCanary(name: string, ageMs: number): Promise<void> {
  const kubeConfig = double.kubeConfig(NAMESPACE)
  const { policy, pod } = egressCanaryObjects({ ...DEFAULT_MANIFEST_OPTIONS, namespace: NAMESPACE }, name)
  await kubeConfig
    .makeApiClient(NetworkingV1Api)
    .createNamespacedNetworkPolicy({ namespace: NAMESPACE, body: policy as never })
  await kubeConfig.makeApiClient(CoreV1Api).createNamespacedPod({ namespace: NAMESPACE, body: pod as never })
  const created = new Date(Date.now() - ageMs).toISOString()
  for (const resource of ['pods', 'networkpolicies'])
    double.store.update(resource, NAMESPACE, name, (o) => {
      o.metadata.creationTimestamp = created
    })
}

describe('egress canaries left by a crash mid health check', () => {
  it('are labelled as the console’s, but not as a job’s', async () => {
    await leftCanary('c2d-egress-canary-labels', 0)
    const pod = double.store.get('pods', NAMESPACE, 'c2d-egress-canary-labels')!
    expect(pod.metadata.labels).toMatchObject({
      [LABELS.managedBy]: MANAGED_BY,
      [LABELS.partOf]: 'ocean-c2d',
      [EGRESS_CANARY.label]: 'c2d-egress-canary-labels',
    })
    // The job watch and the job sweeps do not see it.
    expect(double.objects(selectorOf(), NAMESPACE)).toEqual([])
    expect(double.objects(`${LABELS.managedBy}=${MANAGED_BY}`, NAMESPACE).length).toBe(2)
    await double
      .kubeConfig(NAMESPACE)
      .makeApiClient(CoreV1Api)
      .deleteNamespacedPod({ name: 'c2d-egress-canary-labels', namespace: NAMESPACE, gracePeriodSeconds: 0 })
    await double
      .kubeConfig(NAMESPACE)
      .makeApiClient(NetworkingV1Api)
      .deleteNamespacedNetworkPolicy({ name: 'c2d-egress-canary-labels', namespace: NAMESPACE })
  })

  it('are swept by the next health check; a running check’s canary is kept', async () => {
    await leftCanary('c2d-egress-canary-crashed', 11 * 60_000)
    await leftCanary('c2d-egress-canary-running', 30_000)
    const health = await checkClusterHealth(double.kubeConfig(NAMESPACE), NAMESPACE, { pollMs: 50 })
    expect(health.checks.find((c) => c.name === 'egress')).toMatchObject({ ok: true })
    expect(canaries('pods')).toEqual(['c2d-egress-canary-running'])
    expect(canaries('networkpolicies')).toEqual(['c2d-egress-canary-running'])
  }, 60_000)

  it('are swept when the driver starts (its sweep of unknown jobs)', async () => {
    // The canary kept above is now as old as a crashed one: the driver's clock is 11 min on.
    await leftCanary('c2d-egress-canary-crashed-2', 11 * 60_000)
    const driver = new KubernetesDriver({
      logger: new MemoryLogger(),
      clock: systemClock,
      kubeConfig: double.kubeConfig(NAMESPACE),
      namespace: NAMESPACE,
      watchRetryMs: 100,
      egressCanary: { nowMs: () => Date.now() + 11 * 60_000 },
    })
    try {
      await driver.sweepUnknownJobs()
      expect(canaries('pods')).toEqual([])
      expect(canaries('networkpolicies')).toEqual([])
    } finally {
      await driver.close()
    }
  }, 60_000)
})
