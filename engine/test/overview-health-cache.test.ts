/**
 * A polled Overview does not run the Kubernetes health check each poll: against the API double
 * behind TLS, with an exec credential plugin that counts its runs, two getOverview calls within
 * OVERVIEW_HEALTH_MAX_AGE_MS run the plugin for the first only; the Compute backend screen's
 * checkHealth runs it again. Before, every getOverview ran the whole check (TCP/TLS probe, the
 * plugin, an API call per permission, the egress canary).
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KubeConfig } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCore, type Core } from '../index'
import { driverAgainst } from './kubernetes-api-double/driver-against'
import { jobCoreConfig } from './job-core-config'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './kubernetes-api-double/api-server'
import { makeTestPki } from './kubernetes-api-double/test-certificates'
import { kubeconfigYaml, startTlsFront, type TlsFront } from './kubernetes-api-double/tls-front'

const NAMESPACE = 'c2d-overview-health'
let double: KubernetesApiDouble
let front: TlsFront
let dir: string
let core: Core
let runsFile: string

beforeAll(async () => {
  const pki = makeTestPki()
  double = await startKubernetesApiDouble({ namespaces: [NAMESPACE] })
  front = await startTlsFront(double.url, pki.server)
  dir = mkdtempSync(join(tmpdir(), 'c2d-overview-health-'))
  runsFile = join(dir, 'plugin-runs')
  // An exec plugin (as `aws eks get-token`) that records each run, then prints the double's token.
  const command = join(dir, 'counting-plugin.sh')
  const credential = JSON.stringify({
    apiVersion: 'client.authentication.k8s.io/v1beta1',
    kind: 'ExecCredential',
    status: { token: double.token },
  })
  writeFileSync(command, `#!/bin/sh\necho run >> '${runsFile}'\ncat <<'EOF'\n${credential}\nEOF\n`)
  chmodSync(command, 0o755)
  const kubeConfig = new KubeConfig()
  kubeConfig.loadFromString(
    kubeconfigYaml([
      { context: 'tls', server: front.url, caPem: pki.ca.cert, namespace: NAMESPACE, exec: { command } },
    ]),
  )
  const driver = driverAgainst(double, NAMESPACE, { kubeConfig, egressCanary: { pollMs: 50 } })
  core = await startCore(jobCoreConfig(join(dir, 'data')), { listenConsole: false, driver })
})
afterAll(async () => {
  await core?.stop()
  await front?.close()
  await double?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const pluginRuns = () =>
  existsSync(runsFile) ? readFileSync(runsFile, 'utf8').split('\n').filter(Boolean).length : 0

describe('the Overview’s Kubernetes health', () => {
  it('two overview calls within the window run one check; checkHealth runs a new one', async () => {
    const before = pluginRuns()
    const first = await core.consoleService.getOverview({})
    const afterFirst = pluginRuns()
    expect(first.health?.ok).toBe(true)
    // The health check's credentials probe runs the plugin itself.
    expect(afterFirst).toBeGreaterThan(before)
    const second = await core.consoleService.getOverview({})
    expect(pluginRuns()).toBe(afterFirst)
    expect(second.health).toEqual(first.health)
    const asked = await core.consoleService.checkHealth({})
    expect(asked.ok).toBe(true)
    expect(pluginRuns()).toBeGreaterThan(afterFirst)
  }, 120_000)
})
