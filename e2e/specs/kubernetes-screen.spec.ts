// The Kubernetes screen against the API double, with a broken context (issue 11): `serve` gets a
// KUBECONFIG of three files (one good context over TLS with an exec credential plugin; a file with
// a context whose plugin fails and one whose CA is wrong; a file that does not exist). The screen
// lists the contexts per file with their paths, shows every check of the broken context with its
// cause, URL and fix, refuses to save it without "Save anyway", and saves the good one. Screenshots
// of the broken context in both themes; axe finds no serious violation on the screen.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import { expect, test } from '@playwright/test'
import {
  startKubernetesApiDouble,
  type KubernetesApiDouble,
} from '../../engine/test/kubernetes-api-double/api-server'
import { EXEC_PLUGIN_STDERR, writeExecPlugin } from '../../engine/test/kubernetes-api-double/exec-plugins'
import { makeTestPki } from '../../engine/test/kubernetes-api-double/test-certificates'
import {
  kubeconfigYaml,
  startTlsFront,
  type TlsFront,
} from '../../engine/test/kubernetes-api-double/tls-front'
import { startServe, type ServeInstance } from '../fixtures/start-serve'
import { ComputeBackendPage } from '../pages/compute-backend-page'
import { ARTIFACTS_DIR, ConsoleApp } from '../pages/console-app'

const NAMESPACE = 'ocean-c2d'
let double: KubernetesApiDouble
let front: TlsFront
let dir: string
let files: { good: string; broken: string; missing: string }
let serve: ServeInstance

test.beforeAll(async () => {
  const pki = makeTestPki()
  double = await startKubernetesApiDouble({ namespaces: [NAMESPACE] })
  front = await startTlsFront(double.url, pki.server)
  dir = mkdtempSync(join(tmpdir(), 'c2d-e2e-kube-'))
  files = { good: join(dir, 'good.yaml'), broken: join(dir, 'broken.yaml'), missing: join(dir, 'gone.yaml') }
  writeFileSync(
    files.good,
    kubeconfigYaml([
      {
        context: 'double-tls',
        server: front.url,
        caPem: pki.ca.cert,
        namespace: NAMESPACE,
        exec: { command: writeExecPlugin(dir, 'ok', double.token) },
      },
    ]),
  )
  writeFileSync(
    files.broken,
    kubeconfigYaml([
      {
        context: 'broken-exec',
        server: front.url,
        caPem: pki.otherCa.cert,
        exec: { command: writeExecPlugin(dir, 'fails', double.token), args: ['token', '--cluster', 'prod'] },
      },
      { context: 'wrong-token', server: front.url, caPem: pki.ca.cert, token: 'expired-token' },
    ]),
  )
  serve = await startServe({ env: { KUBECONFIG: [files.good, files.broken, files.missing].join(delimiter) } })
})

test.afterAll(async () => {
  await serve?.stop()
  await front?.close()
  await double?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

test('the Kubernetes screen against the API double, with a broken context', async ({ page }, testInfo) => {
  const app = new ConsoleApp(page, testInfo.project.name)
  const backend = new ComputeBackendPage(app)

  /** Opens the screen and checks the broken context: every check, each with its cause, URL and fix. */
  const showBrokenContext = async () => {
    await backend.open()
    await expect(backend.contextsIn(files.good).getByRole('row', { name: /double-tls/ })).toContainText(
      front.url,
    )
    await expect(backend.contextsIn(files.broken).getByRole('row', { name: /broken-exec/ })).toContainText(
      front.url,
    )
    await expect(backend.contextsIn(files.broken).getByRole('row', { name: /wrong-token/ })).toBeVisible()
    await expect(page.getByRole('region', { name: `Kubeconfig ${files.missing}` })).toContainText(
      'no such file',
    )
    await backend.checkContext('broken-exec', NAMESPACE)
    const checks = backend.contextChecks
    await expect(checks.getByRole('group', { name: 'connection: failed' })).toContainText(
      'Cause: TLS: unknown certificate authority',
    )
    await expect(checks.getByRole('group', { name: 'credentials: failed' })).toContainText(
      `exited with code 3: ${EXEC_PLUGIN_STDERR}`,
    )
    await expect(checks.getByRole('group', { name: 'credentials: failed' })).toContainText(
      'Fix: Run it in a terminal',
    )
    await expect(checks.getByRole('group', { name: 'api: not run' })).toContainText(
      `Not checked: the connection to ${front.url} failed`,
    )
    await expect(backend.backendForm.getByText(`API server ${front.url}`)).toBeVisible()
  }

  /** The "Where jobs run" card alone (the README's picture), without the fixed header and status bar. */
  const shotOfForm = (name: string) =>
    backend.backendForm.screenshot({
      path: join(ARTIFACTS_DIR, 'screens', testInfo.project.name, `${name}.png`),
      style: 'header, footer { display: none !important; }',
    })

  await app.open(serve.consoleUrl)
  await app.useColorScheme('light')
  await showBrokenContext()
  // Saving it is refused by the console API, and offered only as "Save anyway".
  await backend.useThisBackend()
  const refusal = backend.backendForm.getByRole('region', {
    name: `broken-exec / ${NAMESPACE} fails its checks`,
  })
  await expect(refusal).toContainText('fails 2 checks (connection, credentials)')
  await app.screenshot('kubernetes-broken-context-light')
  await shotOfForm('kubernetes-broken-context-form-light')
  const { violations } = await new AxeBuilder({ page }).analyze()
  expect(
    violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id}: ${v.help} ${v.nodes.map((n) => n.target.join(' ') + ' ' + (n.failureSummary ?? '').slice(0, 160)).join(' / ')}`,
      ),
  ).toEqual([])
  await refusal.getByRole('button', { name: 'Save anyway…' }).click()
  const dialog = page.getByRole('dialog', { name: 'Save a context that fails its checks?' })
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(page.getByText(/from the next start, new jobs run on/)).toHaveCount(0)

  // A token the server refuses: the api check says 401, with the URL.
  await backend.checkContext('wrong-token', NAMESPACE)
  await expect(backend.contextChecks.getByRole('group', { name: 'api: failed' })).toContainText(
    `${front.url} refused the credentials of user wrong-token-user (HTTP 401 Unauthorized)`,
  )

  // The good context passes every check (TLS verified, the exec plugin's token, RBAC, egress) and saves.
  await backend.checkContext('double-tls', NAMESPACE)
  await expect(backend.backendForm.getByText(/^All \d+ checks passed$/)).toBeVisible({ timeout: 60_000 })
  await backend.useThisBackend()
  await expect(
    page.getByText(`from the next start, new jobs run on double-tls / ${NAMESPACE}`, { exact: false }),
  ).toBeVisible()

  await app.useColorScheme('dark')
  await showBrokenContext()
  await backend.useThisBackend()
  await expect(refusal).toContainText('fails 2 checks (connection, credentials)')
  await app.screenshot('kubernetes-broken-context-dark')
  await shotOfForm('kubernetes-broken-context-form-dark')
})
