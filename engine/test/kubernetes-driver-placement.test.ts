/**
 * Issue 16's zone, storage, image and eviction findings through the real core against the API
 * double's nodes, StorageClasses, images and evictions. Each failed before the fix:
 *   - the later pods follow the job volume: its zone (or node) and the configure pod's node, so a
 *     zonal RWO volume is not detached and attached again (no Multi-Attach);
 *   - the environment's node affinity places all three pods;
 *   - a GPU pool outside the volume's zone ("1 Insufficient nvidia.com/gpu, 1 …") waits until an
 *     autoscaler adds a node where the volume is, the scheduler's message live on the job;
 *   - a Multi-Attach while the volume detaches elsewhere is shown live, then the job runs;
 *   - no default StorageClass: a clear message naming it and the fix, live on the job while it waits
 *     (console API job view), and in the failure after the pending timeout;
 *   - ProvisioningFailed (a failing provisioner, a StorageClass that does not exist) is final at once;
 *   - distroless and wrong-architecture images are told apart and named: the algorithm's or the
 *     console's own, instead of "data provisioning failed, no reason given";
 *   - evictions: /tmp over its sizeLimit and node pressure end the algorithm with 41, the message and
 *     a hint, its log saved and its outputs published; an evicted configure pod is 31 with the reason.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { jobSummarySchema } from '../console-api/contract'
import { startCore, type Core } from '../index'
import { DEFAULT_MANIFEST_OPTIONS, objectNames } from '../operator-engine/drivers/kubernetes/manifests'
import type { KubernetesDriverOptions } from '../operator-engine/drivers/kubernetes/kubernetes-driver'
import type { JobRecord, RegisterJobInput } from '../operator-service/operator-service'
import type { JobStatus } from '../operator-service/job-status'
import { jobCoreConfig } from './job-core-config'
import { jobStatuses, rawCodeJobInput, runJobToFinish } from './job-inputs'
import { driverAgainst, expectNothingLeft } from './kubernetes-api-double/driver-against'
import {
  startKubernetesApiDouble,
  type ApiDoubleOptions,
  type KubernetesApiDouble,
} from './kubernetes-api-double/api-server'
import type { SimNode } from './kubernetes-api-double/kubelet'

const NS = 'c2d-placement'
let double: KubernetesApiDouble | undefined
let core: Core | undefined
let dataDir: string | undefined

afterEach(async () => {
  await core?.stop()
  await double?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  core = undefined
  double = undefined
  dataDir = undefined
})

async function start(doubleOptions: ApiDoubleOptions, driverOptions: Partial<KubernetesDriverOptions> = {}) {
  double = await startKubernetesApiDouble({ namespaces: [NS], ...doubleOptions })
  dataDir = mkdtempSync(join(tmpdir(), 'c2d-k8s-placement-'))
  const driver = driverAgainst(double, NS, {
    pendingTimeoutMs: 60_000,
    waitingReasonAfterMs: 200,
    waitingReasonEveryMs: 500,
    ...driverOptions,
  })
  core = await startCore(jobCoreConfig(dataDir, { cpu: 4, ramGb: 4, maxJobs: 4 }), {
    listenConsole: false,
    driver,
  })
  return { double, core }
}

const node = (name: string, zone: string, extra: Partial<SimNode> = {}): SimNode => ({
  name,
  labels: {
    'kubernetes.io/os': 'linux',
    'kubernetes.io/hostname': name,
    'topology.kubernetes.io/zone': zone,
  },
  ...extra,
})

/**
 * `network: true` skips the egress canary (it runs the console's configure image, and it is a pod
 * the scheduler places too).
 */
function nodeJob(
  code: string,
  extra: { gpu?: number; image?: string; tag?: string; network?: boolean } = {},
) {
  const input = rawCodeJobInput({ code, maxJobDurationSec: 30 })
  if (extra.network) input.spec.environment = { ...input.spec.environment, allowNetwork: true }
  input.spec.algorithm.container = {
    entrypoint: 'node $ALGO',
    image: extra.image ?? 'node',
    tag: extra.tag ?? '20',
  }
  if (extra.gpu) input.spec.resources = { ...input.spec.resources, gpu: extra.gpu }
  return input
}

const run = (input: RegisterJobInput, onStatus?: (job: JobRecord, to: JobStatus) => void) =>
  runJobToFinish(core!.operatorService, input, onStatus)

const resultText = (job: JobRecord, type: string) => {
  const index = job.results.findIndex((r) => r.type === type)
  return index < 0 ? '' : readFileSync(core!.operatorService.openResult(job.jobId, index).path, 'utf8')
}

async function eventually(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Every node a job's pods were bound to, by step, as the store saw them. */
function recordNodes(d: KubernetesApiDouble): Map<string, string> {
  const nodes = new Map<string, string>()
  d.store.subscribe((event) => {
    if (event.resource !== 'pods') return
    const name = (event.object.spec as { nodeName?: string } | undefined)?.nodeName
    if (name) nodes.set(event.object.metadata.name, name)
  })
  return nodes
}

const eventsOf = (d: KubernetesApiDouble, name: string) =>
  d.store
    .list('events', NS)
    .filter((e) => (e.involvedObject as { name?: string }).name === name)
    .map((e) => `${String(e.reason)}: ${String(e.message)}`)

const OUTPUT = "require('fs').writeFileSync('/data/outputs/out.txt', 'ok')"

describe('zones and nodes: the later pods follow the job volume', () => {
  it('the algorithm and publish pods run on the configure pod’s node and in its volume’s zone: no Multi-Attach', async () => {
    const { double } = await start({
      nodes: [node('n-1', 'zone-a'), node('n-2', 'zone-a'), node('n-3', 'zone-b')],
      storageClasses: [{ name: 'ebs', default: true, topology: 'zone', detachMs: 400, attachMs: 50 }],
    })
    const nodes = recordNodes(double)
    const job = await run(nodeJob(OUTPUT))
    expect(job.outcome?.kind).toBe('succeeded')
    const names = objectNames(job.jobId)
    const configureNode = nodes.get(names.pod('configure'))
    expect(configureNode).toBeDefined()
    // The scheduler spreads: without the affinity the algorithm went to another node and waited on
    // a Multi-Attach while the volume detached from the first.
    expect(nodes.get(names.pod('algorithm'))).toBe(configureNode)
    expect(nodes.get(names.pod('publish'))).toBe(configureNode)
    for (const step of ['algorithm', 'publish'] as const)
      expect(eventsOf(double, names.pod(step)).filter((e) => e.startsWith('FailedAttachVolume'))).toEqual([])
    await expectNothingLeft(double, NS, job.jobId)
    expect(double.store.list('persistentvolumes', '')).toEqual([])
  }, 60_000)

  it('pins the later pods to the volume’s zone (the PV’s node affinity) and prefers the configure pod’s node', async () => {
    const { double } = await start({
      nodes: [node('n-1', 'zone-a'), node('n-2', 'zone-b')],
      storageClasses: [{ name: 'ebs', default: true, topology: 'zone' }],
    })
    const affinities = new Map<string, unknown>()
    double.store.subscribe((event) => {
      if (event.resource === 'pods' && event.type === 'ADDED')
        affinities.set(event.object.metadata.name, (event.object.spec as { affinity?: unknown }).affinity)
    })
    const nodes = recordNodes(double)
    const job = await run(nodeJob(OUTPUT))
    expect(job.outcome?.kind).toBe('succeeded')
    const names = objectNames(job.jobId)
    const zone = nodes.get(names.pod('configure')) === 'n-1' ? 'zone-a' : 'zone-b'
    expect(affinities.get(names.pod('configure'))).toBeUndefined()
    expect(affinities.get(names.pod('algorithm'))).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: [zone] }] },
          ],
        },
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            preference: {
              matchFields: [
                { key: 'metadata.name', operator: 'In', values: [nodes.get(names.pod('configure'))] },
              ],
            },
          },
        ],
      },
    })
    expect(affinities.get(names.pod('publish'))).toEqual(affinities.get(names.pod('algorithm')))
  }, 60_000)

  it('the environment’s node affinity places all three pods (the volume lands where the algorithm may run)', async () => {
    const { double } = await start({
      nodes: [
        node('cpu-a', 'zone-a'),
        node('gpu-b', 'zone-b', { labels: { ...node('gpu-b', 'zone-b').labels, pool: 'gpu' } }),
      ],
      storageClasses: [{ name: 'ebs', default: true, topology: 'zone' }],
    })
    const nodes = recordNodes(double)
    const input = nodeJob(OUTPUT, { network: true })
    input.spec.environment.nodeAffinity = {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['gpu'] }] }],
      },
    }
    const job = await run(input)
    expect(job.outcome?.kind).toBe('succeeded')
    const names = objectNames(job.jobId)
    for (const step of ['configure', 'algorithm', 'publish'] as const)
      expect(nodes.get(names.pod(step)), step).toBe('gpu-b')
  }, 60_000)

  it('without `get persistentvolumes` (a namespaced Role) the later pods still follow the node', async () => {
    const { double } = await start({
      nodes: [node('n-1', 'zone-a'), node('n-2', 'zone-a')],
      storageClasses: [{ name: 'ebs', default: true, topology: 'zone', detachMs: 400 }],
      denials: [{ verb: 'get', resource: 'persistentvolumes' }],
    })
    const nodes = recordNodes(double)
    const job = await run(nodeJob(OUTPUT))
    expect(job.outcome?.kind).toBe('succeeded')
    const names = objectNames(job.jobId)
    expect(nodes.get(names.pod('algorithm'))).toBe(nodes.get(names.pod('configure')))
  }, 60_000)

  it('a GPU pool outside the volume’s zone (“1 Insufficient nvidia.com/gpu, 1 …”) waits until a GPU node joins that zone', async () => {
    const { double } = await start({
      nodes: [node('cpu-a', 'zone-a'), node('gpu-b', 'zone-b', { gpus: 1 })],
      storageClasses: [{ name: 'ebs', default: true, topology: 'zone' }],
    })
    let jobId = ''
    let waitingSeen = ''
    const job = await run(nodeJob(OUTPUT, { gpu: 1, network: true }), (j) => {
      if (jobId) return
      jobId = j.jobId
      const algorithm = objectNames(jobId).pod('algorithm')
      void eventually(() =>
        eventsOf(double, algorithm).some((e) => e.includes('1 Insufficient nvidia.com/gpu')),
      ).then(async () => {
        await eventually(() => core!.operatorService.getJob(jobId)?.waiting !== undefined)
        waitingSeen = core!.operatorService.getJob(jobId)!.waiting!.reason
        double.faults.addNode(node('gpu-a', 'zone-a', { gpus: 1 }))
      })
    })
    expect(job.outcome?.kind).toBe('succeeded')
    expect(jobStatuses(core!.operatorService, job.jobId)).toEqual([1, 0, 10, 20, 30, 40, 60, 70])
    // The scheduler's aggregated message, live on the job while it waited.
    expect(waitingSeen).toMatch(/^the algorithm pod is waiting: FailedScheduling: 0\/2 nodes are available: /)
    expect(waitingSeen).toContain('1 Insufficient nvidia.com/gpu')
    expect(core!.operatorService.getJob(job.jobId)?.waiting).toBeUndefined()
  }, 60_000)
})

describe('volumes that attach late', () => {
  it('a Multi-Attach while the volume detaches from the configure pod’s node (the GPU is on another) is shown live, then the job runs', async () => {
    const { double } = await start({
      nodes: [node('cpu-1', 'zone-a'), node('gpu-1', 'zone-a', { gpus: 1 })],
      storageClasses: [{ name: 'ebs', default: true, topology: 'zone', detachMs: 1_500, attachMs: 100 }],
    })
    const seen: string[] = []
    let jobId = ''
    const job = await run(nodeJob(OUTPUT, { gpu: 1, network: true }), (j) => {
      if (jobId) return
      jobId = j.jobId
      const watchWaiting = setInterval(() => {
        const reason = core?.operatorService.getJob(jobId)?.waiting?.reason
        if (reason && !seen.includes(reason)) seen.push(reason)
      }, 20)
      void eventually(() => core?.operatorService.getJob(jobId)?.status === 70).finally(() =>
        clearInterval(watchWaiting),
      )
    })
    expect(job.outcome?.kind).toBe('succeeded')
    expect(eventsOf(double, objectNames(job.jobId).pod('algorithm'))).toContainEqual(
      expect.stringMatching(/^FailedAttachVolume: Multi-Attach error for volume "pvc-/),
    )
    expect(seen).toContainEqual(
      expect.stringMatching(
        /^the algorithm pod is waiting: FailedAttachVolume: Multi-Attach error for volume/,
      ),
    )
  }, 60_000)
})

describe('StorageClasses', () => {
  const NO_DEFAULT =
    /the job volume c2d-[^ ]+-data cannot bind: it names no StorageClass and the cluster has no default StorageClass\. Fix: set driver\.storageClassName/

  it('no default StorageClass: the reason and fix are live on the job (console API) and end it after the pending timeout', async () => {
    const { core } = await start({ storageClasses: [] }, { pendingTimeoutMs: 3_000 })
    let jobId = ''
    let live: unknown
    const job = await run(nodeJob(OUTPUT), (j) => {
      if (jobId) return
      jobId = j.jobId
      void eventually(() => core.operatorService.getJob(jobId)?.waiting !== undefined).then(async () => {
        // Through the contract's schema, as the transports send it to the console.
        live = { job: jobSummarySchema.parse((await core.consoleService.getJob({ jobId })).job) }
      })
    })
    expect(live).toMatchObject({ job: { waiting: { reason: expect.stringMatching(NO_DEFAULT) } } })
    expect(job.outcome).toMatchObject({ kind: 'failed', failureStatus: 21 })
    expect(job.outcome?.reason).toMatch(NO_DEFAULT)
    expect(job.outcome?.reason).toContain('storageclass.kubernetes.io/is-default-class=true')
    await expectNothingLeft(double!, NS, job.jobId)
  }, 60_000)

  it('a transient unbound Immediate claim (slow provisioning) is only a wait', async () => {
    await start({
      storageClasses: [{ name: 'slow', default: true, bindingMode: 'Immediate', provisionMs: 1_500 }],
    })
    const job = await run(nodeJob(OUTPUT))
    expect(job.outcome?.kind).toBe('succeeded')
    expect(eventsOf(double!, objectNames(job.jobId).pod('configure'))).toContainEqual(
      expect.stringContaining('pod has unbound immediate PersistentVolumeClaims'),
    )
  }, 60_000)

  it('ProvisioningFailed is final at once (21) with the provisioner’s message, long before the pending timeout', async () => {
    await start({
      storageClasses: [
        {
          name: 'gp3',
          default: true,
          failProvisioning: 'rpc error: code = ResourceExhausted desc = volume limit',
        },
      ],
    })
    const job = await run(nodeJob(OUTPUT))
    expect(job.outcome).toMatchObject({ kind: 'failed', failureStatus: 21 })
    expect(job.outcome?.reason).toMatch(
      /^the job volume c2d-[^ ]+-data could not be provisioned: ProvisioningFailed: failed to provision volume with StorageClass "gp3": rpc error: code = ResourceExhausted desc = volume limit\. Fix: /,
    )
    await expectNothingLeft(double!, NS, job.jobId)
  }, 30_000)

  it('a driver.storageClassName the cluster does not have is final with the fix', async () => {
    await start({}, { manifests: { storageClassName: 'fast' } })
    const job = await run(nodeJob(OUTPUT))
    expect(job.outcome).toMatchObject({ kind: 'failed', failureStatus: 21 })
    expect(job.outcome?.reason).toContain('storageclass.storage.k8s.io "fast" not found')
    expect(job.outcome?.reason).toContain(
      "set driver.storageClassName to one of the cluster's StorageClasses",
    )
  }, 30_000)
})

describe('images that cannot start', () => {
  it('a distroless algorithm image: 22, naming the algorithm’s image and its missing shell', async () => {
    const { double } = await start({})
    double.faults.imageTraits('node:distroless', { missing: ['sh'] })
    const job = await run(nodeJob(OUTPUT, { tag: 'distroless' }))
    expect(job.outcome).toMatchObject({ kind: 'failed', failureStatus: 22 })
    expect(job.outcome?.reason).toMatch(
      /^the algorithm image node:distroless cannot start a shell \(sh: executable file not found in \$PATH\)/,
    )
  }, 30_000)

  it('an algorithm image for another CPU: 22, exec format error, naming the image and the node', async () => {
    const { double } = await start({})
    double.faults.imageTraits('node:arm64-only', { arch: 'arm64' })
    const job = await run(nodeJob(OUTPUT, { tag: 'arm64-only' }))
    expect(job.outcome).toMatchObject({ kind: 'failed', failureStatus: 22 })
    expect(job.outcome?.reason).toContain(
      'the algorithm image node:arm64-only is built for another CPU architecture than the node sim-node-1 (exec /bin/sh: exec format error)',
    )
  }, 30_000)

  it('the console’s own configure image without node, or for another CPU: 22, naming that image and driver.images', async () => {
    const { double } = await start({})
    const own = DEFAULT_MANIFEST_OPTIONS.images.configure
    double.faults.imageTraits(own, { missing: ['node'] })
    const distroless = await run(nodeJob(OUTPUT, { network: true }))
    expect(distroless.outcome).toMatchObject({ kind: 'failed', failureStatus: 22 })
    expect(distroless.outcome?.reason).toContain(
      `the console's own configure image ${own} cannot start (node:`,
    )
    expect(distroless.outcome?.reason).toContain('driver.images.configure')
    expect(distroless.outcome?.reason).not.toContain('algorithm image')
    double.faults.imageTraits(own, { arch: 'arm64' })
    const arm = await run(nodeJob(OUTPUT, { network: true }))
    expect(arm.outcome).toMatchObject({ kind: 'failed', failureStatus: 22 })
    expect(arm.outcome?.reason).toContain(
      `the console's own configure image ${own} is built for another CPU architecture than the node sim-node-1 (exec /usr/local/bin/node: exec format error)`,
    )
  }, 60_000)

  it('the console’s own publish image for another CPU: 61, naming that image', async () => {
    const { double } = await start({})
    const own = DEFAULT_MANIFEST_OPTIONS.images.publish
    double.faults.imageTraits(own, { arch: 'arm64' })
    const job = await run(nodeJob(OUTPUT))
    expect(job.outcome).toMatchObject({ kind: 'failed', failureStatus: 61 })
    expect(job.outcome?.reason).toContain(`the console's own publish image ${own} is built for another CPU`)
    expect(job.outcome?.reason).toContain('driver.images.publish')
    expect(resultText(job, 'algorithmLog')).toBe('')
  }, 30_000)
})

describe('evictions', () => {
  it('/tmp over its sizeLimit (measured by the kubelet): 41 with the message and the hint, log saved, outputs published', async () => {
    await start({}, { manifests: { tmpSizeLimit: '1Mi' } })
    const code = [
      OUTPUT,
      "console.log('before filling /tmp')",
      "require('fs').writeFileSync('/tmp/big', Buffer.alloc(3_000_000))",
      'setInterval(() => {}, 1000)',
    ].join('\n')
    const job = await run(nodeJob(code))
    expect(job.outcome).toMatchObject({ kind: 'failed', failureStatus: 41 })
    expect(job.outcome?.reason).toContain(
      'evicted by the cluster: Usage of EmptyDir volume "tmp" exceeds the limit "1Mi".',
    )
    expect(job.outcome?.reason).toContain('driver.tmpSizeLimit')
    expect(resultText(job, 'algorithmLog')).toContain('before filling /tmp')
    expect(job.results.map((r) => r.type)).toContain('output')
  }, 60_000)

  it('node pressure: the algorithm ends with 41 and the kubelet’s message, outputs published', async () => {
    const { double } = await start({})
    const code = [OUTPUT, "console.log('running')", 'setInterval(() => {}, 1000)'].join('\n')
    const job = await run(nodeJob(code), (j, to) => {
      if (to === 40)
        void eventually(() => logHas(j, 'running')).then(() => {
          double.faults.nodePressure(
            'sim-node-1',
            { resource: 'ephemeral-storage' },
            objectNames(j.jobId).pod('algorithm'),
          )
          // The kubelet reclaimed the disk: the node takes the publish pod again.
          double.faults.relievePressure('sim-node-1')
        })
    })
    expect(job.outcome).toMatchObject({ kind: 'failed', failureStatus: 41 })
    expect(job.outcome?.reason).toContain(
      'evicted by the cluster: The node was low on resource: ephemeral-storage.',
    )
    expect(job.outcome?.reason).toContain('the node ran out of local disk')
    expect(job.results.map((r) => r.type)).toContain('output')
  }, 60_000)

  it('an evicted configure pod: 31 with the eviction message, not “lost”', async () => {
    const { double } = await start({})
    // A dataset download that never ends keeps the configure step running.
    const { createServer } = await import('node:http')
    const hanging = createServer(() => undefined)
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve))
    try {
      const input = nodeJob(OUTPUT)
      input.spec.datasets = [
        {
          did: 'did:op:hanging',
          ddo: {},
          files: [
            {
              type: 'url',
              url: `http://127.0.0.1:${(hanging.address() as { port: number }).port}/x`,
              method: 'GET',
            },
          ],
        },
      ]
      const job = await run(input, (j, to) => {
        if (to === 30)
          void eventually(
            () =>
              (
                double.store.get('pods', NS, objectNames(j.jobId).pod('configure'))?.status as {
                  phase?: string
                }
              )?.phase === 'Running',
          ).then(() =>
            double.faults.nodePressure(
              'sim-node-1',
              { resource: 'memory' },
              objectNames(j.jobId).pod('configure'),
            ),
          )
      })
      expect(job.outcome).toMatchObject({ kind: 'failed', failureStatus: 31 })
      expect(job.outcome?.reason).toMatch(
        /^the configure pod was evicted by the cluster: The node was low on resource: memory\./,
      )
    } finally {
      hanging.closeAllConnections()
      await new Promise((resolve) => hanging.close(resolve))
    }
  }, 60_000)
})

function logHas(job: JobRecord, text: string): boolean {
  try {
    return readFileSync(join(job.spec.jobDir, 'results', 'algorithm.log'), 'utf8').includes(text)
  } catch {
    return false
  }
}
