/**
 * The double's create admission from the namespace's ResourceQuota and LimitRange objects and the
 * Secret size limit, driven by the real client-node: the API server's status codes and words.
 */
import { CoreV1Api } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { errorMessage } from '../../operator-engine/drivers/kubernetes/health'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './api-server'
import { SECRET_DATA_MAX_BYTES } from './namespace-admission'

let double: KubernetesApiDouble
let core: CoreV1Api
const NS = 'admission'

beforeAll(async () => {
  double = await startKubernetesApiDouble({ namespaces: [NS] })
  core = double.kubeConfig(NS).makeApiClient(CoreV1Api)
})
afterAll(async () => {
  await double?.close()
})

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'created',
    (error: unknown) => errorMessage(error),
  )

const pod = (name: string, resources?: Record<string, Record<string, string>>) => ({
  metadata: { name },
  spec: {
    restartPolicy: 'Never',
    containers: [
      { name: 'main', image: 'busybox:1.36', command: ['true'], ...(resources ? { resources } : {}) },
    ],
  },
})

describe('the Secret size limit', () => {
  it('admits 1 MiB of data and refuses one byte more with 422 Invalid', async () => {
    const at = (name: string, bytes: number) =>
      refusal(
        core.createNamespacedSecret({
          namespace: NS,
          body: { metadata: { name }, stringData: { a: 'x'.repeat(bytes - 4) }, data: { b: 'eHh4eA==' } },
        }),
      )
    expect(await at('at-limit', SECRET_DATA_MAX_BYTES)).toBe('created')
    expect(await at('over-limit', SECRET_DATA_MAX_BYTES + 1)).toBe(
      'HTTP 422: Secret "over-limit" is invalid: data: Too long: must have at most 1048576 bytes',
    )
  })
})

describe('LimitRange', () => {
  it('fills missing limits and requests from its defaults, and refuses over a maximum (several at once in brackets)', async () => {
    const lr = await core.createNamespacedLimitRange({
      namespace: NS,
      body: {
        metadata: { name: 'limits' },
        spec: {
          limits: [
            {
              type: 'Container',
              max: { cpu: '1', memory: '1Gi' },
              _default: { cpu: '500m', memory: '256Mi' },
              defaultRequest: { cpu: '100m' },
            },
          ],
        },
      },
    })
    const defaulted = await core.createNamespacedPod({ namespace: NS, body: pod('defaulted') })
    expect(defaulted.spec?.containers[0]?.resources).toEqual({
      limits: { cpu: '500m', memory: '256Mi' },
      requests: { cpu: '100m', memory: '256Mi' },
    })
    expect(
      await refusal(
        core.createNamespacedPod({
          namespace: NS,
          body: pod('too-big', { limits: { cpu: '2', memory: '2Gi' } }),
        }),
      ),
    ).toBe(
      'HTTP 403: pods "too-big" is forbidden: [maximum cpu usage per Container is 1, but limit is 2, maximum memory usage per Container is 1Gi, but limit is 2Gi]',
    )
    await core.deleteNamespacedLimitRange({ name: lr.metadata!.name!, namespace: NS })
    await core.deleteCollectionNamespacedPod({ namespace: NS, gracePeriodSeconds: 0 })
  })
})

describe('ResourceQuota', () => {
  it('counts what the namespace holds (not pods that ended), and names requested, used and limited', async () => {
    await core.createNamespacedResourceQuota({
      namespace: NS,
      body: { metadata: { name: 'compute' }, spec: { hard: { 'requests.cpu': '1', pods: '5' } } },
    })
    expect(await refusal(core.createNamespacedPod({ namespace: NS, body: pod('no-requests') }))).toBe(
      'HTTP 403: pods "no-requests" is forbidden: failed quota: compute: must specify requests.cpu for: main',
    )
    const sized = (name: string) => pod(name, { requests: { cpu: '600m' }, limits: { cpu: '600m' } })
    expect(await refusal(core.createNamespacedPod({ namespace: NS, body: sized('first') }))).toBe('created')
    expect(await refusal(core.createNamespacedPod({ namespace: NS, body: sized('second') }))).toBe(
      'HTTP 403: pods "second" is forbidden: exceeded quota: compute, requested: requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1',
    )
    // Once the first pod has ended it no longer counts, as the quota controller sees it.
    for (let i = 0; i < 200; i++) {
      const phase = (await core.readNamespacedPod({ name: 'first', namespace: NS })).status?.phase
      if (phase === 'Succeeded' || phase === 'Failed') break
      await new Promise((r) => setTimeout(r, 25))
    }
    expect(await refusal(core.createNamespacedPod({ namespace: NS, body: sized('second') }))).toBe('created')
  })
})
