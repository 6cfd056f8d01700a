/**
 * The Kubernetes driver's pods under the admission of real platforms, played by the API double
 * (admission.ts): Pod Security "restricted" on the namespace, and OpenShift's restricted-v2, which
 * refuses any pod that fixes UIDs outside the project's range. A whole job must run on both, and
 * the health check's egress canary too.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CoreV1Api } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemClock } from '../clock'
import { MemoryLogger } from '../logging'
import type { JobSpec, Observation } from '../operator-engine/driver'
import { checkClusterHealth } from '../operator-engine/drivers/kubernetes/health'
import { KubernetesDriver } from '../operator-engine/drivers/kubernetes/kubernetes-driver'
import { rawCodeJobInput } from './job-inputs'
import { OPENSHIFT_UID_RANGE, PSS_ENFORCE } from './kubernetes-api-double/admission'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './kubernetes-api-double/api-server'

const OPENSHIFT = 'c2d-openshift'
const RESTRICTED = 'c2d-restricted'
let double: KubernetesApiDouble
let workDir: string

beforeAll(async () => {
  double = await startKubernetesApiDouble({ namespaces: [OPENSHIFT, RESTRICTED] })
  double.store.update('namespaces', '', OPENSHIFT, (ns) => {
    ns.metadata.annotations = { [OPENSHIFT_UID_RANGE]: '1000680000/10000' }
  })
  double.store.update('namespaces', '', RESTRICTED, (ns) => {
    ns.metadata.labels = { [PSS_ENFORCE]: 'restricted' }
  })
  workDir = mkdtempSync(join(tmpdir(), 'c2d-k8s-security-'))
})
afterAll(async () => {
  await double?.close()
  if (workDir) rmSync(workDir, { recursive: true, force: true })
})

async function runJob(namespace: string, jobId: string) {
  const input = rawCodeJobInput({
    code: "require('fs').writeFileSync('/data/outputs/x.txt', 'x'); console.log('done')",
    maxJobDurationSec: 30,
  })
  const spec: JobSpec = { ...input.spec, jobId, jobDir: join(workDir, jobId) }
  const driver = new KubernetesDriver({
    logger: new MemoryLogger(),
    clock: systemClock,
    kubeConfig: double.kubeConfig(namespace),
    namespace,
  })
  const securityContexts: unknown[] = []
  let secretsAtAlgorithmStart = -1
  const ended = new Promise<Observation>(
    (resolve) =>
      void driver.start(spec, (_id, observation) => {
        if (observation.kind === 'algorithm-started')
          secretsAtAlgorithmStart = double.store.list('secrets', namespace).length
        if (observation.kind === 'algorithm-started')
          securityContexts.push(
            (
              double.store.list('pods', namespace).find((p) => p.metadata.name.endsWith('-algorithm'))
                ?.spec as { securityContext?: unknown } | undefined
            )?.securityContext,
          )
        if (
          observation.kind === 'outputs-collected' ||
          observation.kind.endsWith('-failed') ||
          observation.kind === 'lost'
        )
          resolve(observation)
      }),
  )
  const end = await ended
  const health = await driver.health()
  await driver.cleanup(jobId)
  await driver.close()
  return { end, health, securityContexts, secretsAtAlgorithmStart }
}

describe('Kubernetes driver under platform admission', () => {
  it('the double refuses a fixed UID outside an OpenShift project range, with the SCC message', async () => {
    const core = double.kubeConfig(OPENSHIFT).makeApiClient(CoreV1Api)
    const error = await core
      .createNamespacedPod({
        namespace: OPENSHIFT,
        body: {
          metadata: { name: 'fixed-uid' },
          spec: {
            securityContext: { runAsUser: 1000, fsGroup: 1000 },
            containers: [{ name: 'main', image: 'busybox:1.36', command: ['true'] }],
          },
        },
      })
      .then(
        () => undefined,
        (e: unknown) => e as { code: number; body: string },
      )
    const message = (JSON.parse(error!.body) as { message: string }).message
    expect(error?.code).toBe(403)
    expect(message).toContain('provider "restricted-v2"')
    expect(message).toContain('must be in the ranges: [1000680000, 1000689999]')
  })

  it('runs a whole job on OpenShift restricted-v2: UIDs left to the platform, runAsNonRoot kept', async () => {
    const { end, health, securityContexts } = await runJob(OPENSHIFT, 'openshift-job')
    expect(end.kind).toBe('outputs-collected')
    expect(securityContexts[0]).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000680000, // assigned by the platform's admission, not by the driver
      fsGroup: 1000680000,
      seccompProfile: { type: 'RuntimeDefault' },
    })
    expect(securityContexts[0]).not.toHaveProperty('runAsGroup')
    expect(health.checks.filter((c) => !c.ok)).toEqual([])
    expect(health.checks.map((c) => c.name)).toContain('egress')
  }, 30_000)

  it('the health check alone (no driver) also runs its canary with the platform UIDs on OpenShift', async () => {
    const health = await checkClusterHealth(double.kubeConfig(OPENSHIFT), OPENSHIFT)
    expect(health.checks.filter((c) => !c.ok)).toEqual([])
    expect(health.checks.find((c) => c.name === 'egress')?.message).toMatch(/^Egress denial proven/)
  }, 30_000)

  it('runs a whole job in a namespace enforcing Pod Security "restricted"', async () => {
    const { end, health, securityContexts, secretsAtAlgorithmStart } = await runJob(
      RESTRICTED,
      'restricted-job',
    )
    expect(end.kind).toBe('outputs-collected')
    // The Secret with dataset URLs and headers is gone once configure ended, before the algorithm runs.
    expect(secretsAtAlgorithmStart).toBe(0)
    expect(securityContexts[0]).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 })
    expect(health.checks.filter((c) => !c.ok)).toEqual([])
  }, 30_000)

  it('the double refuses what restricted forbids, with the Pod Security wording', async () => {
    const core = double.kubeConfig(RESTRICTED).makeApiClient(CoreV1Api)
    const error = await core
      .createNamespacedPod({
        namespace: RESTRICTED,
        body: {
          metadata: { name: 'loose' },
          spec: { containers: [{ name: 'main', image: 'busybox:1.36', command: ['true'] }] },
        },
      })
      .then(
        () => undefined,
        (e: unknown) => e as { code: number; body: string },
      )
    const message = (JSON.parse(error!.body) as { message: string }).message
    expect(error?.code).toBe(403)
    expect(message).toContain('violates PodSecurity "restricted:latest"')
    expect(message).toContain('allowPrivilegeEscalation != false')
  })
})
