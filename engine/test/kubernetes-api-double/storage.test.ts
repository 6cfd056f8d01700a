/**
 * The double's storage, image and eviction simulations (storage.ts, image-contents.ts,
 * evictions.ts), seen through client-node: StorageClass binding modes and the default class,
 * PV zone affinity, Multi-Attach of a zonal RWO volume, ProvisioningFailed, containers that
 * cannot start (distroless, another CPU), and evictions (emptyDir sizeLimit, node pressure).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { CoreV1Api, StorageV1Api, type V1Pod } from '@kubernetes/client-node'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './api-server'
import type { SimNode } from './kubelet'
import type { SimStorageClass } from './storage'

const NS = 'double-storage'
let double: KubernetesApiDouble | undefined
afterEach(async () => {
  await double?.close()
  double = undefined
})

const node = (name: string, zone: string, extra: Partial<SimNode> = {}): SimNode => ({
  name,
  labels: {
    'kubernetes.io/os': 'linux',
    'kubernetes.io/hostname': name,
    'topology.kubernetes.io/zone': zone,
  },
  ...extra,
})

async function start(options: { nodes?: SimNode[]; storageClasses?: SimStorageClass[] }) {
  double = await startKubernetesApiDouble({ namespaces: [NS], ...options })
  return { double, core: double.kubeConfig(NS).makeApiClient(CoreV1Api) }
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const value = await read()
    if (done(value)) return value
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`timed out waiting for ${what}`)
}

const claim = (name: string, storageClassName?: string) => ({
  metadata: { name },
  spec: {
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage: '1Gi' } },
    ...(storageClassName ? { storageClassName } : {}),
  },
})

const podUsing = (
  name: string,
  claimName: string,
  spec: Partial<NonNullable<V1Pod['spec']>> = {},
): V1Pod => ({
  metadata: { name },
  spec: {
    restartPolicy: 'Never',
    containers: [
      {
        name: 'main',
        image: 'busybox:1.36',
        command: ['sh', '-c', 'echo hi > /data/hi; sleep 0.3'],
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
      },
    ],
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
    ...spec,
  },
})

const eventsOf = async (core: CoreV1Api, name: string) =>
  (await core.listNamespacedEvent({ namespace: NS, fieldSelector: `involvedObject.name=${name}` })).items
const scheduledMessage = (p: V1Pod) =>
  p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False')?.message ?? ''

describe('StorageClasses and binding', () => {
  it('with no default StorageClass a claim never binds (FailedBinding) and its pod waits on an unbound immediate claim, until a default class appears', async () => {
    const { double, core } = await start({ storageClasses: [] })
    await core.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claim('data') })
    await core.createNamespacedPod({ namespace: NS, body: podUsing('p', 'data') })
    const waiting = await until(
      () => core.readNamespacedPod({ name: 'p', namespace: NS }),
      (p) => scheduledMessage(p) !== '',
      'Unschedulable',
    )
    expect(scheduledMessage(waiting)).toBe(
      '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    )
    expect((await eventsOf(core, 'data')).map((e) => [e.reason, e.message])).toContainEqual([
      'FailedBinding',
      'no persistent volumes available for this claim and no storage class is set',
    ])
    // Kubernetes ≥ 1.28 gives a class-less claim the default class once there is one.
    double.faults.addStorageClass({ name: 'late', default: true })
    await until(
      () => core.readNamespacedPod({ name: 'p', namespace: NS }),
      (p) => p.status?.phase === 'Succeeded',
      'the pod to run',
    )
    const bound = await core.readNamespacedPersistentVolumeClaim({ name: 'data', namespace: NS })
    expect(bound.spec?.storageClassName).toBe('late')
    expect(bound.status?.phase).toBe('Bound')
  }, 30_000)

  it('an Immediate zonal class provisions in its zone: a transient unbound claim, then pods only on nodes in that zone (volume node affinity conflict elsewhere)', async () => {
    const { double, core } = await start({
      nodes: [node('b-1', 'zone-b'), node('a-1', 'zone-a')],
      storageClasses: [
        {
          name: 'zonal',
          default: true,
          bindingMode: 'Immediate',
          topology: 'zone',
          zone: 'zone-a',
          provisionMs: 300,
        },
      ],
    })
    await core.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claim('data') })
    await core.createNamespacedPod({ namespace: NS, body: podUsing('early', 'data') })
    const early = await until(
      () => core.readNamespacedPod({ name: 'early', namespace: NS }),
      (p) => scheduledMessage(p) !== '' || p.status?.phase !== 'Pending',
      'the first scheduling attempt',
    )
    expect(scheduledMessage(early)).toContain('pod has unbound immediate PersistentVolumeClaims')
    const done = await until(
      () => core.readNamespacedPod({ name: 'early', namespace: NS }),
      (p) => p.status?.phase === 'Succeeded',
      'the pod to run once the claim bound',
    )
    expect(done.spec?.nodeName).toBe('a-1')
    const bound = await core.readNamespacedPersistentVolumeClaim({ name: 'data', namespace: NS })
    const pv = await core.readPersistentVolume({ name: bound.spec!.volumeName! })
    expect(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-a'] }] },
    ])
    // A pod that must run in zone-b cannot follow its volume.
    await core.createNamespacedPod({
      namespace: NS,
      body: podUsing('elsewhere', 'data', { nodeSelector: { 'topology.kubernetes.io/zone': 'zone-b' } }),
    })
    const elsewhere = await until(
      () => core.readNamespacedPod({ name: 'elsewhere', namespace: NS }),
      (p) => scheduledMessage(p) !== '',
      'Unschedulable',
    )
    expect(scheduledMessage(elsewhere)).toMatch(
      /^0\/2 nodes are available: 1 node\(s\) didn't match Pod's node affinity\/selector, 1 node\(s\) had volume node affinity conflict\./,
    )
    const classes = await double.kubeConfig(NS).makeApiClient(StorageV1Api).listStorageClass()
    expect(classes.items.map((c) => [c.metadata?.name, c.volumeBindingMode])).toEqual([
      ['zonal', 'Immediate'],
    ])
  }, 30_000)

  it('WaitForFirstConsumer provisions where the first pod is scheduled (selected-node), on that node for a local class', async () => {
    const { core } = await start({
      nodes: [node('n-1', 'zone-a'), node('n-2', 'zone-a')],
      storageClasses: [{ name: 'local-path', default: true, topology: 'node' }],
    })
    await core.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claim('data') })
    expect((await eventsOf(core, 'data')).map((e) => e.reason)).toContain('WaitForFirstConsumer')
    await core.createNamespacedPod({ namespace: NS, body: podUsing('first', 'data') })
    const first = await until(
      () => core.readNamespacedPod({ name: 'first', namespace: NS }),
      (p) => p.status?.phase === 'Succeeded',
      'the first pod',
    )
    const bound = await core.readNamespacedPersistentVolumeClaim({ name: 'data', namespace: NS })
    expect(bound.metadata?.annotations?.['volume.kubernetes.io/selected-node']).toBe(first.spec?.nodeName)
    const pv = await core.readPersistentVolume({ name: bound.spec!.volumeName! })
    expect(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]).toEqual({
      key: 'kubernetes.io/hostname',
      operator: 'In',
      values: [first.spec?.nodeName],
    })
    // The scheduler spreads, but the volume holds the next pod on its node.
    await core.createNamespacedPod({ namespace: NS, body: podUsing('second', 'data') })
    const second = await until(
      () => core.readNamespacedPod({ name: 'second', namespace: NS }),
      (p) => p.status?.phase === 'Succeeded',
      'the second pod',
    )
    expect(second.spec?.nodeName).toBe(first.spec?.nodeName)
  }, 30_000)

  it('a zonal RWO volume still attached to another node gives Multi-Attach (FailedAttachVolume) until it detached there', async () => {
    const { core } = await start({
      nodes: [node('n-1', 'zone-a'), node('n-2', 'zone-a')],
      storageClasses: [{ name: 'ebs', default: true, topology: 'zone', detachMs: 300, attachMs: 50 }],
    })
    await core.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claim('data') })
    const holder = podUsing('holder', 'data', {
      nodeSelector: { 'kubernetes.io/hostname': 'n-1' },
    })
    holder.spec!.containers[0]!.command = ['sh', '-c', 'sleep 0.5']
    await core.createNamespacedPod({ namespace: NS, body: holder })
    await until(
      () => core.readNamespacedPod({ name: 'holder', namespace: NS }),
      (p) => p.status?.phase === 'Running',
      'the holder to run',
    )
    await core.createNamespacedPod({
      namespace: NS,
      body: podUsing('other', 'data', { nodeSelector: { 'kubernetes.io/hostname': 'n-2' } }),
    })
    const other = await until(
      () => core.readNamespacedPod({ name: 'other', namespace: NS }),
      (p) => p.status?.phase === 'Succeeded',
      'the other pod once the volume detached',
    )
    expect(other.spec?.nodeName).toBe('n-2')
    const events = (await eventsOf(core, 'other')).map((e) => `${e.reason}: ${e.message}`)
    expect(events.some((e) => /^FailedAttachVolume: Multi-Attach error for volume "pvc-/.test(e))).toBe(true)
    expect(events.some((e) => e.startsWith('SuccessfulAttachVolume: AttachVolume.Attach succeeded'))).toBe(
      true,
    )
  }, 30_000)

  it('a failing provisioner writes ProvisioningFailed on the claim; a missing class too', async () => {
    const { core } = await start({
      storageClasses: [
        {
          name: 'broken',
          default: true,
          failProvisioning: 'rpc error: code = ResourceExhausted desc = quota',
        },
      ],
    })
    await core.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claim('data') })
    await core.createNamespacedPod({ namespace: NS, body: podUsing('p', 'data') })
    const events = await until(
      () => eventsOf(core, 'data'),
      (items) => items.some((e) => e.reason === 'ProvisioningFailed'),
      'ProvisioningFailed',
    )
    expect(events.find((e) => e.reason === 'ProvisioningFailed')?.message).toBe(
      'failed to provision volume with StorageClass "broken": rpc error: code = ResourceExhausted desc = quota',
    )
    await core.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claim('named', 'fast') })
    expect((await eventsOf(core, 'named')).map((e) => [e.reason, e.message])).toContainEqual([
      'ProvisioningFailed',
      'storageclass.storage.k8s.io "fast" not found',
    ])
  }, 30_000)
})

describe('containers that cannot start, and evictions', () => {
  const runOnce = (name: string, image: string, command: string[]): V1Pod => ({
    metadata: { name },
    spec: { restartPolicy: 'Never', containers: [{ name: 'main', image, command }] },
  })

  it('a distroless image is a StartError (exit 128), an image for another CPU dies with exec format error (255) in its log', async () => {
    const { double, core } = await start({})
    double.faults.imageTraits('busybox:distroless', { missing: ['sh'] })
    double.faults.imageTraits('busybox:arm64', { arch: 'arm64' })
    await core.createNamespacedPod({
      namespace: NS,
      body: runOnce('nosh', 'busybox:distroless', ['sh', '-c', 'true']),
    })
    await core.createNamespacedPod({
      namespace: NS,
      body: runOnce('arm', 'busybox:arm64', ['sh', '-c', 'true']),
    })
    const nosh = await until(
      () => core.readNamespacedPod({ name: 'nosh', namespace: NS }),
      (p) => p.status?.phase === 'Failed',
      'nosh to fail',
    )
    expect(nosh.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 128,
      reason: 'StartError',
      message: expect.stringContaining('exec: "sh": executable file not found in $PATH'),
    })
    const arm = await until(
      () => core.readNamespacedPod({ name: 'arm', namespace: NS }),
      (p) => p.status?.phase === 'Failed',
      'arm to fail',
    )
    expect(arm.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 255,
      reason: 'Error',
    })
    expect(await core.readNamespacedPodLog({ name: 'arm', namespace: NS, container: 'main' })).toBe(
      'exec /bin/sh: exec format error\n',
    )
  }, 30_000)

  it('an emptyDir over its sizeLimit evicts the pod with the kubelet’s message; node pressure taints the node and evicts', async () => {
    const { double, core } = await start({})
    await core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'filler' },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'main',
              image: 'busybox:1.36',
              command: ['sh', '-c', 'head -c 3000000 /dev/zero > /tmp/big; sleep 30'],
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '1Mi' } }],
        },
      },
    })
    const evicted = await until(
      () => core.readNamespacedPod({ name: 'filler', namespace: NS }),
      (p) => p.status?.phase === 'Failed',
      'the eviction',
    )
    expect(evicted.status).toMatchObject({
      reason: 'Evicted',
      message: 'Usage of EmptyDir volume "tmp" exceeds the limit "1Mi". ',
    })

    await core.createNamespacedPod({
      namespace: NS,
      body: runOnce('busy', 'busybox:1.36', ['sh', '-c', 'sleep 30']),
    })
    await until(
      () => core.readNamespacedPod({ name: 'busy', namespace: NS }),
      (p) => p.status?.phase === 'Running',
      'busy to run',
    )
    expect(double.faults.nodePressure('sim-node-1', { resource: 'ephemeral-storage' })).toEqual(['busy'])
    const pressed = await until(
      () => core.readNamespacedPod({ name: 'busy', namespace: NS }),
      (p) => p.status?.phase === 'Failed',
      'the pressure eviction',
    )
    expect(pressed.status?.message).toMatch(/^The node was low on resource: ephemeral-storage\. /)
    await core.createNamespacedPod({ namespace: NS, body: runOnce('later', 'busybox:1.36', ['true']) })
    const later = await until(
      () => core.readNamespacedPod({ name: 'later', namespace: NS }),
      (p) => scheduledMessage(p) !== '',
      'the taint to keep it off',
    )
    expect(scheduledMessage(later)).toContain(
      '1 node(s) had untolerated taint {node.kubernetes.io/disk-pressure: }',
    )
    double.faults.relievePressure('sim-node-1')
    await until(
      () => core.readNamespacedPod({ name: 'later', namespace: NS }),
      (p) => p.status?.phase === 'Succeeded',
      'later to run once the pressure is over',
    )
  }, 30_000)
})
