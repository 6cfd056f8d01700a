/**
 * Kubernetes driver: why a context does not work, in the publisher's words. Three probes that
 * health.ts lists as checks of their own: the connection (DNS, TCP, TLS with the kubeconfig's CA,
 * on its own socket so a refusal is told apart from a certificate problem), the credentials (an
 * exec plugin run as client-node runs it: not installed, non-zero exit with its stderr, output that
 * is not an ExecCredential), and the classification of a failed API request (401, 403, and the
 * network errors undici wraps in "fetch failed"). Each cause has its own fix text.
 * Must not import operator-service, store or provider (layer rules).
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { connect as netConnect, isIP, type Socket } from 'node:net'
import { connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls'
import type { Cluster, User } from '@kubernetes/client-node'

/** Why a check failed: one word per cause the Compute backend screen explains. */
export const KUBE_FAILURE_CAUSES = [
  'kubeconfig',
  'dns',
  'refused',
  'timeout',
  'unreachable',
  'reset',
  'tls-unknown-ca',
  'tls-hostname-mismatch',
  'tls-expired',
  'tls',
  'exec-not-found',
  'exec-failed',
  'exec-bad-output',
  'exec-timeout',
  'unauthorized',
  'forbidden',
  'namespace-missing',
  'http-error',
  'egress-open',
  'egress-unproven',
  'unknown',
] as const
export type KubeFailureCause = (typeof KUBE_FAILURE_CAUSES)[number]

export interface Diagnosis {
  cause: KubeFailureCause
  message: string
  fix: string
}

export interface ProbeOptions {
  /** How long DNS + connect + TLS handshake may take (default 10 s). */
  timeoutMs?: number
}

const UNKNOWN_CA = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
])

function hostPort(server: string): { host: string; port: number; https: boolean } {
  const url = new URL(server)
  const https = url.protocol === 'https:'
  const host = url.hostname.replace(/^\[|\]$/g, '')
  return { host, port: Number(url.port || (https ? 443 : 80)), https }
}

/** The network or TLS cause of an error from net/tls/undici (`code`, or `cause.code`), if it is one. */
export function networkDiagnosis(
  error: unknown,
  server: string,
  extra: { timeoutMs?: number; peer?: PeerCertificate; tlsServerName?: string } = {},
): Diagnosis | undefined {
  const e = error as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } }
  const code = String(
    (typeof e?.code === 'string' ? e.code : undefined) ?? e?.cause?.code ?? (e as Error)?.name ?? '',
  )
  const detail = String(e?.cause?.message ?? e?.message ?? error)
  const { host, port } = hostPort(server)
  const at = `${host}:${port}`
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME')
    return {
      cause: 'dns',
      message: `The API server's host name ${host} does not resolve (${code})`,
      fix:
        `Check the server address of this cluster in the kubeconfig (${server}). A private endpoint (EKS, GKE, AKS ` +
        'private clusters) resolves only inside its network: connect the VPN or run the console where the cluster is reachable.',
    }
  if (code === 'ECONNREFUSED')
    return {
      cause: 'refused',
      message: `Connection refused at ${at}: nothing listens there`,
      fix:
        `Start the cluster or check the port in ${server}: kind (docker ps shows the control-plane container), ` +
        'k3s (systemctl status k3s), minikube (minikube start), Docker/Rancher Desktop (enable Kubernetes). ' +
        'A kind or minikube cluster gets a new port when it is re-created: export its kubeconfig again.',
    }
  if (
    code === 'ETIMEDOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'TimeoutError' ||
    code === 'timeout'
  )
    return {
      cause: 'timeout',
      message: `No answer from ${at}${extra.timeoutMs ? ` within ${Math.round(extra.timeoutMs / 1000)} s` : ''}`,
      fix:
        'Something between this machine and the API server drops the traffic: a firewall or security group, a VPN that ' +
        'is not connected, or the cluster\'s list of allowed networks (GKE "master authorized networks", EKS "public ' +
        'access CIDRs", AKS "authorized IP ranges"): add this machine\'s public IP there.',
    }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return {
      cause: 'unreachable',
      message: `No route to ${at} (${code})`,
      fix: `This machine has no network path to ${host}: check the VPN, the network, or the address in the kubeconfig.`,
    }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE')
    return {
      cause: 'reset',
      message: `${at} closed the connection before answering`,
      fix: `Check that ${server} is the API server itself (the right port and scheme) and not a proxy or load balancer that refuses this machine.`,
    }
  if (UNKNOWN_CA.has(code))
    return {
      cause: 'tls-unknown-ca',
      message: `The API server's certificate at ${at} is signed by an authority this kubeconfig does not trust (${detail})`,
      fix:
        "Put the cluster's CA certificate in certificate-authority-data of this cluster: write the kubeconfig again with " +
        'your tool (kind export kubeconfig, aws eks update-kubeconfig, gcloud container clusters get-credentials, az aks ' +
        "get-credentials, or copy /etc/rancher/k3s/k3s.yaml). Behind a TLS-inspecting proxy, add the proxy's CA.",
    }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = extra.peer?.subjectaltname?.replace(/(DNS|IP Address):/g, '') ?? 'other names'
    return {
      cause: 'tls-hostname-mismatch',
      message: `The API server's certificate at ${at} is for ${names}, not for ${extra.tlsServerName ?? host}`,
      fix:
        `Use a server address the certificate names (${names}) in the kubeconfig, or set tls-server-name to one of ` +
        'them on this cluster. k3s and kubeadm can add names to the certificate (--tls-san / apiServer.certSANs).',
    }
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    const when = extra.peer?.valid_to ? ` on ${extra.peer.valid_to}` : ''
    return {
      cause: 'tls-expired',
      message:
        code === 'CERT_HAS_EXPIRED'
          ? `The API server's certificate at ${at} expired${when}`
          : `The API server's certificate at ${at} is not valid yet (from ${extra.peer?.valid_from ?? 'a later date'}): check this machine's clock`,
      fix:
        "Renew the cluster's certificates: kubeadm certs renew all (then restart the control plane), k3s renews at " +
        'restart when they are close to expiry, kind and minikube: re-create the cluster. Then write the kubeconfig again.',
    }
  }
  if (/^ERR_TLS|^ERR_SSL|CERT|SSL/.test(code))
    return {
      cause: 'tls',
      message: `TLS with ${at} failed: ${detail} (${code})`,
      fix: `Check that ${server} speaks HTTPS and that the kubeconfig's CA and client certificate belong to this cluster.`,
    }
  return undefined
}

/** What the probe learnt: a connection that would carry requests, or why not. */
export type ConnectionProbe = { ok: true; message: string } | ({ ok: false } & Diagnosis)

/**
 * Opens one TCP (and TLS) connection to the cluster's server with the kubeconfig's CA, server name
 * and client certificate, and closes it. With a proxy-url nothing is probed (undefined): the
 * request's own error says more.
 */
export async function probeConnection(
  cluster: Cluster,
  options: ProbeOptions = {},
): Promise<ConnectionProbe | undefined> {
  if (cluster.proxyUrl) return undefined
  const timeoutMs = options.timeoutMs ?? 10_000
  const { host, port, https } = hostPort(cluster.server)
  let ca: Buffer | undefined
  try {
    ca = cluster.caData
      ? Buffer.from(cluster.caData, 'base64')
      : cluster.caFile
        ? readFileSync(cluster.caFile)
        : undefined
  } catch (error) {
    return {
      ok: false,
      cause: 'kubeconfig',
      message: `The CA file ${cluster.caFile} of cluster ${cluster.name} cannot be read (${(error as Error).message})`,
      fix: 'Fix certificate-authority in the kubeconfig, or write the kubeconfig again with your cluster tool.',
    }
  }
  const servername = cluster.tlsServerName ?? (isIP(host) ? undefined : host)
  const attempt = (verify: boolean) =>
    new Promise<{ socket: Socket | TLSSocket; peer?: PeerCertificate }>((resolve, reject) => {
      const socket = https
        ? tlsConnect({ host, port, ca, servername, rejectUnauthorized: verify && !cluster.skipTLSVerify })
        : netConnect({ host, port })
      const timer = setTimeout(() => {
        socket.destroy()
        reject(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: 'timeout' }))
      }, timeoutMs)
      socket.once(https ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer)
        resolve({ socket, peer: https ? (socket as TLSSocket).getPeerCertificate() : undefined })
      })
      socket.once('error', (error) => {
        clearTimeout(timer)
        socket.destroy()
        reject(error)
      })
    })
  try {
    const { socket } = await attempt(true)
    socket.destroy()
    return {
      ok: true,
      message: `Connected to ${cluster.server}${https ? (cluster.skipTLSVerify ? ' (TLS not verified: insecure-skip-tls-verify)' : ' (TLS certificate verified)') : ''}`,
    }
  } catch (error) {
    // For a certificate problem, look at the certificate itself (its names, its dates) to say which.
    let peer: PeerCertificate | undefined
    if (https && /CERT|ALTNAME/.test(String((error as { code?: unknown }).code))) {
      peer = await attempt(false).then(
        ({ socket, peer: seen }) => (socket.destroy(), seen),
        () => undefined,
      )
    }
    const diagnosis = networkDiagnosis(error, cluster.server, { timeoutMs, peer, tlsServerName: servername })
    return {
      ok: false,
      ...(diagnosis ?? {
        cause: 'unknown' as const,
        message: `Cannot connect to ${cluster.server}: ${(error as Error).message}`,
        fix: 'Check the server address in the kubeconfig and the network between this machine and the cluster.',
      }),
    }
  }
}

export type CredentialsProbe = { ok: true; message: string; exec: boolean } | ({ ok: false } & Diagnosis)

interface ExecConfig {
  command?: string
  args?: string[]
  env?: Array<{ name: string; value: string }>
  installHint?: string
}

/** The kubeconfig user's exec plugin settings (users[].user.exec, or an auth-provider's), if any. */
function execOf(user: User): ExecConfig | undefined {
  const provider = user.authProvider as { config?: { exec?: ExecConfig } } | undefined
  return (user.exec as ExecConfig | undefined) ?? provider?.config?.exec ?? undefined
}

/**
 * The identity the context presents. For an exec plugin, runs it once as client-node does (same
 * command, arguments and environment) and checks it printed an ExecCredential with a token or a
 * client certificate. Other kinds of credentials are only described: the API server judges them.
 */
export async function probeCredentials(
  user: User | null,
  options: { timeoutMs?: number } = {},
): Promise<CredentialsProbe> {
  if (!user)
    return {
      ok: false,
      cause: 'kubeconfig',
      message: 'The context names a user the kubeconfig does not define',
      fix: 'Add the user to the kubeconfig (users:) or pick another context.',
    }
  const exec = execOf(user)
  if (!exec) {
    const kind = user.token
      ? 'a bearer token'
      : user.certData || user.certFile
        ? 'a client certificate'
        : user.username
          ? 'a user name and password'
          : user.authProvider
            ? `the ${String((user.authProvider as { name?: string }).name ?? 'auth')} provider`
            : 'no credentials (anonymous)'
    return { ok: true, exec: false, message: `User ${user.name} presents ${kind}` }
  }
  const command = exec.command ?? ''
  const shown = [command, ...(exec.args ?? [])].join(' ')
  const login =
    'Run it in a terminal and do what it says; usually the login has expired: aws sso login, gcloud auth login, ' +
    "az login, or your identity provider's login."
  if (!command)
    return {
      ok: false,
      cause: 'kubeconfig',
      message: `User ${user.name} has an exec plugin without a command`,
      fix: 'Set users[].user.exec.command in the kubeconfig, or write it again with your cluster tool.',
    }
  const timeoutMs = options.timeoutMs ?? 30_000
  const result = await new Promise<
    | { kind: 'spawn-error'; error: NodeJS.ErrnoException }
    | { kind: 'timeout' }
    | { kind: 'exit'; code: number | null; stdout: string; stderr: string }
  >((resolve) => {
    // The environment client-node's ExecAuth gives the plugin: the console's own plus exec.env.
    const env = exec.env
      ? { ...process.env, ...Object.fromEntries(exec.env.map((e) => [e.name, e.value])) }
      : undefined
    const child = spawn(command, exec.args ?? [], {
      ...(env ? { env } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let spawnError: NodeJS.ErrnoException | undefined
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      resolve({ kind: 'timeout' })
    }, timeoutMs)
    child.once('error', (error) => (spawnError = error))
    child.once('close', (code) => {
      clearTimeout(timer)
      resolve(
        spawnError ? { kind: 'spawn-error', error: spawnError } : { kind: 'exit', code, stdout, stderr },
      )
    })
  })
  if (result.kind === 'spawn-error') {
    const notFound = result.error.code === 'ENOENT'
    return {
      ok: false,
      cause: notFound ? 'exec-not-found' : 'exec-failed',
      message: notFound
        ? `The credential plugin ${command} of user ${user.name} is not installed (or not on the console's PATH)`
        : `The credential plugin ${command} could not be started: ${result.error.message}`,
      fix: notFound
        ? `${exec.installHint ? `${exec.installHint.trim()} ` : ''}Install it, or if it is installed, start the console from a shell where \`which ${command}\` finds it, or put its absolute path in users[].user.exec.command.`
        : `Check that ${command} is an executable file the console's user may run.`,
    }
  }
  if (result.kind === 'timeout')
    return {
      ok: false,
      cause: 'exec-timeout',
      message: `The credential plugin ${shown} did not finish within ${Math.round(timeoutMs / 1000)} s`,
      fix: `It may be waiting for an interactive login, which the console cannot answer. ${login}`,
    }
  const stderr = result.stderr.trim().split('\n').slice(-3).join(' ').slice(0, 300)
  if (result.code !== 0)
    return {
      ok: false,
      cause: 'exec-failed',
      message: `The credential plugin ${shown} exited with code ${String(result.code)}${stderr ? `: ${stderr}` : ' and printed nothing on stderr'}`,
      fix: login,
    }
  let credential: {
    kind?: unknown
    status?: { token?: unknown; clientCertificateData?: unknown; clientKeyData?: unknown }
  }
  try {
    credential = JSON.parse(result.stdout) as typeof credential
  } catch {
    credential = {}
  }
  const status = credential?.status
  const hasToken = typeof status?.token === 'string' && status.token !== ''
  const hasCert =
    typeof status?.clientCertificateData === 'string' && typeof status.clientKeyData === 'string'
  if (credential?.kind !== 'ExecCredential' || (!hasToken && !hasCert)) {
    const printed = result.stdout.trim().slice(0, 120)
    return {
      ok: false,
      cause: 'exec-bad-output',
      message:
        credential?.kind === 'ExecCredential'
          ? `The credential plugin ${shown} printed an ExecCredential without a token or client certificate`
          : `The credential plugin ${shown} did not print an ExecCredential${printed ? `: "${printed}"` : ' (its output was empty)'}`,
      fix: `Check its arguments and version against your cluster tool's documentation (it must print ExecCredential JSON on stdout). ${login}`,
    }
  }
  return {
    ok: true,
    exec: true,
    message: `The credential plugin ${command} gave ${hasToken ? 'a token' : 'a client certificate'} for user ${user.name}`,
  }
}

/** A failed API request: HTTP 401/403 from the server, else the network cause, else its message. */
export function requestDiagnosis(
  error: unknown,
  server: string,
  who: { user: string; exec: boolean },
): Diagnosis {
  const code = (error as { code?: unknown })?.code
  if (code === 401)
    return {
      cause: 'unauthorized',
      message: `${server} refused the credentials of user ${who.user} (HTTP 401 Unauthorized)`,
      fix: who.exec
        ? 'The API server did not accept the token the credential plugin gave: log in again (aws sso login, gcloud auth login, az login) and check the plugin names this cluster (its --cluster-name / --region arguments).'
        : 'The token or client certificate in the kubeconfig is wrong, expired or for another cluster: write the kubeconfig again with your cluster tool, or create a fresh ServiceAccount token (kubectl create token <name> -n <namespace>).',
    }
  if (code === 403)
    return {
      cause: 'forbidden',
      message: `${server} authenticated user ${who.user} but refused the request (HTTP 403): ${statusMessage(error)}`,
      fix: 'Grant this identity the permissions the console needs (the Role in engine/operator-engine/drivers/kubernetes/README.md, bound with a RoleBinding).',
    }
  if (typeof code === 'number')
    return {
      cause: 'http-error',
      message: `${server} answered HTTP ${code}${statusMessage(error) ? `: ${statusMessage(error)}` : ''}`,
      fix: "Check that the server address is the API server itself, and look at the control plane's health (kubectl get --raw /readyz).",
    }
  return (
    networkDiagnosis(error, server) ?? {
      cause: 'unknown',
      message: `The request to ${server} failed: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`,
      fix: 'Run kubectl --context <this context> version to see what kubectl gets.',
    }
  )
}

function statusMessage(error: unknown): string {
  const body = (error as { body?: unknown })?.body
  try {
    const parsed =
      typeof body === 'string' ? (JSON.parse(body) as { message?: string }) : (body as { message?: string })
    return parsed?.message ?? ''
  } catch {
    return typeof body === 'string' ? body.slice(0, 200) : ''
  }
}
