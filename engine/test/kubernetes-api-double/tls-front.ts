/**
 * The API double behind TLS, as a real API server is: a TLS front that terminates HTTPS with a
 * certificate from test-certificates.ts and passes the bytes on to the double's plain-HTTP port
 * (REST, watches and the exec WebSocket alike; the double still checks the bearer token). The
 * certificate can be swapped (an expired one, one for another host name) and the front can stall:
 * it accepts TCP connections and never answers, as a firewalled or overloaded endpoint does.
 * Additive to api-server.ts: the double itself is unchanged. Test code only.
 */
import { once } from 'node:events'
import { createServer as createNetServer, connect, type Socket } from 'node:net'
import { createServer as createTlsServer, type TLSSocket } from 'node:tls'
import type { TestCertificate } from './test-certificates'

export interface TlsFront {
  /** https://127.0.0.1:<port> */
  url: string
  port: number
  /** Serve this certificate from the next handshake on. */
  useCertificate(certificate: TestCertificate): void
  /** On: connections are accepted and then left unanswered (no TLS handshake, no HTTP). */
  stall(on: boolean): void
  close(): Promise<void>
}

export async function startTlsFront(targetUrl: string, certificate: TestCertificate): Promise<TlsFront> {
  const target = new URL(targetUrl)
  const sockets = new Set<Socket>()
  let stalled = false
  const tlsServer = createTlsServer({ cert: certificate.cert, key: certificate.key })
  tlsServer.on('secureConnection', (secure: TLSSocket) => {
    const upstream = connect(Number(target.port), target.hostname)
    sockets.add(upstream)
    upstream.once('close', () => sockets.delete(upstream))
    secure.pipe(upstream).pipe(secure)
    const end = () => {
      secure.destroy()
      upstream.destroy()
    }
    secure.once('error', end)
    upstream.once('error', end)
    secure.once('close', end)
    upstream.once('close', end)
  })
  // A failed handshake (the client refused the certificate) is the client's business.
  tlsServer.on('tlsClientError', () => undefined)
  const server = createNetServer((socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    if (stalled) return
    tlsServer.emit('connection', socket)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as { port: number }).port
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    useCertificate(next) {
      tlsServer.setSecureContext({ cert: next.cert, key: next.key })
    },
    stall(on) {
      stalled = on
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export interface KubeconfigEntry {
  context: string
  server: string
  namespace?: string
  /** PEM of the CA the client trusts (certificate-authority-data); absent: the system's CAs. */
  caPem?: string
  insecureSkipTlsVerify?: boolean
  token?: string
  /** An exec credential plugin (exec-plugins.ts), as EKS, GKE and AKS kubeconfigs use. */
  exec?: {
    command: string
    args?: string[]
    env?: Array<{ name: string; value: string }>
    installHint?: string
  }
}

/** A kubeconfig file's text with one cluster/user/context per entry; the first is current. */
export function kubeconfigYaml(entries: KubeconfigEntry[]): string {
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: entries.map((e) => ({
      name: `${e.context}-cluster`,
      cluster: {
        server: e.server,
        ...(e.caPem ? { 'certificate-authority-data': Buffer.from(e.caPem).toString('base64') } : {}),
        ...(e.insecureSkipTlsVerify ? { 'insecure-skip-tls-verify': true } : {}),
      },
    })),
    users: entries.map((e) => ({
      name: `${e.context}-user`,
      user: {
        ...(e.token !== undefined ? { token: e.token } : {}),
        ...(e.exec
          ? {
              exec: {
                apiVersion: 'client.authentication.k8s.io/v1beta1',
                command: e.exec.command,
                args: e.exec.args ?? [],
                ...(e.exec.env ? { env: e.exec.env } : {}),
                ...(e.exec.installHint ? { installHint: e.exec.installHint } : {}),
                interactiveMode: 'Never',
              },
            }
          : {}),
      },
    })),
    contexts: entries.map((e) => ({
      name: e.context,
      context: {
        cluster: `${e.context}-cluster`,
        user: `${e.context}-user`,
        ...(e.namespace ? { namespace: e.namespace } : {}),
      },
    })),
    'current-context': entries[0]?.context ?? '',
  }
  // JSON is YAML: client-node and kubectl read it as is.
  return `${JSON.stringify(doc, null, 2)}\n`
}
