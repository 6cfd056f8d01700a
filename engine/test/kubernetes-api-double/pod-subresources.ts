/**
 * The pod subresources the driver streams through: `pods/log` (plain text, `follow` live until the
 * container ends, `tailLines`, `limitBytes`, `previous`, `timestamps` — each line after the time the
 * kubelet read it, RFC3339Nano and a space) and `pods/exec` over WebSocket with the
 * channel protocol client-node's Exec speaks (v5.channel.k8s.io preferred, v4 accepted): one byte
 * of channel before each message — 0 stdin, 1 stdout, 2 stderr, 3 status (a `Status` JSON), 255
 * close (v5 only: the client half-closes stdin with [255, 0]). Errors before the upgrade are plain
 * HTTP `Status` answers, as kube-apiserver sends them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { WebSocketServer } from 'ws'
import type { ContainerRun, SimulatedKubelet } from './kubelet'
import type { ObjectStore } from './object-store'

export interface StatusBody {
  kind: 'Status'
  apiVersion: 'v1'
  metadata: Record<string, never>
  status: 'Failure'
  message: string
  reason: string
  code: number
  details?: Record<string, unknown>
}

export function statusBody(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): StatusBody {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
    ...(details ? { details } : {}),
  }
}

/** Which container a log/exec request means, or the Status the API server answers. */
function pickContainer(
  store: ObjectStore,
  kubelet: SimulatedKubelet,
  namespace: string,
  pod: string,
  name: string | null,
): ContainerRun | StatusBody {
  if (!store.get('pods', namespace, pod))
    return statusBody(404, 'NotFound', `pods "${pod}" not found`, { name: pod, kind: 'pods' })
  const containers = kubelet.containers(namespace, pod) ?? []
  const app = containers.filter((c) => !c.isInit)
  if (!name) {
    if (app.length === 1) return app[0]!
    const init = containers.filter((c) => c.isInit).map((c) => c.spec.name)
    return statusBody(
      400,
      'BadRequest',
      `a container name must be specified for pod ${pod}, choose one of: [${app.map((c) => c.spec.name).join(' ')}]${init.length ? ` or one of the init containers: [${init.join(' ')}]` : ''}`,
    )
  }
  const c = containers.find((x) => x.spec.name === name)
  if (!c) return statusBody(400, 'BadRequest', `container ${name} is not valid for pod ${pod}`)
  return c
}

function sendStatus(res: ServerResponse, body: StatusBody): void {
  res.writeHead(body.code, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

export function servePodLog(
  store: ObjectStore,
  kubelet: SimulatedKubelet,
  namespace: string,
  pod: string,
  url: URL,
  res: ServerResponse,
): void {
  const c = pickContainer(store, kubelet, namespace, pod, url.searchParams.get('container'))
  if ('kind' in c) return sendStatus(res, c)
  if (url.searchParams.get('previous') === 'true')
    return sendStatus(
      res,
      statusBody(
        400,
        'BadRequest',
        `previous terminated container "${c.spec.name}" in pod "${pod}" not found`,
      ),
    )
  if (c.state === 'waiting')
    return sendStatus(
      res,
      statusBody(
        400,
        'BadRequest',
        `container "${c.spec.name}" in pod "${pod}" is waiting to start: ${c.waitingReason}`,
      ),
    )
  // The kubelet's lines: each with the time it read it (the chunk its first byte came in).
  const timestamps = url.searchParams.get('timestamps') === 'true'
  const lines = splitLines(c.output, c.outputTimes)
  const tailLines = url.searchParams.get('tailLines')
  const shown = tailLines !== null ? lines.slice(Math.max(0, lines.length - Number(tailLines))) : lines
  const text = Buffer.concat(
    shown.flatMap((l) => (timestamps ? [Buffer.from(`${l.time} `), l.bytes] : [l.bytes])),
  )
  let atLineStart = lines.length === 0 || lines[lines.length - 1]!.bytes.at(-1) === 10
  let budget = url.searchParams.has('limitBytes') ? Number(url.searchParams.get('limitBytes')) : Infinity
  const write = (chunk: Buffer): boolean => {
    const part = chunk.subarray(0, Math.max(0, budget))
    budget -= part.length
    if (part.length > 0) res.write(part)
    return budget > 0
  }
  res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' })
  res.flushHeaders()
  if (!write(text) || url.searchParams.get('follow') !== 'true' || c.state === 'terminated')
    return void res.end()
  const listener = (chunk: Buffer | null) => {
    let out = chunk
    if (chunk && timestamps) {
      // Followed: a line that begins in this chunk gets this chunk's time before it.
      const time = c.outputTimes[c.outputTimes.length - 1]!
      const parts: Buffer[] = []
      for (const l of splitLines([chunk], [time])) {
        if (atLineStart) parts.push(Buffer.from(`${time} `))
        parts.push(l.bytes)
        atLineStart = l.bytes.at(-1) === 10
      }
      out = Buffer.concat(parts)
    }
    if (out === null || !write(out)) {
      c.listeners.delete(listener)
      res.end()
    }
  }
  c.listeners.add(listener)
  res.once('close', () => c.listeners.delete(listener))
}

/** A container's output as lines ("\n" kept), each with the time of the chunk it began in. */
function splitLines(
  chunks: readonly Buffer[],
  times: readonly string[],
): Array<{ bytes: Buffer; time: string }> {
  const lines: Array<{ bytes: Buffer; time: string }> = []
  let open: { parts: Buffer[]; time: string } | null = null
  chunks.forEach((chunk, i) => {
    let at = 0
    while (at < chunk.length) {
      const newline = chunk.indexOf(10, at)
      const stop = newline === -1 ? chunk.length : newline + 1
      open ??= { parts: [], time: times[i] ?? '' }
      open.parts.push(chunk.subarray(at, stop))
      if (newline !== -1) {
        lines.push({ bytes: Buffer.concat(open.parts), time: open.time })
        open = null
      }
      at = stop
    }
  })
  if (open)
    lines.push({
      bytes: Buffer.concat((open as { parts: Buffer[] }).parts),
      time: (open as { time: string }).time,
    })
  return lines
}

export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const

/** Answers an exec upgrade: HTTP Status on refusal, else a WebSocket running the command. */
export function serveExec(
  store: ObjectStore,
  kubelet: SimulatedKubelet,
  wss: WebSocketServer,
  namespace: string,
  pod: string,
  url: URL,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  const refuse = (body: StatusBody) => {
    const json = JSON.stringify(body)
    socket.end(
      `HTTP/1.1 ${body.code} ${body.reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(json)}\r\nconnection: close\r\n\r\n${json}`,
    )
  }
  const offered = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
  if (!EXEC_PROTOCOLS.some((p) => offered.includes(p)))
    return refuse(
      statusBody(
        400,
        'BadRequest',
        `none of the offered subprotocols (${offered.join(', ')}) is supported; use ${EXEC_PROTOCOLS.join(' or ')}`,
      ),
    )
  const argv = url.searchParams.getAll('command')
  if (argv.length === 0) return refuse(statusBody(400, 'BadRequest', 'you must specify at least 1 command'))
  const podObject = store.get('pods', namespace, pod)
  const phase = (podObject?.status as { phase?: string } | undefined)?.phase
  if (podObject && (phase === 'Succeeded' || phase === 'Failed'))
    return refuse(
      statusBody(
        400,
        'BadRequest',
        `cannot exec into a container in a completed pod; current phase is ${phase}`,
      ),
    )
  const c = pickContainer(store, kubelet, namespace, pod, url.searchParams.get('container'))
  if ('kind' in c) return refuse(c)
  if (c.state !== 'running')
    return refuse(
      statusBody(400, 'BadRequest', `unable to upgrade connection: container not found ("${c.spec.name}")`),
    )
  wss.handleUpgrade(req, socket, head, (ws) => {
    const isV5 = ws.protocol === 'v5.channel.k8s.io'
    const send = (channel: number, data: Buffer) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), data]))
    }
    const wantStdout = url.searchParams.get('stdout') !== 'false'
    const wantStderr = url.searchParams.get('stderr') !== 'false'
    const run = kubelet.exec(
      namespace,
      pod,
      c.spec.name,
      argv,
      (b) => wantStdout && send(1, b),
      (b) => wantStderr && send(2, b),
    )
    if (!run) {
      send(
        3,
        Buffer.from(
          JSON.stringify(
            statusBody(500, 'InternalError', `container "${c.spec.name}" stopped before the command started`),
          ),
        ),
      )
      return ws.close()
    }
    if (url.searchParams.get('stdin') !== 'true') run.stdin.end()
    ws.on('message', (data: Buffer) => {
      const channel = data[0]
      if (channel === 0) run.stdin.write(data.subarray(1))
      else if (channel === 255 && isV5 && data[1] === 0) run.stdin.end()
    })
    // A client that goes away takes its command with it (the kubelet's stream ends).
    ws.on('close', () => run.kill())
    void run.exited.then((exitCode) => {
      const status =
        exitCode === 0
          ? { metadata: {}, status: 'Success' }
          : {
              metadata: {},
              status: 'Failure',
              message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${exitCode}`,
              reason: 'NonZeroExitCode',
              details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
            }
      send(3, Buffer.from(JSON.stringify(status)))
      ws.close(1000)
    })
  })
}
