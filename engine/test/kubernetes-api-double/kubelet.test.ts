/**
 * The simulated kubelet behind the API double, seen through the real @kubernetes/client-node:
 * pod phases and container states with the kubelet's shapes, volumes, logs (Log follow), exec
 * (Exec: tar, stdin, exit codes), and the faults the driver must survive (image pull, OOM,
 * deadline, node loss, egress cut by a NetworkPolicy). Runs containers in bubblewrap.
 */
import { spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Readable, Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ApiException,
  CoreV1Api,
  Exec,
  Log,
  NetworkingV1Api,
  Watch,
  type V1Pod,
  type V1Status,
} from '@kubernetes/client-node'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './api-server'

const NS = 'double-kubelet'
let double: KubernetesApiDouble
let core: CoreV1Api

beforeAll(async () => {
  double = await startKubernetesApiDouble({
    namespaces: [NS],
    knownImage: (i) => /^(busybox|node|python)(:|$)/.test(i),
  })
  core = double.kubeConfig(NS).makeApiClient(CoreV1Api)
})
afterAll(async () => double.close())

const pod = (name: string, spec: V1Pod['spec']): V1Pod => ({
  metadata: { name, labels: { suite: 'kubelet' } },
  spec: { restartPolicy: 'Never', ...spec! },
})
const sh = (name: string, script: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: 'busybox:1.36',
  command: ['sh', '-c', script],
  ...extra,
})

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const value = await read()
    if (done(value)) return value
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`timed out waiting for ${what}`)
}

const readPod = (name: string) => () => core.readNamespacedPod({ name, namespace: NS })
const phaseIs =
  (...phases: string[]) =>
  (p: V1Pod) =>
    phases.includes(p.status?.phase ?? '')
const containerState = (p: V1Pod, name: string) =>
  [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])].find(
    (c) => c.name === name,
  )?.state

describe('pod lifecycle', () => {
  it('runs an init container that writes a PVC and a main container that reads it: Pending during init, then Running, then Succeeded', async () => {
    await core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: {
        metadata: { name: 'work' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    })
    const seen: Array<{ phase?: string; init?: string; main?: string }> = []
    const rv = (await core.listNamespacedPod({ namespace: NS })).metadata!.resourceVersion!
    const watch = await new Watch(double.kubeConfig(NS)).watch(
      `/api/v1/namespaces/${NS}/pods`,
      { resourceVersion: rv, fieldSelector: 'metadata.name=pvc-story' },
      (_type: string, p: V1Pod) => {
        const key = (s: ReturnType<typeof containerState>) =>
          s?.running
            ? 'running'
            : s?.terminated
              ? `terminated:${s.terminated.reason}`
              : s?.waiting
                ? `waiting:${s.waiting.reason}`
                : undefined
        seen.push({
          phase: p.status?.phase,
          init: key(containerState(p, 'writer')),
          main: key(containerState(p, 'reader')),
        })
      },
      () => undefined,
    )
    const volumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'work' } }]
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('pvc-story', {
        volumes,
        initContainers: [
          sh('writer', 'echo from-init > /data/x.txt; echo init-done', {
            volumeMounts: [{ name: 'data', mountPath: '/data' }],
          }),
        ],
        containers: [
          sh('reader', 'cat /data/x.txt; echo to-stderr >&2', {
            volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }],
          }),
        ],
      }),
    })
    const done = await until(readPod('pvc-story'), phaseIs('Succeeded', 'Failed'), 'the pod to finish')
    watch.abort()
    expect(done.status?.phase).toBe('Succeeded')
    expect(containerState(done, 'writer')?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' })
    expect(containerState(done, 'reader')?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' })
    expect(containerState(done, 'reader')?.terminated?.finishedAt).toBeInstanceOf(Date)
    expect(seen).toContainEqual({ phase: 'Pending', init: 'running', main: 'waiting:ContainerCreating' })
    expect(seen.findIndex((s) => s.phase === 'Running')).toBeGreaterThan(
      seen.findIndex((s) => s.init === 'terminated:Completed'),
    )
    expect(await core.readNamespacedPodLog({ name: 'pvc-story', namespace: NS, container: 'reader' })).toBe(
      'from-init\nto-stderr\n',
    )
    expect(await core.readNamespacedPodLog({ name: 'pvc-story', namespace: NS, container: 'writer' })).toBe(
      'init-done\n',
    )
    // The claim outlives the pod, as a bound volume does.
    await core.deleteNamespacedPod({ name: 'pvc-story', namespace: NS })
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('pvc-again', {
        volumes,
        containers: [
          sh('again', 'cat /data/x.txt', { volumeMounts: [{ name: 'data', mountPath: '/data' }] }),
        ],
      }),
    })
    await until(readPod('pvc-again'), phaseIs('Succeeded', 'Failed'), 'the second pod')
    expect(await core.readNamespacedPodLog({ name: 'pvc-again', namespace: NS })).toBe('from-init\n')
  })

  it('mounts Secret and ConfigMap keys as files (items, subPath) and resolves env valueFrom', async () => {
    await core.createNamespacedSecret({
      namespace: NS,
      body: { metadata: { name: 'creds' }, data: { token: Buffer.from('s3cret').toString('base64') } },
    })
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: 'settings' }, data: { 'a.conf': 'alpha', 'b.conf': 'beta' } },
    })
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('files', {
        volumes: [
          { name: 'secret', secret: { secretName: 'creds' } },
          { name: 'config', configMap: { name: 'settings', items: [{ key: 'b.conf', path: 'nested/b' }] } },
          { name: 'scratch', emptyDir: {} },
        ],
        containers: [
          sh(
            'main',
            'cat /s/token; echo; cat /c/nested/b; echo; ls /c; echo "$FROM_SECRET $POD_NAME $GREETING"; echo sub > /w/f; ls /w',
            {
              env: [
                { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'GREETING', value: 'hi-$(POD_NAME)' },
              ],
              volumeMounts: [
                { name: 'secret', mountPath: '/s', readOnly: true },
                { name: 'config', mountPath: '/c', readOnly: true },
                { name: 'scratch', mountPath: '/w', subPath: 'deep' },
              ],
            },
          ),
        ],
      }),
    })
    const done = await until(readPod('files'), phaseIs('Succeeded', 'Failed'), 'the pod to finish')
    expect(done.status?.phase).toBe('Succeeded')
    expect(await core.readNamespacedPodLog({ name: 'files', namespace: NS })).toBe(
      's3cret\nbeta\nnested\ns3cret files hi-files\nf\n',
    )
  })

  it('starts app containers together (they share an emptyDir) and asks for a container name when a pod has several', async () => {
    const mount = { volumeMounts: [{ name: 'shared', mountPath: '/shared' }] }
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('pair', {
        volumes: [{ name: 'shared', emptyDir: {} }],
        containers: [
          sh('producer', 'echo hello > /shared/msg.tmp && mv /shared/msg.tmp /shared/msg', mount),
          sh('consumer', 'until [ -f /shared/msg ]; do sleep 0.02; done; cat /shared/msg', mount),
        ],
      }),
    })
    const done = await until(readPod('pair'), phaseIs('Succeeded', 'Failed'), 'the pair')
    expect(done.status?.phase).toBe('Succeeded')
    expect(await core.readNamespacedPodLog({ name: 'pair', namespace: NS, container: 'consumer' })).toBe(
      'hello\n',
    )
    const ambiguous = await core.readNamespacedPodLog({ name: 'pair', namespace: NS }).then(
      () => undefined,
      (e: unknown) => e as ApiException<string>,
    )
    expect([ambiguous?.code, ambiguous?.body]).toEqual([
      400,
      expect.stringContaining(
        'a container name must be specified for pod pair, choose one of: [producer consumer]',
      ),
    ])
  })

  it('gives a python image a `python` on its PATH, as the image would have', async () => {
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('py', {
        containers: [{ name: 'main', image: 'python:3.12', command: ['sh', '-c', 'python -c "print(6*7)"'] }],
      }),
    })
    const done = await until(readPod('py'), phaseIs('Succeeded', 'Failed'), 'the python pod')
    expect([done.status?.phase, await core.readNamespacedPodLog({ name: 'py', namespace: NS })]).toEqual([
      'Succeeded',
      '42\n',
    ])
  })

  it('reports a missing secret reference as CreateContainerConfigError and a non-zero exit as Failed/Error', async () => {
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('no-secret', {
        containers: [
          sh('main', 'true', {
            env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'absent', key: 'k' } } }],
          }),
        ],
      }),
    })
    const waiting = await until(
      readPod('no-secret'),
      (p) => containerState(p, 'main')?.waiting?.reason === 'CreateContainerConfigError',
      'CreateContainerConfigError',
    )
    expect(waiting.status?.phase).toBe('Pending')
    expect(containerState(waiting, 'main')?.waiting?.message).toBe('secret "absent" not found')

    // A missing Secret volume: the container waits in ContainerCreating; only an event says why.
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('no-volume', {
        volumes: [{ name: 's', secret: { secretName: 'absent' } }],
        containers: [sh('main', 'true', { volumeMounts: [{ name: 's', mountPath: '/s' }] })],
      }),
    })
    const mountEvents = await until(
      () =>
        core.listNamespacedEvent({
          namespace: NS,
          fieldSelector: 'involvedObject.name=no-volume,reason=FailedMount',
        }),
      (l) => l.items.length > 0,
      'FailedMount',
    )
    expect(mountEvents.items[0]?.message).toBe(
      'MountVolume.SetUp failed for volume "s" : secret "absent" not found',
    )
    expect(containerState(await readPod('no-volume')(), 'main')?.waiting?.reason).toBe('ContainerCreating')

    await core.createNamespacedPod({
      namespace: NS,
      body: pod('exit-3', { containers: [sh('main', 'echo partial; exit 3')] }),
    })
    const failed = await until(readPod('exit-3'), phaseIs('Succeeded', 'Failed'), 'the pod to fail')
    expect([
      failed.status?.phase,
      containerState(failed, 'main')?.terminated?.exitCode,
      containerState(failed, 'main')?.terminated?.reason,
    ]).toEqual(['Failed', 3, 'Error'])
  })
})

describe('pod deletion', () => {
  it('with a grace period: marked for deletion, SIGTERM to the containers, terminated states published, then DELETED; SIGKILL when the grace runs out', async () => {
    const rv = (await core.listNamespacedPod({ namespace: NS })).metadata!.resourceVersion!
    const events: string[] = []
    const watch = await new Watch(double.kubeConfig(NS)).watch(
      `/api/v1/namespaces/${NS}/pods`,
      { resourceVersion: rv, labelSelector: 'grace=1' },
      (type: string, p: V1Pod) => {
        const t = containerState(p, 'main')?.terminated
        events.push(
          `${p.metadata?.name} ${type}${p.metadata?.deletionTimestamp ? ' terminating' : ''}${t ? ` exit ${t.exitCode}` : ''}`,
        )
      },
      () => undefined,
    )
    const graceful = sh('main', "trap 'echo got-term; exit 0' TERM; echo up; while true; do sleep 0.05; done")
    const stubborn = sh('main', "trap '' TERM; echo up; exec sleep 30")
    for (const [name, container] of [
      ['polite', graceful],
      ['stubborn', stubborn],
    ] as const) {
      await core.createNamespacedPod({
        namespace: NS,
        body: {
          metadata: { name, labels: { grace: '1' } },
          spec: { restartPolicy: 'Never', containers: [container] },
        },
      })
      await until(
        () => core.readNamespacedPodLog({ name, namespace: NS }).catch(() => ''),
        (log) => log.includes('up'),
        `${name} to run`,
      )
    }
    const marked = await core.deleteNamespacedPod({ name: 'polite', namespace: NS, gracePeriodSeconds: 10 })
    expect(marked.metadata?.deletionTimestamp).toBeInstanceOf(Date)
    await core.deleteNamespacedPod({ name: 'stubborn', namespace: NS, gracePeriodSeconds: 1 })
    await until(
      async () => events,
      (e) => e.filter((x) => x.includes('DELETED')).length === 2,
      'both pods to be deleted',
    )
    watch.abort()
    const story = (name: string) =>
      events.filter((e) => e.startsWith(`${name} `) && !e.includes('ADDED') && e.includes('terminating'))
    expect(story('polite')[0]).toBe('polite MODIFIED terminating')
    expect(story('polite').at(-1)).toBe('polite DELETED terminating exit 0')
    expect(story('stubborn').at(-1)).toBe('stubborn DELETED terminating exit 137')
  })
})

describe('pod logs', () => {
  it('refuses a container that has not started (400) and follows a running one live until it ends', async () => {
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('slow-start', {
        initContainers: [sh('gate', 'read line < /dev/null; sleep 0.3')],
        containers: [sh('main', 'true')],
      }),
    })
    const early = await core
      .readNamespacedPodLog({ name: 'slow-start', namespace: NS, container: 'main' })
      .then(
        () => undefined,
        (e: unknown) => e as ApiException<string>,
      )
    expect(early?.code).toBe(400)
    expect(early?.body).toContain('is waiting to start')

    await core.createNamespacedPod({
      namespace: NS,
      body: pod('ticker', { containers: [sh('main', 'for i in 1 2 3; do echo tick-$i; sleep 0.1; done')] }),
    })
    await until(
      readPod('ticker'),
      (p) => containerState(p, 'main')?.running !== undefined || p.status?.phase === 'Succeeded',
      'the container to start',
    )
    let text = ''
    const sink = new PassThrough()
    sink.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
    const ended = once(sink, 'end')
    await new Log(double.kubeConfig(NS)).log(NS, 'ticker', 'main', sink, { follow: true })
    await ended
    expect(text).toBe('tick-1\ntick-2\ntick-3\n')
    expect(
      await core.readNamespacedPodLog({ name: 'ticker', namespace: NS, container: 'main', tailLines: 1 }),
    ).toBe('tick-3\n')
  })

  it('puts the time it read each line before it with timestamps=true (RFC3339Nano and a space), followed or not', async () => {
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('stamped', {
        containers: [sh('main', 'echo one; sleep 0.1; printf "two\\nthr"; sleep 0.1; echo ee')],
      }),
    })
    await until(
      readPod('stamped'),
      (p) => containerState(p, 'main')?.running !== undefined || p.status?.phase === 'Succeeded',
      'the container to start',
    )
    let text = ''
    const sink = new PassThrough()
    sink.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
    const ended = once(sink, 'end')
    await new Log(double.kubeConfig(NS)).log(NS, 'stamped', 'main', sink, { follow: true, timestamps: true })
    await ended
    const stamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /
    const lines = text.split(/(?<=\n)/)
    expect(lines.map((l) => l.replace(stamp, ''))).toEqual(['one\n', 'two\n', 'three\n'])
    expect(lines.every((l) => stamp.test(l))).toBe(true)
    // Read again when it ended: the same lines, with the same times.
    expect(
      await core.readNamespacedPodLog({
        name: 'stamped',
        namespace: NS,
        container: 'main',
        timestamps: true,
      }),
    ).toBe(text)
    expect(await core.readNamespacedPodLog({ name: 'stamped', namespace: NS, container: 'main' })).toBe(
      'one\ntwo\nthree\n',
    )
  })
})

describe('exec', () => {
  const collect = () => {
    const chunks: Buffer[] = []
    const stream = new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) })
    return { stream, bytes: () => Buffer.concat(chunks) }
  }
  const exec = (podName: string, container: string, command: string[], stdin: Readable | null = null) => {
    const out = collect()
    const err = collect()
    return new Promise<{ status: V1Status; stdout: Buffer; stderr: string }>((resolve, reject) => {
      new Exec(double.kubeConfig(NS))
        .exec(NS, podName, container, command, out.stream, err.stream, stdin, false, (status) =>
          resolve({ status, stdout: out.bytes(), stderr: err.bytes().toString('utf8') }),
        )
        .catch(reject)
    })
  }

  it('runs tar in a running pod with its volume mounted and returns a valid archive; stdin, exit codes and a completed pod', async () => {
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('holder', {
        volumes: [{ name: 'data', emptyDir: {} }],
        containers: [
          sh(
            'holder',
            'mkdir -p /data/outputs/sub && echo result > /data/outputs/a.txt && echo deep > /data/outputs/sub/b.txt && echo ready && exec sleep 30',
            { volumeMounts: [{ name: 'data', mountPath: '/data' }] },
          ),
        ],
      }),
    })
    await until(
      () => core.readNamespacedPodLog({ name: 'holder', namespace: NS }).catch(() => ''),
      (log) => log.includes('ready'),
      'the holder to be ready',
    )
    const tar = await exec('holder', 'holder', ['tar', 'cf', '-', '-C', '/data', 'outputs'])
    expect(tar.status.status).toBe('Success')
    const dir = mkdtempSync(join(tmpdir(), 'double-exec-'))
    writeFileSync(join(dir, 'out.tar'), tar.stdout)
    const listing = spawnSync('tar', ['-tf', join(dir, 'out.tar')], { encoding: 'utf8' })
    expect(listing.stdout.split('\n').filter(Boolean).sort()).toEqual([
      'outputs/',
      'outputs/a.txt',
      'outputs/sub/',
      'outputs/sub/b.txt',
    ])
    expect(
      spawnSync('tar', ['-xOf', join(dir, 'out.tar'), 'outputs/sub/b.txt'], { encoding: 'utf8' }).stdout,
    ).toBe('deep\n')

    const echoed = await exec('holder', 'holder', ['cat'], Readable.from([Buffer.from('over stdin')]))
    expect(echoed.stdout.toString('utf8')).toBe('over stdin')

    const failing = await exec('holder', 'holder', ['sh', '-c', 'echo oops >&2; exit 4'])
    expect(failing.status).toMatchObject({
      status: 'Failure',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '4' }] },
    })
    expect(failing.stderr).toBe('oops\n')

    await core.createNamespacedPod({
      namespace: NS,
      body: pod('finished', { containers: [sh('main', 'true')] }),
    })
    await until(readPod('finished'), phaseIs('Succeeded'), 'the pod to finish')
    await expect(exec('finished', 'main', ['true'])).rejects.toThrow(/400/)
    // RBAC: the upgrade needs get and (since 1.35) create on pods/exec.
    for (const verb of ['get', 'create']) {
      double.faults.deny({ verb, resource: 'pods', subresource: 'exec' })
      await expect(exec('holder', 'holder', ['true'])).rejects.toThrow(/403/)
      double.faults.allowAll()
    }
    await core.deleteNamespacedPod({ name: 'holder', namespace: NS })
  })
})

describe('faults', () => {
  it('an image that cannot be pulled leaves the pod Pending with ErrImagePull, then ImagePullBackOff', async () => {
    double.faults.failImagePull('python:3.12-broken')
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('bad-image', {
        containers: [{ name: 'main', image: 'python:3.12-broken', command: ['true'] }],
      }),
    })
    const backoff = await until(
      readPod('bad-image'),
      (p) => containerState(p, 'main')?.waiting?.reason === 'ImagePullBackOff',
      'ImagePullBackOff',
    )
    expect(backoff.status?.phase).toBe('Pending')
    expect(containerState(backoff, 'main')?.waiting?.message).toBe(
      'Back-off pulling image "python:3.12-broken"',
    )
    const log = await core.readNamespacedPodLog({ name: 'bad-image', namespace: NS }).then(
      () => undefined,
      (e: unknown) => e as ApiException<string>,
    )
    expect([log?.code, log?.body]).toEqual([
      400,
      expect.stringContaining('is waiting to start: ImagePullBackOff'),
    ])
    const events = await core.listNamespacedEvent({
      namespace: NS,
      fieldSelector: 'involvedObject.name=bad-image',
    })
    expect(events.items.map((e) => `${e.type} ${e.reason}`)).toEqual(
      expect.arrayContaining(['Normal Scheduled', 'Warning Failed', 'Normal BackOff']),
    )
    expect(events.items.find((e) => e.reason === 'BackOff')?.involvedObject).toMatchObject({
      kind: 'Pod',
      name: 'bad-image',
      uid: backoff.metadata?.uid,
    })
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('unknown-image', {
        containers: [{ name: 'main', image: 'registry.invalid/nope:1', command: ['true'] }],
      }),
    })
    await until(
      readPod('unknown-image'),
      (p) => containerState(p, 'main')?.waiting?.reason === 'ImagePullBackOff',
      'an unknown image to back off',
    )
  })

  it('kills a container over its memory limit: OOMKilled, exit code 137 (and oomKill() does the same on demand)', async () => {
    const grow = 'const a = []; setInterval(() => a.push(Buffer.alloc(8e6, 1)), 5)'
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('hungry', {
        containers: [
          {
            name: 'main',
            image: 'node:20',
            command: ['node', '-e', grow],
            resources: { limits: { memory: '96Mi' } },
          },
        ],
      }),
    })
    const oom = await until(readPod('hungry'), phaseIs('Failed', 'Succeeded'), 'the OOM kill')
    expect(containerState(oom, 'main')?.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' })

    await core.createNamespacedPod({
      namespace: NS,
      body: pod('victim', { containers: [sh('main', 'echo up; exec sleep 30')] }),
    })
    await until(
      () => core.readNamespacedPodLog({ name: 'victim', namespace: NS }).catch(() => ''),
      (log) => log.includes('up'),
      'the victim to run',
    )
    double.faults.oomKill(NS, 'victim', 'main')
    const killed = await until(readPod('victim'), phaseIs('Failed'), 'the injected OOM kill')
    expect(containerState(killed, 'main')?.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' })
  })

  it('fails a pod past activeDeadlineSeconds with reason DeadlineExceeded and kills its containers', async () => {
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('late', {
        activeDeadlineSeconds: 1,
        containers: [sh('main', 'echo started; exec sleep 30')],
      }),
    })
    const failed = await until(
      readPod('late'),
      (p) => p.status?.phase === 'Failed' && containerState(p, 'main')?.terminated !== undefined,
      'the deadline',
    )
    expect(failed.status).toMatchObject({ phase: 'Failed', reason: 'DeadlineExceeded' })
    expect(containerState(failed, 'main')?.terminated?.exitCode).toBe(137)
    expect(await core.readNamespacedPodLog({ name: 'late', namespace: NS })).toBe('started\n')
  })

  it('loseNode() marks running pods NodeLost, not Ready, and for deletion', async () => {
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('on-node', { containers: [sh('main', 'exec sleep 30')] }),
    })
    await until(readPod('on-node'), phaseIs('Running'), 'the pod to run')
    double.faults.loseNode()
    const lost = await readPod('on-node')()
    expect(lost.status).toMatchObject({ reason: 'NodeLost' })
    expect(lost.metadata?.deletionTimestamp).toBeInstanceOf(Date)
    expect(lost.status?.conditions).toContainEqual(
      expect.objectContaining({ type: 'Ready', status: 'False' }),
    )
    await core.deleteNamespacedPod({ name: 'on-node', namespace: NS, gracePeriodSeconds: 0 })
    expect(double.objects(undefined, NS).some((o) => o.metadata.name === 'on-node')).toBe(false)
  })

  it('cuts egress for pods a NetworkPolicy denies it to, and leaves it for the others', async () => {
    const server: Server = createServer((_req, res) => res.end('reached'))
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const port = (server.address() as { port: number }).port
    await double
      .kubeConfig(NS)
      .makeApiClient(NetworkingV1Api)
      .createNamespacedNetworkPolicy({
        namespace: NS,
        body: {
          metadata: { name: 'no-egress' },
          spec: { podSelector: { matchLabels: { egress: 'none' } }, policyTypes: ['Egress'] },
        },
      })
    const probe = `fetch('http://127.0.0.1:${port}/').then((r) => r.text()).then(console.log, () => console.log('blocked'))`
    const run = async (name: string, labels: Record<string, string>) => {
      await core.createNamespacedPod({
        namespace: NS,
        body: {
          metadata: { name, labels },
          spec: {
            restartPolicy: 'Never',
            containers: [{ name: 'main', image: 'node:20', command: ['node', '-e', probe] }],
          },
        },
      })
      await until(readPod(name), phaseIs('Succeeded', 'Failed'), name)
      return core.readNamespacedPodLog({ name, namespace: NS })
    }
    try {
      expect(await run('open-pod', { egress: 'allowed' })).toBe('reached\n')
      expect(await run('closed-pod', { egress: 'none' })).toBe('blocked\n')
    } finally {
      server.close()
    }
  })
})
