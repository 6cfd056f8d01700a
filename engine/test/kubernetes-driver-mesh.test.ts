/**
 * Service meshes: the API double's Istio-style injector (sidecar-injector.ts) on namespaces labelled
 * `istio-injection=enabled` adds an `istio-proxy` container that keeps a pod Running after the
 * pod's own container exits. Every pod the console creates (the three job pods and the egress
 * canary) carries the opt-outs, so an injector that honours them leaves them alone. One that
 * ignores them (another mesh, a policy) must not hold a job up: the step's container ending is
 * the step's end, and the pod is deleted so it frees the RWO volume and its GPU at once; the
 * canary's verdict comes from its own container.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobSpec, Observation } from '../operator-engine/driver'
import { LABELS, MESH_OPT_OUT, objectNames } from '../operator-engine/drivers/kubernetes/manifests'
import { rawCodeJobInput } from './job-inputs'
import { driverAgainst, expectNothingLeft } from './kubernetes-api-double/driver-against'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './kubernetes-api-double/api-server'
import type { KubeObject } from './kubernetes-api-double/object-store'
import { PSS_ENFORCE } from './kubernetes-api-double/admission'
import { ISTIO_INJECTION_LABEL } from './kubernetes-api-double/sidecar-injector'

const HONOURED = 'mesh-honoured'
const IGNORED = 'mesh-ignored'
const RESTRICTED = 'mesh-restricted'
let double: KubernetesApiDouble
let workDir: string

beforeAll(async () => {
  double = await startKubernetesApiDouble({ namespaces: [HONOURED, IGNORED, RESTRICTED] })
  for (const ns of [HONOURED, IGNORED, RESTRICTED])
    double.store.update('namespaces', '', ns, (o) => {
      o.metadata.labels = {
        ...o.metadata.labels,
        [ISTIO_INJECTION_LABEL]: 'enabled',
        ...(ns === RESTRICTED ? { [PSS_ENFORCE]: 'restricted' } : {}),
      }
    })
  workDir = mkdtempSync(join(tmpdir(), 'c2d-k8s-mesh-'))
})
afterAll(async () => {
  await double?.close()
  if (workDir) rmSync(workDir, { recursive: true, force: true })
})

function waitFor(seen: Observation[], kind: Observation['kind'], tries = 400): Promise<Observation> {
  return new Promise((resolve, reject) => {
    let n = 0
    const check = () => {
      const found = seen.find((o) => o.kind === kind)
      if (found) return resolve(found)
      if (++n > tries) return reject(new Error(`no ${kind}; saw ${seen.map((o) => o.kind).join(', ')}`))
      setTimeout(check, 50)
    }
    check()
  })
}

/** Every pod created in `namespace` from now on, as the API stored it (after the webhook). */
function recordPods(namespace: string): { pods: KubeObject[]; stop: () => void } {
  const pods: KubeObject[] = []
  const stop = double.store.subscribe((e) => {
    if (e.resource === 'pods' && e.type === 'ADDED' && e.object.metadata.namespace === namespace)
      pods.push(structuredClone(e.object))
  })
  return { pods, stop }
}

const specOf = (jobId: string, allowNetwork: boolean): JobSpec => ({
  ...rawCodeJobInput({
    code: "require('fs').writeFileSync('/data/outputs/x', 'y'); console.log('done')",
    maxJobDurationSec: 30,
  }).spec,
  jobId,
  jobDir: join(workDir, jobId),
  environment: { id: allowNetwork ? 'net' : 'no-net', allowNetwork },
})

describe('an injector that honours the opt-outs', () => {
  it('injects into no pod of the console: the three job pods and the canary all carry the opt-outs', async () => {
    const { pods, stop } = recordPods(HONOURED)
    const driver = driverAgainst(double, HONOURED)
    expect((await driver.health()).ok).toBe(true)
    const jobId = 'mesh-honoured'
    const seen: Observation[] = []
    await driver.start(specOf(jobId, false), (_id, o) => seen.push(o))
    await waitFor(seen, 'outputs-collected')
    stop()

    const steps = pods.map((p) => p.metadata.labels?.[LABELS.step] ?? 'canary')
    expect(steps).toEqual(['canary', 'configure', 'algorithm', 'publish'])
    for (const pod of pods) {
      expect(pod.metadata.labels).toMatchObject(MESH_OPT_OUT.labels)
      expect(pod.metadata.annotations).toMatchObject(MESH_OPT_OUT.annotations)
      expect(
        (pod.spec as { containers: Array<{ name: string }> }).containers.map((c) => c.name),
      ).not.toContain('istio-proxy')
    }
    expect(double.sidecarsInjected.filter((p) => p.startsWith(`${HONOURED}/`))).toEqual([])
    await driver.cleanup(jobId)
    await driver.close()
    await expectNothingLeft(double, HONOURED, jobId)
  }, 60_000)
})

describe('an injector that ignores the opt-outs', () => {
  it("ends each step with its container although the sidecar keeps the pod Running, and deletes that pod before the next step's", async () => {
    double.faults.sidecarInjector({ ignoreOptOut: true })
    const jobId = 'mesh-ignored'
    const names = objectNames(jobId)
    // What the cluster holds when each next pod is created.
    const heldAtCreate = new Map<string, string | undefined>()
    const state = (name: string) => {
      const pod = double.store.get('pods', IGNORED, name)
      if (!pod) return 'gone'
      if (pod.metadata.deletionTimestamp) return 'terminating'
      return String((pod.status as { phase?: string } | undefined)?.phase)
    }
    const stop = double.store.subscribe((e) => {
      if (e.resource !== 'pods' || e.type !== 'ADDED' || e.object.metadata.namespace !== IGNORED) return
      if (e.object.metadata.name === names.pod('algorithm'))
        heldAtCreate.set('configure', state(names.pod('configure')))
      if (e.object.metadata.name === names.pod('publish'))
        heldAtCreate.set('algorithm', state(names.pod('algorithm')))
    })
    const driver = driverAgainst(double, IGNORED)
    const seen: Observation[] = []
    await driver.start(specOf(jobId, true), (_id, o) => seen.push(o))
    await waitFor(seen, 'outputs-collected')
    stop()

    expect(double.sidecarsInjected).toEqual(
      expect.arrayContaining(
        ['configure', 'algorithm', 'publish'].map((s) => `${IGNORED}/c2d-${jobId}-${s}`),
      ),
    )
    expect(seen.find((o) => o.kind === 'container-exited')).toMatchObject({ exitCode: 0 })
    // Neither the configure nor the algorithm pod was left Running beside the next step's pod.
    expect(['gone', 'terminating']).toContain(heldAtCreate.get('configure'))
    expect(['gone', 'terminating']).toContain(heldAtCreate.get('algorithm'))
    await driver.cleanup(jobId)
    await driver.close()
    await expectNothingLeft(double, IGNORED, jobId)
  }, 60_000)

  it("proves egress denial from the canary's own container while its sidecar runs on", async () => {
    double.faults.sidecarInjector({ ignoreOptOut: true })
    const before = double.sidecarsInjected.length
    const driver = driverAgainst(double, IGNORED, { egressCanary: { timeoutMs: 10_000, pollMs: 100 } })
    const health = await driver.health()
    expect(double.sidecarsInjected.slice(before)).toEqual([expect.stringMatching(/c2d-egress-canary/)])
    expect(health.checks.find((c) => c.name === 'egress')).toMatchObject({ ok: true })
    await driver.close()
  }, 60_000)

  it("an injected istio-init (root, NET_ADMIN) in a Pod Security 'restricted' namespace: the refusal is final, with the API's words", async () => {
    double.faults.sidecarInjector({ ignoreOptOut: true, istioInit: true })
    const jobId = 'mesh-restricted'
    const driver = driverAgainst(double, RESTRICTED)
    const creates = () => double.requests.get('create pods') ?? 0
    const before = creates()
    const seen: Observation[] = []
    await driver.start(specOf(jobId, true), (_id, o) => seen.push(o))
    const failure = (await waitFor(seen, 'container-create-failed')) as { reason: string }
    expect(failure.reason).toBe(
      `the cluster refused the job's objects: HTTP 403: pods "${objectNames(jobId).pod('configure')}" is forbidden: violates PodSecurity "restricted:latest": ` +
        'unrestricted capabilities (container "istio-init" must not include "NET_ADMIN", "NET_RAW" in securityContext.capabilities.add), ' +
        'runAsNonRoot != true (pod or containers must set securityContext.runAsNonRoot=true)',
    )
    expect(creates() - before).toBe(1)
    await driver.cleanup(jobId)
    await driver.close()
    await expectNothingLeft(double, RESTRICTED, jobId)
    double.faults.sidecarInjector({})
  }, 60_000)
})
