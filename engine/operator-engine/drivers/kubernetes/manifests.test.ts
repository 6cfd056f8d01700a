import { Pod } from 'kubernetes-models/v1/Pod'
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim'
import { Secret } from 'kubernetes-models/v1/Secret'
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy'
import { describe, expect, it } from 'vitest'
import type { JobSpec } from '../../driver'
import { CONFIGURE_SCRIPT } from './configure-script'
import {
  DEFAULT_MANIFEST_OPTIONS,
  LABELS,
  MESH_OPT_OUT,
  ManifestError,
  SECRET_BYTES_MAX,
  allObjects,
  buildJobObjects,
  configureInputs,
  egressCanaryObjects,
  followVolume,
  jobKey,
  selectorOf,
  objectNames,
  type ManifestOptions,
} from './manifests'

const options: ManifestOptions = { ...DEFAULT_MANIFEST_OPTIONS, namespace: 'ocean-c2d' }

function spec(overrides: Partial<JobSpec> = {}): JobSpec {
  return {
    jobId: '4c70c9659d2a47b6b0523abc8e43cb7e',
    jobDir: '/tmp/job',
    environment: { id: 'env', allowNetwork: false },
    datasets: [
      {
        did: 'did:op:' + 'a'.repeat(64),
        ddo: { id: 'did:op:' + 'a'.repeat(64) },
        files: [
          {
            type: 'url',
            url: 'https://data.example/secret.csv',
            headers: { Authorization: 'Bearer hunter2' },
          },
          { type: 'local', path: '/srv/weather.csv' },
        ],
      },
    ],
    algorithm: {
      did: 'did:op:' + 'b'.repeat(64),
      container: { entrypoint: 'node $ALGO', image: 'node', tag: '20' },
      source: { type: 'rawcode', code: 'console.log(1)' },
    },
    resources: { cpu: 1.5, ramGb: 2, diskGb: 3 },
    maxJobDurationSec: 600,
    limits: { inputFileBytesMax: 1_000_000, outputBytesMax: 1_000_000 },
    ...overrides,
  }
}

const readLocal = (path: string) => Buffer.from(`contents of ${path}`)
const MODELS = { Pod, PersistentVolumeClaim, Secret, NetworkPolicy } as const

function validateAll(s: JobSpec) {
  const objects = buildJobObjects(s, configureInputs(s, options, readLocal), options)
  for (const object of allObjects(objects)) {
    const Model = MODELS[(object as { kind: keyof typeof MODELS }).kind]
    expect(Model, `a model for ${String(object.kind)}`).toBeDefined()
    // kubernetes-models validates against the official OpenAPI schema; it throws listing each problem.
    expect(() => new Model(object as never).validate()).not.toThrow()
  }
  return objects
}

describe('job manifests', () => {
  it('validate against the Kubernetes schema for network denied/allowed, GPU node selectors and tolerations', () => {
    validateAll(spec())
    validateAll(spec({ environment: { id: 'env', allowNetwork: true } }))
    const gpu = validateAll(
      spec({
        environment: {
          id: 'gpu',
          allowNetwork: false,
          nodeSelector: { 'nvidia.com/gpu.present': 'true' },
          tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
        },
        resources: { cpu: 4, ramGb: 16, diskGb: 50, gpu: 1 },
      }),
    )
    const algo = gpu.pods.algorithm as {
      spec: {
        nodeSelector: unknown
        tolerations: unknown[]
        containers: Array<{ resources: { limits: Record<string, string> } }>
      }
    }
    // Every pod shares the placement: the configure pod fixes the volume's zone or node first.
    for (const step of ['configure', 'algorithm', 'publish'] as const) {
      const placed = gpu.pods[step] as { spec: { nodeSelector: unknown; tolerations: unknown[] } }
      expect(placed.spec.nodeSelector).toEqual({
        'kubernetes.io/os': 'linux',
        'nvidia.com/gpu.present': 'true',
      })
      expect(placed.spec.tolerations).toHaveLength(1)
    }
    expect(algo.spec.tolerations).toHaveLength(1)
    expect(algo.spec.containers[0]!.resources.limits).toEqual({
      cpu: '4000m',
      memory: '16384Mi',
      'nvidia.com/gpu': '1',
    })
  })

  it('the egress canary: valid, denied all egress by its own policy, and invisible to the job watch', () => {
    const { policy, pod } = egressCanaryObjects(options, 'c2d-egress-canary-0a1b2c3d')
    expect(() => new NetworkPolicy(policy as never).validate()).not.toThrow()
    expect(() => new Pod(pod as never).validate()).not.toThrow()
    const labels = (pod.metadata as { labels: Record<string, string> }).labels
    const selector = (policy.spec as { podSelector: { matchLabels: Record<string, string> } }).podSelector
    expect(labels).toMatchObject(selector.matchLabels)
    expect(Object.keys(selector.matchLabels)).toContain(LABELS.partOf)
    // The mesh opt-outs, as on job pods: a sidecar would keep the canary Running.
    expect(labels).toMatchObject(MESH_OPT_OUT.labels)
    expect(pod.metadata).toMatchObject({ annotations: MESH_OPT_OUT.annotations })
    expect(policy.spec).toMatchObject({ policyTypes: ['Egress'] })
    expect(policy.spec).not.toHaveProperty('egress')
    // The console's labels (swept by them after a crash), but no job id: the job watch and job
    // sweeps select on the job id, so they never see it.
    expect(labels).toMatchObject({ [LABELS.managedBy]: 'ocean-c2d-console', [LABELS.partOf]: 'ocean-c2d' })
    expect(labels).not.toHaveProperty(LABELS.jobId)
    expect(selectorOf().split(',')).toEqual([`${LABELS.managedBy}=ocean-c2d-console`, LABELS.jobId])
  })

  it('isolates every pod: no token, non-root, read-only root, no capabilities, RuntimeDefault seccomp, no escalation', () => {
    const objects = validateAll(spec())
    for (const pod of Object.values(objects.pods) as Array<{
      metadata: unknown
      spec: Record<string, unknown> & { containers: Array<{ securityContext: Record<string, unknown> }> }
    }>) {
      expect(pod.spec.automountServiceAccountToken).toBe(false)
      expect(pod.spec.restartPolicy).toBe('Never')
      expect(pod.spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        fsGroupChangePolicy: 'OnRootMismatch',
        seccompProfile: { type: 'RuntimeDefault' },
      })
      expect(pod.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' })
      const metadata = pod.metadata as { labels: Record<string, string>; annotations: Record<string, string> }
      expect(metadata.labels['sidecar.istio.io/inject']).toBe('false')
      expect(metadata.annotations).toMatchObject({
        'sidecar.istio.io/inject': 'false',
        'linkerd.io/inject': 'disabled',
      })
      expect(pod.spec.containers[0]!.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        privileged: false,
        capabilities: { drop: ['ALL'] },
      })
    }
  })

  it('sizes the volume from disk, limits the algorithm from cpu/ram, and times it with activeDeadlineSeconds', () => {
    const objects = validateAll(spec())
    expect(
      (objects.pvc as { spec: { resources: { requests: { storage: string } } } }).spec.resources.requests
        .storage,
    ).toBe('3Gi')
    const algo = objects.pods.algorithm as {
      spec: {
        activeDeadlineSeconds: number
        containers: Array<{
          command: string[]
          resources: unknown
          env: Array<{ name: string; value: string }>
        }>
      }
    }
    // maxJobDuration (600) + the pull allowance: the pod's deadline counts from its StartTime, before
    // the pull; the driver times the algorithm itself from its container's start.
    expect(algo.spec.activeDeadlineSeconds).toBe(600 + DEFAULT_MANIFEST_OPTIONS.deadlinePullAllowanceSec)
    expect(algo.spec.containers[0]!.resources).toEqual({
      requests: { cpu: '1500m', memory: '2048Mi' },
      limits: { cpu: '1500m', memory: '2048Mi' },
    })
    expect(algo.spec.containers[0]!.command).toEqual(['sh', '-c', 'node /data/transformations/algorithm'])
    expect(algo.spec.containers[0]!.env.find((e) => e.name === 'DIDS')?.value).toBe(
      JSON.stringify(['did:op:' + 'a'.repeat(64)]),
    )
  })

  it('keeps dataset URLs and headers in the Secret, mounted by the configure pod only', () => {
    const objects = validateAll(spec())
    const secretName = objectNames(spec().jobId).secret
    const mounts = (pod: unknown) => JSON.stringify(pod).includes(secretName)
    expect(mounts(objects.pods.configure)).toBe(true)
    expect(mounts(objects.pods.algorithm)).toBe(false)
    expect(mounts(objects.pods.publish)).toBe(false)
    for (const object of [objects.pvc, ...objects.networkPolicies, ...Object.values(objects.pods)]) {
      expect(JSON.stringify(object)).not.toContain('hunter2')
      expect(JSON.stringify(object)).not.toContain('data.example')
    }
    const inputs = JSON.parse(
      (objects.secret as { stringData: Record<string, string> }).stringData['inputs.json']!,
    )
    expect(inputs.datasets[0].files[0]).toEqual({
      type: 'url',
      url: 'https://data.example/secret.csv',
      headers: { Authorization: 'Bearer hunter2' },
    })
    expect(Buffer.from(inputs.datasets[0].files[1].base64, 'base64').toString()).toBe(
      'contents of /srv/weather.csv',
    )
  })

  it('denies egress to the algorithm unless the environment allows network; the configure pod always may fetch', () => {
    const egress = (allowNetwork: boolean) =>
      (
        validateAll(spec({ environment: { id: 'e', allowNetwork } })).networkPolicies[1] as {
          spec: { podSelector: { matchExpressions: Array<{ values: string[] }> }; policyTypes: string[] }
        }
      ).spec
    expect(egress(false).podSelector.matchExpressions[0]!.values).toEqual(['algorithm', 'publish'])
    expect(egress(true).podSelector.matchExpressions[0]!.values).toEqual(['publish'])
    expect(egress(false).policyTypes).toEqual(['Egress'])
  })

  it('labels everything with the job, and names stay valid for any job id', () => {
    const odd = spec({ jobId: 'Job_With.Odd/Characters-and-a-very-long-suffix-0123456789' })
    const objects = validateAll(odd)
    for (const object of allObjects(objects) as Array<{
      metadata: { name: string; labels: Record<string, string> }
    }>) {
      expect(object.metadata.labels[LABELS.jobId]).toBe(jobKey(odd.jobId))
      expect(object.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
      expect(object.metadata.name.length).toBeLessThanOrEqual(63)
    }
  })

  it('refuses local files too large to travel in a Secret, naming the stage', () => {
    const big = () => Buffer.alloc(DEFAULT_MANIFEST_OPTIONS.inlineBytesMax + 1)
    expect(() => configureInputs(spec(), options, big)).toThrow(ManifestError)
    try {
      configureInputs(spec(), options, big)
    } catch (error) {
      expect((error as ManifestError).stage).toBe('dataset')
      expect((error as Error).message).toContain('publish the file by URL')
    }
  })

  it('refuses inputs over the 1 MiB Secret limit, raw code and DDOs counted, naming the bigger part', () => {
    const inputs = configureInputs(spec(), options, readLocal)
    // Raw code is not an inline file, so only the Secret's own limit catches it.
    const code = {
      ...inputs,
      algorithm: { source: { type: 'rawcode' as const, code: 'x'.repeat(SECRET_BYTES_MAX) } },
    }
    expect(() => buildJobObjects(spec(), code, options)).toThrow(
      /over the 1048576 bytes \(1 MiB\) a Kubernetes Secret may hold/,
    )
    try {
      buildJobObjects(spec(), code, options)
    } catch (error) {
      expect((error as ManifestError).stage).toBe('algorithm')
    }
    const ddo = {
      ...inputs,
      datasets: [{ ...inputs.datasets[0]!, ddo: { big: 'd'.repeat(SECRET_BYTES_MAX) } }],
    }
    expect(() => buildJobObjects(spec(), ddo, options)).toThrow(ManifestError)
    try {
      buildJobObjects(spec(), ddo, options)
    } catch (error) {
      expect((error as ManifestError).stage).toBe('dataset')
    }
    expect(() => buildJobObjects(spec(), inputs, options)).not.toThrow()
  })

  it('pins a later pod where the volume is (the PV’s terms, the configure pod’s node): valid, other fields kept', () => {
    const objects = buildJobObjects(spec(), configureInputs(spec(), options, readLocal), options)
    const terms = [
      { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-1a'] }] },
    ]
    const pinned = followVolume(objects.pods.algorithm, { nodeName: 'ip-10-0-1-7', volumeTerms: terms }) as {
      spec: Record<string, unknown>
    }
    expect(() => new Pod(pinned as never).validate()).not.toThrow()
    expect(pinned.spec.affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms },
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            preference: { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['ip-10-0-1-7'] }] },
          },
        ],
      },
    })
    expect(pinned.spec.nodeSelector).toEqual(
      (objects.pods.algorithm.spec as Record<string, unknown>).nodeSelector,
    )
    expect(followVolume(objects.pods.publish, {})).toBe(objects.pods.publish)
    // The environment's own affinity is on all three pods; the volume's terms are ANDed with it.
    const pool = { matchExpressions: [{ key: 'pool', operator: 'In', values: ['gpu'] }] }
    const withPool = spec({
      environment: {
        id: 'env',
        allowNetwork: false,
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [pool] } },
      },
    })
    const pooled = validateAll(withPool)
    for (const p of Object.values(pooled.pods))
      expect((p.spec as { affinity?: unknown }).affinity).toEqual({
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [pool] } },
      })
    const both = followVolume(pooled.pods.algorithm, { volumeTerms: terms }) as {
      spec: { affinity: unknown }
    }
    expect(() => new Pod(both as never).validate()).not.toThrow()
    expect(both.spec.affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [...pool.matchExpressions, ...terms[0]!.matchExpressions] },
          ],
        },
      },
    })
    // A storage class from the config lands on the claim, and the claim stays valid.
    const named = buildJobObjects(spec(), configureInputs(spec(), options, readLocal), {
      ...options,
      storageClassName: 'gp3',
    })
    expect((named.pvc.spec as { storageClassName?: string }).storageClassName).toBe('gp3')
    expect(() => new PersistentVolumeClaim(named.pvc as never).validate()).not.toThrow()
  })

  it('ships a configure program that parses', () => {
    expect(
      () =>
        new Function(
          `return async () => { ${CONFIGURE_SCRIPT.replace(/^const fs = require\('fs'\)/m, '')} }`,
        ),
    ).not.toThrow()
  })
})
