/**
 * Follows a container's log through the pod log API (`GET …/pods/<name>/log?follow=true`) into a
 * file, the way client-node's `Log` does — same authentication and TLS dispatcher from the
 * kubeconfig — but owning the stream's errors: an API outage or an abort ends the follow with a
 * value instead of an unhandled 'error' event in the console's process. It asks for
 * `timestamps=true`: the kubelet puts the time it received each line before it ("<RFC3339Nano> "),
 * which is cut from the file (the log stays the container's bytes) and kept in the log's times
 * sidecar (log-times.ts).
 */
import { createWriteStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { HttpMethod, RequestContext, type KubeConfig } from '@kubernetes/client-node'
import { fetch } from 'undici'
import { LogTimesRecorder, stripTimestamps } from '../../log-times'

export type LogFollowEnd = { kind: 'ended' } | { kind: 'failed'; reason: string } | { kind: 'aborted' }

export async function followPodLog(
  kubeConfig: KubeConfig,
  target: { namespace: string; pod: string; container: string },
  file: string,
  signal: AbortSignal,
): Promise<LogFollowEnd> {
  const cluster = kubeConfig.getCurrentCluster()
  if (!cluster) return { kind: 'failed', reason: 'the kubeconfig has no current cluster' }
  const url = new URL(
    `${cluster.server}/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}/log`,
  )
  url.searchParams.set('container', target.container)
  url.searchParams.set('follow', 'true')
  url.searchParams.set('timestamps', 'true')
  try {
    const context = new RequestContext(url.toString(), HttpMethod.GET)
    await kubeConfig.applySecurityAuthentication(context)
    const response = await fetch(url, {
      method: 'GET',
      headers: context.getHeaders(),
      dispatcher: context.getDispatcher() as never,
      signal,
    })
    if (response.status !== 200 || !response.body) {
      await response.body?.cancel().catch(() => undefined)
      return { kind: 'failed', reason: `the log API answered HTTP ${response.status}` }
    }
    const times = new LogTimesRecorder(file, 'w')
    try {
      await pipeline(
        Readable.fromWeb(response.body as never),
        stripTimestamps((offset, atMs) => times.record(offset, atMs)),
        createWriteStream(file, { flags: 'w' }),
        { signal },
      )
    } finally {
      times.close()
    }
    return { kind: 'ended' }
  } catch (error) {
    if (signal.aborted) return { kind: 'aborted' }
    return { kind: 'failed', reason: error instanceof Error ? error.message : String(error) }
  }
}
