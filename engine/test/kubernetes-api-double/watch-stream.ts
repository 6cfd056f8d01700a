/**
 * Watch streams of the API double, as kube-apiserver serves them: newline-delimited
 * `{type, object}` over chunked transfer, headers flushed at once; replay after `resourceVersion`,
 * synthetic ADDED without one (or with "0"), one ERROR 410 `Expired` event and the end of the
 * stream for a compacted resourceVersion, BOOKMARKs when allowed, `timeoutSeconds`.
 */
import type { ServerResponse } from 'node:http'
import { KINDS, type Route } from './api-routes'
import { matchesFieldSelector, matchesSelector, type KubeObject, type ObjectStore } from './object-store'
import { statusBody } from './pod-subresources'

/** An open watch; `end(true)` sends 410 first (the dropWatches fault). */
export interface OpenWatch {
  res: ServerResponse
  end(gone: boolean): void
}

export function serveWatch(
  store: ObjectStore,
  r: Route,
  url: URL,
  res: ServerResponse,
  open: Set<OpenWatch>,
  bookmarkIntervalMs: number,
): void {
  const rvParam = url.searchParams.get('resourceVersion')
  const labels = url.searchParams.get('labelSelector') ?? undefined
  const fields = url.searchParams.get('fieldSelector') ?? undefined
  const matches = (o: KubeObject) =>
    (r.namespace === undefined || o.metadata.namespace === r.namespace) &&
    matchesSelector(o.metadata.labels, labels) &&
    matchesFieldSelector(o, fields)
  // A bad selector is a 400 before the stream starts (FieldSelectorError), as on a real server.
  matchesFieldSelector({ metadata: { name: '' } }, fields)
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' })
  // The client waits for the headers before it reads events: send them now, as the API server does.
  res.flushHeaders()
  const write = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`)
  const gone = (rv: string) =>
    write('ERROR', statusBody(410, 'Expired', `too old resource version: ${rv} (${store.compactedRv})`))
  if (!rvParam || rvParam === '0') {
    // "Get state and start at most recent": synthetic ADDED for what exists, then live events.
    for (const o of store.list(r.resource, r.namespace)) if (matches(o)) write('ADDED', o)
  } else {
    const replay = store.since(Number(rvParam), r.resource)
    if (replay === 'gone') {
      gone(rvParam)
      return void res.end()
    }
    for (const e of replay) if (matches(e.object)) write(e.type, e.object)
  }
  const unsubscribe = store.subscribe((e) => {
    if (e.resource === r.resource && matches(e.object)) write(e.type, e.object)
  })
  const timers: NodeJS.Timeout[] = []
  if (url.searchParams.get('allowWatchBookmarks') === 'true') {
    timers.push(
      setInterval(
        () =>
          write('BOOKMARK', {
            kind: KINDS[r.resource]?.kind ?? 'Namespace',
            apiVersion: KINDS[r.resource]?.apiVersion ?? 'v1',
            metadata: { resourceVersion: String(store.currentRv()) },
          }),
        bookmarkIntervalMs,
      ),
    )
  }
  const timeoutSec = Number(url.searchParams.get('timeoutSeconds') ?? 0)
  if (timeoutSec > 0) timers.push(setTimeout(() => entry.end(false), timeoutSec * 1000))
  const cleanup = () => {
    unsubscribe()
    for (const t of timers) clearTimeout(t)
    open.delete(entry)
  }
  const entry = {
    res,
    end(isGone: boolean) {
      if (isGone) gone(rvParam ?? '0')
      cleanup()
      res.end()
    },
  }
  open.add(entry)
  res.once('close', cleanup)
}
