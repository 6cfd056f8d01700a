/**
 * Exec credential plugins for kubeconfigs that use them (as `aws eks get-token`, `gke-gcloud-auth-
 * plugin` and `kubelogin` do): small shell scripts that print an ExecCredential with the double's
 * token, and the broken variants a publisher meets — a command that is not installed, a plugin that
 * exits non-zero with a message on stderr, one that prints something that is not JSON, and one that
 * prints an ExecCredential without a token. Test code only.
 */
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export type ExecPluginKind = 'ok' | 'not-found' | 'fails' | 'not-json' | 'no-token'

/** What the failing plugin prints on stderr (as `aws eks get-token` does when the SSO session ended). */
export const EXEC_PLUGIN_STDERR = 'Error when retrieving token from sso: Token has expired and refresh failed'

/**
 * Writes the plugin script into `dir` and returns the command for the kubeconfig's `exec.command`
 * (for 'not-found', a path where nothing is).
 */
export function writeExecPlugin(dir: string, kind: ExecPluginKind, token: string): string {
  const path = join(dir, `exec-plugin-${kind}.sh`)
  if (kind === 'not-found') return join(dir, 'c2d-missing-auth-plugin')
  const credential = (status: Record<string, unknown>) =>
    JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status })
  const body = {
    ok: `cat <<'EOF'\n${credential({ token })}\nEOF`,
    fails: `echo '${EXEC_PLUGIN_STDERR}' >&2\nexit 3`,
    'not-json': `echo 'Please visit https://login.example/device and enter the code ABCD-EFGH'`,
    'no-token': `cat <<'EOF'\n${credential({ expirationTimestamp: '2030-01-01T00:00:00Z' })}\nEOF`,
  }[kind]
  writeFileSync(path, `#!/bin/sh\n${body}\n`)
  chmodSync(path, 0o755)
  return path
}
