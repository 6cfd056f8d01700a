/**
 * The Kubernetes driver asks for the algorithm's pod log with `timestamps=true`: the kubelet's
 * time before each line is cut from results/algorithm.log (the file consumers download stays the
 * container's own bytes) and kept in the log's times sidecar, both while following the log live
 * and when the whole log is stored at the end.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CoreV1Api } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LogLineIndex } from '../console-api/log-line-index'
import type { JobSpec, Observation } from '../operator-engine/driver'
import { objectNames } from '../operator-engine/drivers/kubernetes/manifests'
import { followPodLog } from '../operator-engine/drivers/kubernetes/pod-log-stream'
import { parseRfc3339Ms } from '../operator-engine/log-times'
import { rawCodeJobInput } from './job-inputs'
import { driverAgainst } from './kubernetes-api-double/driver-against'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './kubernetes-api-double/api-server'

const NAMESPACE = 'c2d-log-times'
let double: KubernetesApiDouble
let workDir: string

beforeAll(async () => {
  double = await startKubernetesApiDouble({
    namespaces: [NAMESPACE],
    knownImage: (i) => /^(busybox|node|python)(:|$)/.test(i),
  })
  workDir = mkdtempSync(join(tmpdir(), 'c2d-k8s-log-times-'))
})
afterAll(async () => {
  await double?.close()
  if (workDir) rmSync(workDir, { recursive: true, force: true })
})

/** The kubelet's lines with their times, as the API double (like a real API server) serves them. */
async function stampedLines(pod: string, container: string): Promise<Array<{ text: string; atMs: number }>> {
  const core = double.kubeConfig(NAMESPACE).makeApiClient(CoreV1Api)
  const stamped = await core.readNamespacedPodLog({
    name: pod,
    namespace: NAMESPACE,
    container,
    timestamps: true,
  })
  return stamped
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => ({
      text: l.slice(l.indexOf(' ') + 1),
      atMs: Math.round(parseRfc3339Ms(l.slice(0, l.indexOf(' ')))),
    }))
}

describe('the algorithm log with the kubelet’s times', () => {
  it('follows the pod log with timestamps=true into a plain log plus its times', async () => {
    const core = double.kubeConfig(NAMESPACE).makeApiClient(CoreV1Api)
    await core.createNamespacedPod({
      namespace: NAMESPACE,
      body: {
        metadata: { name: 'follow-times' },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'main',
              image: 'busybox:1.36',
              command: ['sh', '-c', 'echo alpha; sleep 0.2; echo "beta gamma"'],
            },
          ],
        },
      },
    })
    const file = join(workDir, 'follow.log')
    for (let i = 0; i < 200; i++) {
      const end = await followPodLog(
        double.kubeConfig(NAMESPACE),
        { namespace: NAMESPACE, pod: 'follow-times', container: 'main' },
        file,
        new AbortController().signal,
      )
      if (end.kind === 'ended') break
      await new Promise((r) => setTimeout(r, 25)) // the container has not started yet (400)
    }
    expect(readFileSync(file, 'utf8')).toBe('alpha\nbeta gamma\n')
    const index = new LogLineIndex(file)
    await index.refresh()
    const window = await index.readLines(0, 10)
    const kubelet = await stampedLines('follow-times', 'main')
    expect(window).toMatchObject({ lines: kubelet.map((l) => l.text), hasTimes: true })
    expect(window.times).toEqual(kubelet.map((l) => l.atMs))
  })

  it('a whole job: results/algorithm.log is the algorithm’s output and each line has the kubelet’s time', async () => {
    const code = `console.log('line one'); setTimeout(() => { console.log('line two') }, 200)`
    const input = rawCodeJobInput({ code, maxJobDurationSec: 60 })
    const spec: JobSpec = {
      ...input.spec,
      jobId: 'log-times-job',
      jobDir: join(workDir, 'log-times-job'),
      resources: { cpu: 1, ramGb: 1, diskGb: 1 },
      limits: { inputFileBytesMax: 1_000_000, outputBytesMax: 10_000_000 },
    }
    const driver = driverAgainst(double, NAMESPACE)
    const end = await new Promise<Observation>(
      (resolve) =>
        void driver.start(spec, (_id, o) => {
          if (o.kind === 'outputs-collected' || o.kind === 'results-failed' || o.kind === 'outputs-refused')
            resolve(o)
        }),
    )
    expect(end.kind).toBe('outputs-collected')
    const log = join(spec.jobDir, 'results', 'algorithm.log')
    const text = readFileSync(log, 'utf8')
    expect(text).toContain('line one\nline two\n')
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/) // no kubelet prefix left in the file
    const index = new LogLineIndex(log)
    await index.refresh()
    const window = await index.readLines(0, 100)
    // The algorithm pod is still there until cleanup: its stamped log is the reference.
    const kubelet = await stampedLines(objectNames(spec.jobId).pod('algorithm'), 'algorithm')
    expect(window.lines).toEqual(kubelet.map((l) => l.text))
    expect(window.hasTimes).toBe(true)
    expect(window.times).toEqual(kubelet.map((l) => l.atMs))
    await driver.cleanup(spec.jobId)
    await driver.close()
  })
})
