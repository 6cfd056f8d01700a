/**
 * The Kubernetes driver's health (health.ts) against the API double with the real client-node:
 * what a publisher sees for a good cluster, a missing namespace, each refused permission (the
 * double answers SelfSubjectAccessReview and the request alike) and an unreachable API server.
 * The last test runs a whole job on the driver and proves health asks for every verb the job then
 * uses: a permission health does not check would let a cluster look healthy and fail jobs later.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemClock } from '../clock'
import { MemoryLogger } from '../logging'
import type { JobSpec, Observation } from '../operator-engine/driver'
import {
  checkClusterHealth,
  createNamespace,
  optionalPermissions,
  requiredPermissions,
} from '../operator-engine/drivers/kubernetes/health'
import { KubernetesDriver } from '../operator-engine/drivers/kubernetes/kubernetes-driver'
import { selectorOf } from '../operator-engine/drivers/kubernetes/manifests'
import { rawCodeJobInput } from './job-inputs'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './kubernetes-api-double/api-server'

const NAMESPACE = 'c2d-health'
let double: KubernetesApiDouble
let workDir: string

beforeAll(async () => {
  double = await startKubernetesApiDouble({ namespaces: [NAMESPACE] })
  workDir = mkdtempSync(join(tmpdir(), 'c2d-k8s-health-'))
})
afterAll(async () => {
  await double?.close()
  if (workDir) rmSync(workDir, { recursive: true, force: true })
})

/** The checks that ran and failed (a skipped one proved nothing either way). */
const failed = (health: Awaited<ReturnType<typeof checkClusterHealth>>) =>
  health.checks.filter((c) => !c.ok && !c.skipped).map((c) => c.name)
const skipped = (health: Awaited<ReturnType<typeof checkClusterHealth>>) =>
  health.checks.filter((c) => c.skipped).map((c) => c.name)

describe('Kubernetes driver health', () => {
  it('passes every check on a cluster that allows what the driver needs, one check per permission', async () => {
    const health = await checkClusterHealth(double.kubeConfig(NAMESPACE), NAMESPACE)
    expect(failed(health)).toEqual([])
    expect(health.ok).toBe(true)
    expect(health.summary).toMatch(new RegExp(`^double / ${NAMESPACE} \\(v\\d`))
    expect(health.checks.filter((c) => c.name.startsWith('rbac:'))).toHaveLength(
      requiredPermissions.length + optionalPermissions.length,
    )
    expect(health.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'api',
        'namespace',
        'rbac:deletecollection pods',
        'rbac:get pods/exec',
        'rbac:create pods/exec',
        'egress',
      ]),
    )
    expect(health.checks.find((c) => c.name === 'egress')!.message).toMatch(/^Egress denial proven/)
    // The canary's pod and policy are gone again.
    expect(double.objects('c2d.oceanprotocol.com/canary', NAMESPACE)).toEqual([])
  })

  it('a CNI that ignores NetworkPolicy fails the egress check with the fix, and no-network jobs are refused', async () => {
    double.faults.ignoreNetworkPolicy(true)
    try {
      const health = await checkClusterHealth(double.kubeConfig(NAMESPACE), NAMESPACE)
      expect(health.ok).toBe(false)
      expect(failed(health)).toEqual(['egress'])
      const egress = health.checks.find((c) => c.name === 'egress')!
      expect(egress.message).toContain('does not enforce NetworkPolicy')
      expect(egress.fix).toContain('EKS: VPC CNI with enableNetworkPolicy=true')
      expect(double.objects('c2d.oceanprotocol.com/canary', NAMESPACE)).toEqual([])

      const jobId = 'egress-refused-job'
      const input = rawCodeJobInput({ code: "console.log('must not run')", maxJobDurationSec: 30 })
      expect(input.spec.environment.allowNetwork).toBe(false)
      const driver = new KubernetesDriver({
        logger: new MemoryLogger(),
        clock: systemClock,
        kubeConfig: double.kubeConfig(NAMESPACE),
        namespace: NAMESPACE,
      })
      const seen: Observation[] = []
      const ended = new Promise<void>(
        (resolve) =>
          void driver.start({ ...input.spec, jobId, jobDir: join(workDir, jobId) }, (_id, observation) => {
            seen.push(observation)
            if (observation.kind === 'algorithm-provisioning-failed') resolve()
          }),
      )
      await ended
      await driver.close()
      const refusal = seen.find((o) => o.kind === 'algorithm-provisioning-failed') as { reason: string }
      expect(refusal.reason).toMatch(/^refused: environment \S+ runs algorithms without network/)
      expect(refusal.reason).toContain('Fix: Enable NetworkPolicy enforcement')
      // Nothing of the job was created: no Secret with dataset URLs, no pod.
      expect(double.objects(selectorOf(jobId), NAMESPACE)).toEqual([])
      expect(seen.map((o) => o.kind)).not.toContain('algorithm-started')
    } finally {
      double.faults.ignoreNetworkPolicy(false)
    }
  }, 30_000)

  it('an optional permission the Role cannot grant (get persistentvolumes) is named with its ClusterRole fix, never failed', async () => {
    double.faults.deny({ verb: 'get', resource: 'persistentvolumes' })
    try {
      const health = await checkClusterHealth(double.kubeConfig(NAMESPACE), NAMESPACE, { skip: true })
      expect(health.ok).toBe(true)
      expect(health.checks.find((c) => c.name === 'rbac:get persistentvolumes')).toMatchObject({
        ok: true,
        message: expect.stringContaining("follow the configure pod's node only"),
        fix: expect.stringContaining('ClusterRole'),
      })
    } finally {
      double.faults.allowAll()
    }
  })

  it('a missing namespace fails with the fix that creates it', async () => {
    const health = await checkClusterHealth(double.kubeConfig('nowhere'), 'nowhere')
    expect(health.ok).toBe(false)
    expect(failed(health)).toEqual(['namespace'])
    const check = health.checks.find((c) => c.name === 'namespace')!
    expect(check.message).toBe('Namespace nowhere does not exist')
    expect(check.fix).toContain('kubectl create namespace nowhere')

    // The fix offered on the Compute backend screen: create it, labelled like every object of ours.
    await createNamespace(double.kubeConfig('nowhere'), 'nowhere')
    expect(double.store.get('namespaces', '', 'nowhere')?.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'ocean-c2d-console',
    })
    expect(failed(await checkClusterHealth(double.kubeConfig('nowhere'), 'nowhere'))).toEqual([])
  })

  it('names each refused permission with a Role fix, and the refusal is what the request then gets', async () => {
    double.faults.deny({ verb: 'deletecollection', resource: 'secrets', namespace: NAMESPACE })
    double.faults.deny({ verb: 'create', resource: 'pods', subresource: 'exec' })
    try {
      const health = await checkClusterHealth(double.kubeConfig(NAMESPACE), NAMESPACE)
      expect(health.ok).toBe(false)
      expect(failed(health).sort()).toEqual(['rbac:create pods/exec', 'rbac:deletecollection secrets'])
      const secrets = health.checks.find((c) => c.name === 'rbac:deletecollection secrets')!
      expect(secrets.message).toBe(
        `not allowed to deletecollection secrets in ${NAMESPACE} (RBAC: verb deletecollection, resource secrets)`,
      )
      expect(secrets.cause).toBe('forbidden')
      expect(secrets.fix).toContain('Role + RoleBinding')
      expect(secrets.fix).toContain(
        `kubectl create role c2d-console-deletecollection -n ${NAMESPACE} --verb=deletecollection --resource=secrets`,
      )
      expect(health.checks.find((c) => c.name === 'rbac:create pods/exec')!.fix).toContain(
        '--resource=pods/exec',
      )
      // The egress canary needs what is refused: listed, not run.
      expect(skipped(health)).toEqual(['egress'])
      // The check predicted it: the driver's cleanup call itself is refused by the same rule.
      const response = await fetch(
        `${double.url}/api/v1/namespaces/${NAMESPACE}/secrets?labelSelector=x%3Dy`,
        { method: 'DELETE', headers: { authorization: `Bearer ${double.token}` } },
      )
      expect(response.status).toBe(403)
    } finally {
      double.faults.allowAll()
    }
  })

  it('an unreachable API server fails with its cause and URL; every later check is listed as not run', async () => {
    double.faults.setUnreachable(true)
    double.requests.clear()
    try {
      const health = await checkClusterHealth(double.kubeConfig(NAMESPACE), NAMESPACE)
      expect(health.ok).toBe(false)
      expect(health.apiServer).toBe(double.url)
      expect(failed(health)).toEqual(['api'])
      const api = health.checks.find((c) => c.name === 'api')!
      // The double accepts the TCP connection and drops it: the API server closed it, at its URL.
      expect(api).toMatchObject({ cause: 'reset', fix: expect.stringContaining(double.url) })
      expect(api.message).toContain(new URL(double.url).host)
      // All checks are listed, the ones that could not run as skipped with the reason; none was probed.
      expect(health.checks.map((c) => c.name)).toEqual([
        'connection',
        'credentials',
        'api',
        'namespace',
        ...requiredPermissions.map(
          (p) => `rbac:${p.verb} ${p.resource}${'subresource' in p ? `/${p.subresource}` : ''}`,
        ),
        'egress',
      ])
      expect(skipped(health)).toHaveLength(requiredPermissions.length + 2)
      expect(health.checks.find((c) => c.name === 'namespace')!.message).toBe(
        'Not checked: the API server did not answer the console',
      )
      expect(double.requestCount()).toBe(0)
    } finally {
      double.faults.setUnreachable(false)
    }
  })

  it('checks every verb a whole job uses (run, collect, clean up), as the double counted them', async () => {
    const jobId = 'health-coverage-job'
    const input = rawCodeJobInput({
      code: "require('fs').writeFileSync('/data/outputs/x.txt', 'x'); console.log('done')",
      maxJobDurationSec: 30,
    })
    const spec: JobSpec = { ...input.spec, jobId, jobDir: join(workDir, jobId) }
    const driver = new KubernetesDriver({
      logger: new MemoryLogger(),
      clock: systemClock,
      kubeConfig: double.kubeConfig(NAMESPACE),
      namespace: NAMESPACE,
    })
    double.requests.clear()
    const seen: Observation['kind'][] = []
    const ended = new Promise<Observation>(
      (resolve) =>
        void driver.start(spec, (_id, observation) => {
          seen.push(observation.kind)
          if (observation.kind === 'outputs-collected' || observation.kind === 'results-failed')
            resolve(observation)
        }),
    )
    expect((await ended).kind).toBe('outputs-collected')
    await driver.cleanup(jobId)
    await driver.close()
    expect(double.objects(selectorOf(jobId), NAMESPACE)).toEqual([])
    expect(seen).toContain('container-exited')

    const checked = new Set(
      [...requiredPermissions, ...optionalPermissions].map(
        (p) => `${p.verb} ${p.resource}${'subresource' in p ? `/${p.subresource}` : ''}`,
      ),
    )
    const used = [...double.requests.keys()]
    expect(used).toEqual(
      expect.arrayContaining([
        'create pods',
        'watch pods',
        'get pods/log',
        'create pods/exec',
        'deletecollection pods',
      ]),
    )
    expect(used.filter((request) => !checked.has(request))).toEqual([])
  }, 30_000)
})
