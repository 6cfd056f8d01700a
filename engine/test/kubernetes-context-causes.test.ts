/**
 * The Kubernetes health check names the real cause of a broken context, with the API server's URL
 * and a fix for that cause (issue 11: the Kubernetes screen tells the truth). Against the API double
 * served over TLS with a CA made at test time (tls-front.ts, test-certificates.ts) and kubeconfigs
 * with exec credential plugins (exec-plugins.ts), through the real client-node: an unknown CA, a
 * certificate for another host, an expired certificate, an exec plugin that is not installed, that
 * exits non-zero, that prints no ExecCredential, refused credentials (401), a name that does not
 * resolve, a refused connection and a server that never answers. Every check is listed each time.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KubeConfig } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DriverHealth, Observation } from '../operator-engine/driver'
import { KubernetesDriver } from '../operator-engine/drivers/kubernetes/kubernetes-driver'
import { systemClock } from '../clock'
import { MemoryLogger } from '../logging'
import { rawCodeJobInput } from './job-inputs'
import { checkClusterHealth, requiredPermissions } from '../operator-engine/drivers/kubernetes/health'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './kubernetes-api-double/api-server'
import { EXEC_PLUGIN_STDERR, writeExecPlugin } from './kubernetes-api-double/exec-plugins'
import { makeTestPki, type TestPki } from './kubernetes-api-double/test-certificates'
import {
  kubeconfigYaml,
  startTlsFront,
  type KubeconfigEntry,
  type TlsFront,
} from './kubernetes-api-double/tls-front'

const NAMESPACE = 'c2d-causes'
let double: KubernetesApiDouble
let front: TlsFront
let pki: TestPki
let dir: string

beforeAll(async () => {
  pki = makeTestPki()
  double = await startKubernetesApiDouble({ namespaces: [NAMESPACE] })
  front = await startTlsFront(double.url, pki.server)
  dir = mkdtempSync(join(tmpdir(), 'c2d-k8s-causes-'))
})
afterAll(async () => {
  await front?.close()
  await double?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function kubeConfigOf(entry: Partial<KubeconfigEntry>): KubeConfig {
  const kc = new KubeConfig()
  kc.loadFromString(
    kubeconfigYaml([
      {
        context: 'tls',
        server: front.url,
        caPem: pki.ca.cert,
        token: double.token,
        namespace: NAMESPACE,
        ...entry,
      },
    ]),
  )
  return kc
}

const check = (health: DriverHealth, name: string) => health.checks.find((c) => c.name === name)!
const ranAndFailed = (health: DriverHealth) =>
  health.checks.filter((c) => !c.ok && !c.skipped).map((c) => c.name)
const allNames = [
  'connection',
  'credentials',
  'api',
  'namespace',
  ...requiredPermissions.map(
    (p) => `rbac:${p.verb} ${p.resource}${'subresource' in p ? `/${p.subresource}` : ''}`,
  ),
]
const health = (kc: KubeConfig, options: Parameters<typeof checkClusterHealth>[3] = {}) =>
  checkClusterHealth(kc, NAMESPACE, { skip: true }, options)

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await new Promise((r) => server.once('listening', r))
  const port = (server.address() as { port: number }).port
  await new Promise((r) => server.close(r))
  return port
}

describe('a context over TLS with an exec plugin', () => {
  it('passes every check, the egress canary included, and says the certificate was verified', async () => {
    const command = writeExecPlugin(dir, 'ok', double.token)
    const result = await checkClusterHealth(kubeConfigOf({ token: undefined, exec: { command } }), NAMESPACE)
    expect(ranAndFailed(result)).toEqual([])
    expect(result.ok).toBe(true)
    expect(result.apiServer).toBe(front.url)
    expect(check(result, 'connection').message).toBe(`Connected to ${front.url} (TLS certificate verified)`)
    expect(check(result, 'credentials').message).toContain(`credential plugin ${command} gave a token`)
    expect(check(result, 'egress').ok).toBe(true)
  }, 30_000)
})

describe('the driver over TLS with an exec plugin', () => {
  it('runs a whole job: REST, the pod watch, logs and the exec WebSocket all pass the TLS front', async () => {
    const command = writeExecPlugin(dir, 'ok', double.token)
    const driver = new KubernetesDriver({
      logger: new MemoryLogger(),
      clock: systemClock,
      kubeConfig: kubeConfigOf({ token: undefined, exec: { command } }),
      namespace: NAMESPACE,
      watchRetryMs: 100,
    })
    const jobId = 'tls-exec-job'
    const input = rawCodeJobInput({
      code: "require('fs').writeFileSync('/data/outputs/x.txt', 'x'); console.log('over tls')",
      maxJobDurationSec: 30,
    })
    const ended = new Promise<Observation>(
      (resolve) =>
        void driver.start({ ...input.spec, jobId, jobDir: join(dir, jobId) }, (_id, observation) => {
          if (observation.kind === 'outputs-collected' || observation.kind === 'results-failed')
            resolve(observation)
        }),
    )
    expect((await ended).kind).toBe('outputs-collected')
    await driver.cleanup(jobId)
    await driver.close()
    expect(double.requests.get('create pods/exec') ?? 0).toBeGreaterThan(0)
  }, 60_000)
})

describe('TLS', () => {
  it('an API server certificate from another CA: tls-unknown-ca, with the URL and a CA fix', async () => {
    const result = await health(kubeConfigOf({ caPem: pki.otherCa.cert }))
    expect(ranAndFailed(result)).toEqual(['connection'])
    expect(check(result, 'connection')).toMatchObject({
      cause: 'tls-unknown-ca',
      message: expect.stringContaining(`127.0.0.1:${front.port}`),
      fix: expect.stringContaining('certificate-authority-data'),
    })
    expect(check(result, 'api')).toMatchObject({ skipped: true, message: expect.stringContaining(front.url) })
    expect(result.checks.map((c) => c.name)).toEqual(allNames)
  })

  it('a certificate for another host name: tls-hostname-mismatch, naming both', async () => {
    front.useCertificate(pki.wrongHost)
    try {
      const result = await health(kubeConfigOf({}))
      expect(check(result, 'connection')).toMatchObject({ cause: 'tls-hostname-mismatch' })
      expect(check(result, 'connection').message).toContain('kubernetes.example.invalid')
      expect(check(result, 'connection').message).toContain('127.0.0.1')
      expect(check(result, 'connection').fix).toContain('tls-server-name')
    } finally {
      front.useCertificate(pki.server)
    }
  })

  it('an expired certificate: tls-expired, with its end date and a renewal fix', async () => {
    front.useCertificate(pki.expired)
    try {
      const result = await health(kubeConfigOf({}))
      expect(check(result, 'connection')).toMatchObject({ cause: 'tls-expired' })
      expect(check(result, 'connection').message).toMatch(/expired on Jan {1,2}1 00:00:00 2021 GMT/)
      expect(check(result, 'connection').fix).toContain('kubeadm certs renew')
    } finally {
      front.useCertificate(pki.server)
    }
  })
})

describe('exec credential plugins', () => {
  it('a plugin that is not installed: exec-not-found, with the kubeconfig installHint in the fix', async () => {
    const command = writeExecPlugin(dir, 'not-found', double.token)
    const result = await health(
      kubeConfigOf({
        token: undefined,
        exec: { command, installHint: 'Install aws-iam-authenticator from your package manager.' },
      }),
    )
    // The connection itself is fine: the screen must not say "unreachable".
    expect(check(result, 'connection').ok).toBe(true)
    expect(ranAndFailed(result)).toEqual(['credentials'])
    expect(check(result, 'credentials')).toMatchObject({
      cause: 'exec-not-found',
      message: expect.stringContaining(command),
      fix: expect.stringContaining('Install aws-iam-authenticator from your package manager.'),
    })
    expect(check(result, 'api')).toMatchObject({
      skipped: true,
      message: 'Not checked: the credentials could not be obtained',
    })
  })

  it('a plugin that exits non-zero: exec-failed, with the exit code and its stderr', async () => {
    const command = writeExecPlugin(dir, 'fails', double.token)
    const result = await health(
      kubeConfigOf({ token: undefined, exec: { command, args: ['--region', 'x'] } }),
    )
    expect(check(result, 'credentials')).toMatchObject({ cause: 'exec-failed' })
    expect(check(result, 'credentials').message).toBe(
      `The credential plugin ${command} --region x exited with code 3: ${EXEC_PLUGIN_STDERR}`,
    )
    expect(check(result, 'credentials').fix).toContain('aws sso login')
  })

  it('a plugin that prints something else, or an ExecCredential without a token: exec-bad-output', async () => {
    const notJson = await health(
      kubeConfigOf({ token: undefined, exec: { command: writeExecPlugin(dir, 'not-json', double.token) } }),
    )
    expect(check(notJson, 'credentials')).toMatchObject({ cause: 'exec-bad-output' })
    expect(check(notJson, 'credentials').message).toContain('"Please visit https://login.example/device')
    const noToken = await health(
      kubeConfigOf({ token: undefined, exec: { command: writeExecPlugin(dir, 'no-token', double.token) } }),
    )
    expect(check(noToken, 'credentials')).toMatchObject({
      cause: 'exec-bad-output',
      message: expect.stringContaining('an ExecCredential without a token or client certificate'),
    })
  })
})

describe('credentials and the network', () => {
  it('a token the API server refuses: unauthorized (401) on the api check, the rest not run', async () => {
    const result = await health(kubeConfigOf({ token: 'expired-token' }))
    expect(ranAndFailed(result)).toEqual(['api'])
    expect(check(result, 'api')).toMatchObject({
      cause: 'unauthorized',
      message: `${front.url} refused the credentials of user tls-user (HTTP 401 Unauthorized)`,
      fix: expect.stringContaining('kubectl create token'),
    })
    expect(check(result, 'namespace').skipped).toBe(true)
  })

  it('a token from an exec plugin that the server refuses: the fix is about logging in again', async () => {
    const command = writeExecPlugin(dir, 'ok', 'not-the-token')
    const result = await health(kubeConfigOf({ token: undefined, exec: { command } }))
    expect(check(result, 'credentials').ok).toBe(true)
    expect(check(result, 'api')).toMatchObject({
      cause: 'unauthorized',
      fix: expect.stringContaining('log in again'),
    })
  })

  it('a host name that does not resolve: dns, naming the host', async () => {
    const result = await health(kubeConfigOf({ server: 'https://kube.c2d-test.invalid:6443' }))
    expect(check(result, 'connection')).toMatchObject({
      cause: 'dns',
      message: expect.stringContaining('kube.c2d-test.invalid does not resolve'),
      fix: expect.stringContaining('https://kube.c2d-test.invalid:6443'),
    })
  })

  it('a port where nothing listens: refused', async () => {
    const port = await freePort()
    const result = await health(kubeConfigOf({ server: `https://127.0.0.1:${port}` }))
    expect(check(result, 'connection')).toMatchObject({
      cause: 'refused',
      message: `Connection refused at 127.0.0.1:${port}: nothing listens there`,
    })
    expect(check(result, 'connection').fix).toContain('kind')
  })

  it('a server that accepts and never answers: timeout, with the allowed-networks fix', async () => {
    front.stall(true)
    try {
      const result = await health(kubeConfigOf({}), { connectTimeoutMs: 300 })
      expect(check(result, 'connection')).toMatchObject({
        cause: 'timeout',
        message: expect.stringContaining(`No answer from 127.0.0.1:${front.port}`),
        fix: expect.stringContaining('authorized networks'),
      })
      expect(result.checks.map((c) => c.name)).toEqual(allNames)
    } finally {
      front.stall(false)
    }
  })
})
