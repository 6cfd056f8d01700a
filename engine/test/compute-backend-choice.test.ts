/**
 * Choosing the compute backend through the console API, against the Kubernetes API double: the
 * kubeconfig's contexts are listed, a context is checked (API, namespace, permissions) with a fix
 * per failure, a missing namespace is created, and the choice is saved to config.json so the next
 * start runs on that cluster. Settings are saved the same way. Bad input changes nothing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../config/load'
import { startCore, type Core } from '../index'
import { jobCoreConfig } from './job-core-config'
import {
  startKubernetesApiDouble,
  writeKubeconfig,
  type KubernetesApiDouble,
} from './kubernetes-api-double/api-server'

let double: KubernetesApiDouble
let dataDir: string
let kubeconfigPath: string
let core: Core

const config = () => jobCoreConfig(dataDir, { overrides: { driver: { kubeconfigPath } } })

beforeAll(async () => {
  double = await startKubernetesApiDouble({ namespaces: ['default'] })
  dataDir = mkdtempSync(join(tmpdir(), 'c2d-backend-'))
  kubeconfigPath = join(dataDir, 'kubeconfig.yaml')
  writeKubeconfig(double, kubeconfigPath)
  core = await startCore(config(), { listenConsole: false })
})
afterAll(async () => {
  await core?.stop()
  await double?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('choosing the compute backend', () => {
  it('lists the kubeconfig contexts while the local sandbox runs', async () => {
    const backend = await core.consoleService.getComputeBackend({})
    expect(backend.driver).toBe('local')
    const context = {
      name: 'double',
      cluster: 'double',
      source: kubeconfigPath,
      user: 'double',
      namespace: 'default',
      server: double.url,
      current: true,
      shadowed: false,
    }
    expect(backend.kubeContexts).toEqual([context])
    expect(backend.kubeconfigs).toEqual([
      {
        path: kubeconfigPath,
        source: 'configured',
        state: 'loaded',
        currentContext: 'double',
        contexts: [context],
      },
    ])
    expect(backend.next).toBeNull()
  })

  it('checks a context: a missing namespace fails with a fix; once created, every check passes', async () => {
    const before = await core.consoleService.checkKubeContext({ context: 'double', namespace: 'ocean-c2d' })
    expect(before.ok).toBe(false)
    const namespaceCheck = before.checks.find((c) => c.label === 'namespace')
    expect(namespaceCheck).toMatchObject({ ok: false, fix: expect.stringContaining('ocean-c2d') })
    expect(before.checks.find((c) => c.label === 'api')).toMatchObject({
      ok: true,
      message: expect.stringContaining('v1.31.0-double'),
    })
    await core.consoleService.createKubeNamespace({
      context: 'double',
      namespace: 'ocean-c2d',
      confirm: true,
    })
    const after = await core.consoleService.checkKubeContext({ context: 'double', namespace: 'ocean-c2d' })
    expect(after.checks.filter((c) => !c.ok)).toEqual([])
    expect(double.requests.get('create selfsubjectaccessreviews') ?? 0).toBeGreaterThan(5)
  })

  it('reports an unknown context as a failed check in words', async () => {
    const health = await core.consoleService.checkKubeContext({ context: 'nope', namespace: 'x' })
    expect(health.ok).toBe(false)
    expect(health.checks[0]).toMatchObject({
      label: 'kubeconfig',
      message: expect.stringContaining('no context "nope"'),
    })
  })

  it('refuses to save a failing context without saveAnyway, with the failed checks; saves it when confirmed', async () => {
    const configFile = join(dataDir, 'config.json')
    const before = existsSync(configFile) ? readFileSync(configFile, 'utf8') : null
    const refusal = await core.consoleService
      .selectComputeBackend({ driver: 'kubernetes', context: 'double', namespace: 'not-there' })
      .then(
        () => undefined,
        (error: unknown) => error as { code: string; status: number; message: string; details?: unknown },
      )
    expect(refusal).toMatchObject({ code: 'KUBE_CONTEXT_FAILING', status: 409 })
    expect(refusal!.message).toContain('double / not-there fails 1 check (namespace)')
    expect(refusal!.details).toEqual(
      expect.arrayContaining([
        { path: 'namespace', message: 'Namespace not-there does not exist', cause: 'namespace-missing' },
      ]),
    )
    // Nothing was saved.
    expect(existsSync(configFile) ? readFileSync(configFile, 'utf8') : null).toBe(before)
    expect((await core.consoleService.getComputeBackend({})).next).toBeNull()

    const saved = await core.consoleService.selectComputeBackend({
      driver: 'kubernetes',
      context: 'double',
      namespace: 'not-there',
      saveAnyway: true,
    })
    expect(saved.next).toEqual({ driver: 'kubernetes', context: 'double', namespace: 'not-there' })
  })

  it('saves the choice for the next start; the next core runs on that cluster', async () => {
    const saved = await core.consoleService.selectComputeBackend({
      driver: 'kubernetes',
      context: 'double',
      namespace: 'ocean-c2d',
    })
    expect(saved.driver).toBe('local')
    expect(saved.next).toEqual({ driver: 'kubernetes', context: 'double', namespace: 'ocean-c2d' })
    expect(JSON.parse(readFileSync(join(dataDir, 'config.json'), 'utf8')).driver).toEqual({
      kind: 'kubernetes',
      kubeContext: 'double',
      namespace: 'ocean-c2d',
    })
    await core.stop()
    core = await startCore(config(), { listenConsole: false })
    expect(core.driver.kind).toBe('kubernetes')
    const backend = await core.consoleService.getComputeBackend({})
    expect([backend.currentContext, backend.namespace, backend.next]).toEqual(['double', 'ocean-c2d', null])
    expect((await core.consoleService.checkHealth({})).ok).toBe(true)
  })

  it('saves settings to config.json for the next start and refuses invalid ones without changing the file', async () => {
    const saved = await core.consoleService.saveSettings({ providerPort: 18555, logLevel: 'warn' })
    expect([saved.providerPort, saved.logLevel]).toEqual([18555, 'warn'])
    expect(loadConfig({ env: {}, overrides: { dataDir } }).provider.port).toBe(18555)
    const file = readFileSync(join(dataDir, 'config.json'), 'utf8')
    await expect(
      core.consoleService.saveSettings({ rpcEndpoints: { mainnet: 'https://rpc.example' } }),
    ).rejects.toMatchObject({ code: 'REQUEST_INVALID' })
    expect(readFileSync(join(dataDir, 'config.json'), 'utf8')).toBe(file)
  })
})

describe('with no kubeconfig anywhere', () => {
  let bare: Core
  let bareDir: string
  beforeAll(async () => {
    bareDir = mkdtempSync(join(tmpdir(), 'c2d-backend-none-'))
    bare = await startCore(
      jobCoreConfig(bareDir, {
        overrides: { driver: { kubeconfigDefaultPath: join(bareDir, 'no-home', 'config') } },
      }),
      { listenConsole: false },
    )
  })
  afterAll(async () => {
    await bare?.stop()
    rmSync(bareDir, { recursive: true, force: true })
  })

  it('lists no context (no phantom "loaded-context"), only the file it looked for', async () => {
    const backend = await bare.consoleService.getComputeBackend({})
    expect(backend.kubeContexts).toEqual([])
    expect(backend.kubeconfigs).toEqual([
      { path: join(bareDir, 'no-home', 'config'), source: 'default', state: 'missing', contexts: [] },
    ])
    const health = await bare.consoleService.checkKubeContext({ context: 'loaded-context', namespace: 'x' })
    expect(health.checks).toEqual([
      expect.objectContaining({
        label: 'kubeconfig',
        ok: false,
        cause: 'kubeconfig',
        message: expect.stringContaining('No kubeconfig found'),
        fix: expect.stringContaining('KUBECONFIG'),
      }),
    ])
    await expect(
      bare.consoleService.selectComputeBackend({
        driver: 'kubernetes',
        context: 'loaded-context',
        namespace: 'x',
      }),
    ).rejects.toMatchObject({ code: 'KUBE_CONTEXT_FAILING' })
  })

  it('a core configured for Kubernetes does not start against an invented localhost:8080, it says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'c2d-backend-k8s-none-'))
    try {
      await expect(
        startCore(
          jobCoreConfig(dir, {
            overrides: {
              driver: { kind: 'kubernetes', kubeconfigDefaultPath: join(dir, 'no-home', 'config') },
            },
          }),
          { listenConsole: false },
        ),
      ).rejects.toThrow(
        /^No kubeconfig found \(looked at .*no-home\/config \(default\)\): put one at ~\/.kube\/config/,
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
