/**
 * How the console is exposed, changeable while it runs (Settings → Network): the P2P switch, the
 * public URL and the extra announce addresses. It owns the running libp2p node (started, stopped or
 * restarted when those change) and keeps every DDO's serviceEndpoint on the address consumers should
 * use: the public URL if there is one, else the P2P peer ID while P2P is on (ocean.js dials a peer ID
 * with its P2pProvider), else the local Provider URL. When that endpoint differs from the one the
 * DDOs were last published with (a new URL, P2P switched, a new node key and so a new peer ID),
 * every asset is re-published; the endpoint is recorded only once all are mined, so an interrupted
 * run is retried at the next change or start.
 *
 * P2P layer: the publishing and persistence it drives come in as functions (index.ts binds them).
 */
import type { Logger } from '../logging'
import type { RunningP2pNode } from './p2p-node'

export interface NetworkState {
  p2pEnabled: boolean
  /** Without a trailing slash; null = none. */
  publicUrl: string | null
  announceAddresses: string[]
}

/** One asset re-published with the new endpoint: its setMetaData tx, mined. */
export interface RepublishedAsset {
  did: string
  txHash: string | null
}

export type RepublishOutcome =
  | { state: 'not-needed'; endpoint: string }
  | { state: 'no-chain'; endpoint: string }
  | { state: 'done'; endpoint: string; assets: RepublishedAsset[] }
  | { state: 'failed'; endpoint: string; assets: RepublishedAsset[]; error: string }

export interface NetworkControlOptions {
  initial: NetworkState
  /** The Provider's own bound URL (the fallback endpoint). */
  localUrl: string
  /** Starts the libp2p node for this state; undefined when it cannot (locked node key). */
  startP2p(state: NetworkState): Promise<RunningP2pNode | undefined>
  /** The node key's address now (undefined while locked): the peer ID derives from it. */
  identity(): string | undefined
  /** Writes the state for the next start (config.json). */
  persist(state: NetworkState): void
  /** The endpoint the DDOs were last re-published with (settings store). */
  lastEndpoint: { get(): string | undefined; set(endpoint: string): void }
  /** Re-publishes every asset whose DDO names another endpoint; undefined = no chain to publish on. */
  republish?: (endpoint: string) => Promise<RepublishedAsset[]>
  logger: Logger
}

/** What every DDO's serviceEndpoint should be, in this order: public URL, peer ID, local URL. */
export function serviceEndpointFor(
  state: NetworkState,
  peerId: string | undefined,
  localUrl: string,
): string {
  if (state.publicUrl) return state.publicUrl
  if (state.p2pEnabled && peerId) return peerId
  return localUrl
}

const trimUrl = (url: string | null) => (url ? url.replace(/\/+$/, '') : null)

export class NetworkControl {
  private current: NetworkState
  private node: RunningP2pNode | undefined
  /** The node key the running libp2p node was started with. */
  private startedWith: string | undefined
  /** One change at a time: a toggle and a re-publish never interleave. */
  private queue: Promise<unknown> = Promise.resolve()

  constructor(private readonly options: NetworkControlOptions) {
    this.current = { ...options.initial, publicUrl: trimUrl(options.initial.publicUrl) }
  }

  state(): NetworkState {
    return { ...this.current, announceAddresses: [...this.current.announceAddresses] }
  }

  p2p(): RunningP2pNode | undefined {
    return this.node
  }

  endpoint(): string {
    return serviceEndpointFor(this.current, this.node?.peerId.toString(), this.options.localUrl)
  }

  /** Starts P2P if the state says so (no re-publish: the caller publishes once samples exist). */
  async start(): Promise<void> {
    if (this.current.p2pEnabled) await this.startNode()
  }

  /**
   * The node key may have changed (a wallet created, imported or unlocked while running): a new key
   * is a new peer ID, so libp2p restarts with it and the DDOs follow. Nothing happens otherwise.
   */
  refreshIdentity(): Promise<RepublishOutcome> {
    return this.serial(async () => {
      if (this.current.p2pEnabled && this.options.identity() !== this.startedWith) {
        await this.stopNode()
        await this.startNode()
        this.options.logger.info('p2p restarted for a new node key', { peerId: this.node?.peerId.toString() })
      }
      return this.republishNow()
    })
  }

  private async startNode(): Promise<void> {
    this.startedWith = this.options.identity()
    this.node = await this.options.startP2p(this.state())
  }

  private async stopNode(): Promise<void> {
    const old = this.node
    this.node = undefined
    this.startedWith = undefined
    await old?.stop()
  }

  /**
   * Applies a change now and for the next start, then re-publishes the DDOs if the endpoint moved.
   * Resolves once every setMetaData tx is mined (or one failed: the rest wait for the next change).
   */
  apply(patch: Partial<NetworkState>): Promise<{ state: NetworkState; republish: RepublishOutcome }> {
    return this.serial(async () => {
      const before = this.current
      const next: NetworkState = {
        p2pEnabled: patch.p2pEnabled ?? before.p2pEnabled,
        publicUrl: patch.publicUrl === undefined ? before.publicUrl : trimUrl(patch.publicUrl),
        announceAddresses: patch.announceAddresses ?? before.announceAddresses,
      }
      const restart =
        next.p2pEnabled !== before.p2pEnabled ||
        (next.p2pEnabled && next.announceAddresses.join('\n') !== before.announceAddresses.join('\n'))
      this.options.persist(next)
      this.current = next
      if (restart) {
        await this.stopNode()
        if (next.p2pEnabled) await this.startNode()
        this.options.logger.info(
          next.p2pEnabled ? 'p2p (re)started from Settings' : 'p2p stopped from Settings',
          {
            peerId: this.node?.peerId.toString(),
          },
        )
      }
      return { state: this.state(), republish: await this.republishNow() }
    })
  }

  /** Re-publishes if the endpoint differs from the last one recorded (start, key change). */
  followEndpoint(): Promise<RepublishOutcome> {
    return this.serial(() => this.republishNow())
  }

  async stop(): Promise<void> {
    await this.queue.catch(() => undefined)
    await this.stopNode()
  }

  private async republishNow(): Promise<RepublishOutcome> {
    const endpoint = this.endpoint()
    if (!this.options.republish) return { state: 'no-chain', endpoint }
    if (this.options.lastEndpoint.get() === endpoint) return { state: 'not-needed', endpoint }
    try {
      const assets = await this.options.republish(endpoint)
      this.options.lastEndpoint.set(endpoint)
      if (assets.length > 0)
        this.options.logger.info('DDOs re-published with the new serviceEndpoint', {
          endpoint,
          count: assets.length,
        })
      return { state: 'done', endpoint, assets }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      this.options.logger.warn(
        'could not re-publish DDOs with the new serviceEndpoint; retried at the next change or start',
        {
          endpoint,
          error: message,
        },
      )
      return { state: 'failed', endpoint, assets: [], error: message }
    }
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work)
    this.queue = run.catch(() => undefined)
    return run
  }
}
