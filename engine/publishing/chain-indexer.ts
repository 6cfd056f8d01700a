/**
 * Assets published elsewhere (ocean.js, Ocean Market) with this node as their service endpoint: a
 * chain indexer for the `MetadataCreated` / `MetadataUpdated` / `MetadataState` events of Ocean's
 * ERC721 template, as Ocean Node's indexer does for its own node. For each event it
 *  - checks the emitting contract is an NFT of Ocean's ERC721Factory (`erc721List(nft) == nft`);
 *  - decrypts the DDO when its flags say encrypted (0x02) with the node key; a DDO this node cannot
 *    decrypt has another decryptor and is skipped (compressed DDOs, flag 0x01, too);
 *  - keeps it only when its DID is the NFT's (`did:op:` + sha256(NFT + chainId)) and a service's
 *    `serviceEndpoint` is this node; the services' `files` are decrypted into the registry's plain
 *    sources, as for the console's own assets;
 *  - never overwrites an asset the console published itself.
 * The cursor (next block, the hashes of the last `reorgDepth` blocks, and which block each indexed
 * asset was last touched in) lives in the `settings` table, so a restart resumes where it stopped.
 * A reorg within `reorgDepth` blocks is detected by a changed block hash: the assets touched after
 * the fork are dropped and their blocks indexed again from the creation of the oldest of them.
 */
import { createHash } from 'node:crypto'
import { Contract, Interface, getAddress, type BaseWallet, type Log, type Provider } from 'ethers'
import { loadAbi } from '../chain/contracts'
import type { Clock } from '../clock'
import type { FileSource } from '../file-source'
import type { Logger } from '../logging'
import type { SettingsRepo } from '../store/settings-repo'
import type { AssetRecord, AssetRegistry } from './asset-registry'
import type { Ddo } from './ddo'
import { decryptWithNodeKey } from './ddo-encryption'

const EVENTS = ['MetadataCreated', 'MetadataUpdated', 'MetadataState'] as const
const FLAG_COMPRESSED = 0x01
const FLAG_ENCRYPTED = 0x02
/** eth_getLogs ranges: small enough for public RPCs. */
const MAX_RANGE = 2_000

export interface IndexedAssetMark {
  createdBlock: number
  lastBlock: number
}

export interface IndexerCursor {
  next: number
  /** The last processed blocks (oldest first), at most reorgDepth of them. */
  recent: Array<{ number: number; hash: string }>
  /** DID → blocks, for the assets this indexer owns (the console's own are never here). */
  assets: Record<string, IndexedAssetMark>
}

export interface ChainIndexerOptions {
  rpc: Provider
  chainId: number
  /** Ocean's ERC721Factory on this chain: only its NFTs are indexed. */
  factory: string
  registry: AssetRegistry
  settings: SettingsRepo
  /** The node key (decrypts DDOs and files); undefined while locked: polling waits. */
  nodeKey(): BaseWallet | undefined
  /** Keys this node signed with before (the dev key once a wallet took over): decrypt only. */
  formerNodeKeys?(): BaseWallet[]
  /** URLs that mean "this node" in a service's `serviceEndpoint`. */
  ownEndpoints(): string[]
  clock: Clock
  logger: Logger
  /** Blocks a reorg may replace; deeper ones are not detected. */
  reorgDepth: number
  /**
   * First block to read on a fresh start; 'head': the chain's latest block when the first round
   * runs (a real chain's history is not read, and a dead RPC does not stop the console's start).
   */
  startBlock: number | 'head'
}

/** A fresh cursor whose first block is the head at the first round (startBlock 'head'). */
const AT_HEAD = -1

/** localhost, 127.x.y.z and [::1] reach the same socket: one name for them. */
const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i

function normalizedEndpoint(url: string): string | undefined {
  try {
    const parsed = new URL(url)
    const host = LOOPBACK_HOST.test(parsed.hostname) ? `loopback:${parsed.port}` : parsed.host
    return `${parsed.protocol}//${host}${parsed.pathname.replace(/\/+$/, '')}`.toLowerCase()
  } catch {
    return undefined
  }
}

export function didOf(nftAddress: string, chainId: number): string {
  return (
    'did:op:' +
    createHash('sha256')
      .update(getAddress(nftAddress) + String(chainId))
      .digest('hex')
  )
}

function toFileSources(value: unknown): FileSource[] {
  const files = (value as { files?: unknown } | undefined)?.files
  if (!Array.isArray(files)) return []
  const sources: FileSource[] = []
  for (const f of files as Array<Record<string, unknown>>) {
    if (f?.type === 'url' && typeof f.url === 'string')
      sources.push({
        type: 'url',
        url: f.url,
        ...(typeof f.method === 'string' && /^(get|post)$/i.test(f.method)
          ? { method: f.method as 'GET' }
          : {}),
        ...(f.headers && typeof f.headers === 'object' && !Array.isArray(f.headers)
          ? { headers: f.headers as Record<string, string> }
          : {}),
      })
    else if (f?.type === 'ipfs' && typeof f.hash === 'string') sources.push({ type: 'ipfs', hash: f.hash })
    else if (f?.type === 'arweave' && typeof f.transactionId === 'string')
      sources.push({ type: 'arweave', transactionId: f.transactionId })
  }
  return sources
}

export class ChainIndexer {
  private readonly nft = new Interface(loadAbi('ERC721Template'))
  private readonly topics: string[]
  private readonly isOceanNft = new Map<string, boolean>()
  private readonly factory: Contract
  private stopTimer: (() => void) | undefined
  private running: Promise<void> | undefined
  private stopped = false

  constructor(private readonly options: ChainIndexerOptions) {
    this.topics = EVENTS.map((name) => this.nft.getEvent(name)!.topicHash)
    this.factory = new Contract(options.factory, loadAbi('ERC721Factory'), options.rpc)
  }

  private get cursorKey(): string {
    return `chainIndexer.${this.options.chainId}`
  }

  cursor(): IndexerCursor {
    return (
      this.options.settings.get<IndexerCursor>(this.cursorKey) ?? {
        next: this.options.startBlock === 'head' ? AT_HEAD : this.options.startBlock,
        recent: [],
        assets: {},
      }
    )
  }

  /** Polls every `intervalMs` until `stop`; errors are logged and retried on the next round. */
  start(intervalMs: number): void {
    const round = () => {
      if (this.stopped) return
      this.running = this.poll()
        .then(() => undefined)
        .catch((error: unknown) =>
          this.options.logger.warn('chain indexer round failed', { error: String(error) }),
        )
        .finally(() => {
          this.running = undefined
          if (!this.stopped) this.stopTimer = this.options.clock.setTimer(round, intervalMs)
        })
    }
    round()
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.stopTimer?.()
    await this.running
  }

  /** One round: reorg check, then every block up to the head. Returns the assets added or changed. */
  async poll(): Promise<string[]> {
    if (!this.options.nodeKey()) return []
    let cursor = await this.undoReorg(this.cursor())
    // Not getBlockNumber(): ethers serves it from a cache that lags behind the chain.
    const head = (await this.options.rpc.getBlock('latest'))?.number ?? -1
    if (cursor.next === AT_HEAD && head >= 0) {
      cursor = { ...cursor, next: head }
      this.options.settings.set(this.cursorKey, cursor)
    }
    const touched: string[] = []
    while (cursor.next <= head) {
      const to = Math.min(head, cursor.next + MAX_RANGE - 1)
      const logs = await this.options.rpc.getLogs({
        fromBlock: cursor.next,
        toBlock: to,
        topics: [this.topics],
      })
      logs.sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index)
      for (const log of logs) {
        const did = await this.apply(log, cursor)
        if (!did) continue
        touched.push(did)
        // The registry changed: remember the asset as ours now (the block is read again if this round fails).
        this.options.settings.set(this.cursorKey, cursor)
      }
      cursor = { ...cursor, next: to + 1, recent: await this.recentHashes(cursor.recent, to) }
      this.options.settings.set(this.cursorKey, cursor)
    }
    return touched
  }

  private async recentHashes(recent: IndexerCursor['recent'], to: number): Promise<IndexerCursor['recent']> {
    const depth = this.options.reorgDepth
    if (depth <= 0) return []
    const from = Math.max(0, to - depth + 1)
    const kept = recent.filter((r) => r.number >= from && r.number <= to)
    for (let n = from; n <= to; n += 1) {
      if (kept.some((r) => r.number === n)) continue
      const block = await this.options.rpc.getBlock(n)
      if (block?.hash) kept.push({ number: n, hash: block.hash })
    }
    return kept.sort((a, b) => a.number - b.number)
  }

  /** If a remembered block changed, drops what was indexed after the fork and rewinds the cursor. */
  private async undoReorg(cursor: IndexerCursor): Promise<IndexerCursor> {
    // Block hashes chain: if the newest remembered block is unchanged, so is every older one.
    const sameAsRemembered = async (r: { number: number; hash: string }) =>
      (await this.options.rpc.getBlock(r.number))?.hash === r.hash
    const newest = cursor.recent.at(-1)
    if (!newest || (await sameAsRemembered(newest))) return cursor
    let forkAt = cursor.recent[0]!.number
    for (let i = cursor.recent.length - 2; i >= 0; i -= 1)
      if (await sameAsRemembered(cursor.recent[i]!)) {
        forkAt = cursor.recent[i]!.number + 1
        break
      }
    const assets = { ...cursor.assets }
    let rescanFrom = forkAt
    for (const [did, mark] of Object.entries(cursor.assets)) {
      if (mark.lastBlock < forkAt) continue
      this.options.registry.remove(did)
      delete assets[did]
      rescanFrom = Math.min(rescanFrom, mark.createdBlock)
    }
    this.options.logger.warn('chain indexer: reorg', { forkAt, rescanFrom })
    const rewound = {
      next: rescanFrom,
      recent: cursor.recent.filter((r) => r.number < rescanFrom),
      assets,
    }
    this.options.settings.set(this.cursorKey, rewound)
    return rewound
  }

  private async oceanNft(address: string): Promise<boolean> {
    const key = address.toLowerCase()
    let known = this.isOceanNft.get(key)
    if (known === undefined) {
      try {
        const listed = (await this.factory.getFunction('erc721List')(address)) as string
        known = listed.toLowerCase() === key
      } catch {
        known = false
      }
      this.isOceanNft.set(key, known)
    }
    return known
  }

  /** Applies one event to the registry; the DID it added or changed, if any. */
  private async apply(log: Log, cursor: IndexerCursor): Promise<string | undefined> {
    if (!(await this.oceanNft(log.address))) return undefined
    const parsed = this.nft.parseLog({ topics: [...log.topics], data: log.data })
    if (!parsed) return undefined
    const nftAddress = getAddress(log.address)
    const did = didOf(nftAddress, this.options.chainId)
    const existing = this.options.registry.get(did, { includeUnfinished: true })
    const ours = cursor.assets[did]
    // The console's own asset: its publisher keeps it current.
    if (existing && !ours) return undefined
    if (parsed.name === 'MetadataState') {
      if (!ours) return undefined
      this.options.registry.setState(did, Number(parsed.args.state))
      cursor.assets[did] = { ...ours, lastBlock: log.blockNumber }
      return did
    }
    const key = this.options.nodeKey()
    if (!key) return undefined
    const flags = parseInt(String(parsed.args.flags).slice(2) || '0', 16)
    if (flags & FLAG_COMPRESSED) return undefined
    const keys = [key, ...(this.options.formerNodeKeys?.() ?? [])]
    const decrypt = (hexData: string): { text: string } | undefined => {
      for (const k of keys) {
        try {
          return { text: decryptWithNodeKey(k.privateKey, hexData) }
        } catch {
          // not this key
        }
      }
      return undefined
    }
    let text: string
    if (flags & FLAG_ENCRYPTED) {
      const opened = decrypt(String(parsed.args.data))
      if (!opened) return undefined // another node's DDO
      text = opened.text
    } else {
      text = Buffer.from(String(parsed.args.data).slice(2), 'hex').toString('utf8')
    }
    let ddo: Ddo
    try {
      ddo = JSON.parse(text) as Ddo
    } catch {
      return undefined
    }
    if (ddo?.id !== did || !Array.isArray(ddo.services)) return undefined
    const own = new Set(this.options.ownEndpoints().map(normalizedEndpoint).filter(Boolean))
    const services = ddo.services.filter((s) => own.has(normalizedEndpoint(String(s.serviceEndpoint))))
    if (services.length === 0) {
      // An update that moved the asset away from this node: forget it.
      if (ours) {
        this.options.registry.remove(did)
        delete cursor.assets[did]
      }
      return undefined
    }
    const files: Record<string, FileSource[]> = {}
    for (const service of services) {
      try {
        files[service.id] = toFileSources(JSON.parse(decrypt(service.files)?.text ?? ''))
      } catch {
        files[service.id] = []
      }
    }
    const nowMs = this.options.clock.nowMs()
    const record: AssetRecord = {
      did,
      kind: ddo.metadata?.type === 'algorithm' ? 'algorithm' : 'dataset',
      chainId: this.options.chainId,
      nftAddress,
      datatokenAddress: getAddress(services[0]!.datatokenAddress),
      state: Number(parsed.args.state),
      ddo,
      files,
      createdAtMs: existing?.createdAtMs ?? nowMs,
      updatedAtMs: nowMs,
      // createdBy / updatedBy: who called setMetaData; the first one found stays the publisher.
      publishedElsewhere: existing?.publishedElsewhere ?? { publisher: getAddress(String(parsed.args[0])) },
    }
    this.options.registry.upsert(record)
    cursor.assets[did] = { createdBlock: ours?.createdBlock ?? log.blockNumber, lastBlock: log.blockNumber }
    return did
  }
}
