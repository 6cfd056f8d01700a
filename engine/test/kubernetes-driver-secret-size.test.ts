/**
 * The inputs Secret and the API's 1 MiB limit. The double enforces it as kube-apiserver does (422
 * `data: Too long`); the driver counts the same bytes (dataset URLs and headers, DDOs, raw code)
 * before creating anything, and refuses such a job before it is registered: 413
 * JOB_INPUTS_TOO_LARGE (docs/errors.md), nothing written, nothing created on the cluster.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CoreV1Api } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isC2dError } from '../c2d-error'
import { systemClock } from '../clock'
import { MemoryLogger } from '../logging'
import type { JobSpec } from '../operator-engine/driver'
import { errorMessage } from '../operator-engine/drivers/kubernetes/health'
import { SECRET_BYTES_MAX, SecretTooLargeError } from '../operator-engine/drivers/kubernetes/manifests'
import { Environments, defaultEnvironment } from '../operator-service/environments'
import { SqliteOperatorService } from '../operator-service/operator-service'
import { openDatabase } from '../store/database'
import { rawCodeJobInput } from './job-inputs'
import { driverAgainst } from './kubernetes-api-double/driver-against'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './kubernetes-api-double/api-server'

const NAMESPACE = 'c2d-secret-size'
let double: KubernetesApiDouble
let workDir: string

beforeAll(async () => {
  double = await startKubernetesApiDouble({ namespaces: [NAMESPACE] })
  workDir = mkdtempSync(join(tmpdir(), 'c2d-k8s-secret-'))
})
afterAll(async () => {
  await double?.close()
  if (workDir) rmSync(workDir, { recursive: true, force: true })
})

const specWithCode = (jobId: string, code: string): JobSpec => ({
  ...rawCodeJobInput({ code, maxJobDurationSec: 30 }).spec,
  jobId,
  jobDir: join(workDir, jobId),
})

describe('the inputs Secret against the 1 MiB limit', () => {
  it('the driver counts what the API counts: the largest inputs it admits are created, one byte more is refused by both', async () => {
    const driver = driverAgainst(double, NAMESPACE)
    const inputsBytes = (spec: JobSpec) =>
      Buffer.byteLength(
        (driver.objectsFor(spec).secret as { stringData: Record<string, string> }).stringData['inputs.json']!,
      )
    const base = inputsBytes(specWithCode('at-limit', ''))
    const atLimit = specWithCode('at-limit', 'x'.repeat(SECRET_BYTES_MAX - base))
    expect(inputsBytes(atLimit)).toBe(SECRET_BYTES_MAX)
    const over = specWithCode('over-limit', 'x'.repeat(SECRET_BYTES_MAX - base + 1))

    const core = double.kubeConfig(NAMESPACE).makeApiClient(CoreV1Api)
    const secret = driver.objectsFor(atLimit).secret
    await expect(
      core.createNamespacedSecret({ namespace: NAMESPACE, body: secret as never }),
    ).resolves.toBeDefined()
    expect(() => driver.objectsFor(over)).toThrow(SecretTooLargeError)
    // The same Secret built without the driver's check: the API server says no.
    const tooBig = {
      ...secret,
      metadata: { ...(secret.metadata as object), name: 'c2d-over-limit-inputs' },
      stringData: { 'inputs.json': 'x'.repeat(SECRET_BYTES_MAX + 1) },
    }
    const refused = await core.createNamespacedSecret({ namespace: NAMESPACE, body: tooBig as never }).then(
      () => 'created',
      (error: unknown) => errorMessage(error),
    )
    expect(refused).toBe(
      'HTTP 422: Secret "c2d-over-limit-inputs" is invalid: data: Too long: must have at most 1048576 bytes',
    )
    await driver.close()
  })

  it('a job whose raw code and DDOs pass 1 MiB is refused at registration (413 JOB_INPUTS_TOO_LARGE): nothing stored or created', async () => {
    const db = openDatabase({ file: join(workDir, 'console.db') })
    const environments = new Environments(db)
    environments.seed([defaultEnvironment(undefined)])
    const driver = driverAgainst(double, NAMESPACE)
    const service = new SqliteOperatorService({
      db,
      driver,
      environments,
      dataDir: workDir,
      logger: new MemoryLogger(),
      clock: systemClock,
    })
    await service.start()
    const before = double.requestCount()
    const input = rawCodeJobInput({ code: 'x'.repeat(700 * 1024), maxJobDurationSec: 30 })
    // A dataset whose DDO is 400 KiB: the code and the DDO each fit, together they do not.
    input.spec.datasets = [
      {
        did: 'did:op:big',
        ddo: { id: 'did:op:big', description: 'd'.repeat(400 * 1024) },
        files: [{ type: 'url', url: 'https://example.org/data.csv', method: 'GET' }],
      },
    ]
    let thrown: unknown
    try {
      service.registerJob(input)
    } catch (error) {
      thrown = error
    }
    expect(isC2dError(thrown)).toBe(true)
    expect(thrown).toMatchObject({ code: 'JOB_INPUTS_TOO_LARGE', status: 413 })
    expect((thrown as Error).message).toMatch(
      /^Kubernetes backend: the job's inputs \(dataset URLs and headers, DDOs, raw algorithm code, inline files\) take \d+ bytes, over the 1048576 bytes \(1 MiB\) a Kubernetes Secret may hold; publish large files or code by URL$/,
    )
    expect(service.listJobs({})).toHaveLength(0)
    expect(double.requestCount()).toBe(before)
    await service.close()
    db.close()
  })
})
