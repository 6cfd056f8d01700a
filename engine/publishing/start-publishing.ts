/**
 * Builds the chain + publishing part of the engine for engine/index.ts in one call: the asset
 * registry, the publisher's wallet, the chain (the embedded dev chain when `config.chain.mode` is
 * "dev", else the configured RPC), the node key, and the publisher tool — plus the adapters the
 * console's ports expect (asset summaries, wallet status). Nothing here listens except the dev
 * chain's RPC on 127.0.0.1; the composition root still decides what is started and in which order.
 *
 * Publishing layer: chain, store, config types, logging. Never provider, operator-* or console-api
 * (the console's port shapes are matched structurally).
 */
import type { JsonRpcProvider, BaseWallet } from 'ethers'
import { Contract, Wallet, getAddress, parseUnits } from 'ethers'
import type { Clock } from '../clock'
import type { ConsoleConfig } from '../config/schema'
import type { Database } from '../store/database'
import type { Logger } from '../logging'
import { chainError } from '../chain/chain-errors'
import { loadAbi, resolveOceanAddresses, type OceanAddresses } from '../chain/contracts'
import { nativeSymbolFor } from '../chain/native-symbol'
import { startDevChain, type DevChain, type DevSamples } from '../chain/dev-chain/dev-chain'
import { checkChain, createRpcProvider, toChainError } from '../chain/rpc'
import { ServedChains, connectAdditionalChains } from '../chain/served-chains'
import { PublisherWallet, nodeKey, readBalances } from '../chain/wallet'
import { DEV_ACCOUNTS } from '../chain/dev-chain/dev-accounts'
import { createTokenInfoReader, type TokenInfo } from '../chain/token-info'
import { createNftOwnerLookup } from '../chain/nft-owner'
import { createPricingReader, type DispenserReading, type FixedRateReading } from '../chain/datatoken-prices'
import { draftFromRecord, toAssetDetails, type AssetChanges, type AssetDetails } from './asset-details'
import { AssetRegistry, PENDING_PREFIX, type AssetRecord } from './asset-registry'
import { DatatokenDistribution } from './datatoken-distribution'
import type { AssetDraft, TrustedAlgorithm } from './ddo'
import { pinnedTrustedAlgorithm } from './algorithm-checksums'
import { createDevSampleSeeder } from './dev-samples'
import { PresenceCache, missingContracts, notOnChainMessage } from './on-chain-presence'
import { Publisher, type PublishOptions } from './publish'
import { publishingError } from './publishing-errors'
import type { OnPublishEvent } from './recorded-tx'
import { confirmTrustedOnChain } from './trust-on-chain'
import {
  isUnfinishedPublish,
  PublishInFlight,
  toUnfinishedPublish,
  type UnfinishedPublish,
} from './unfinished-publishes'

/** The console's asset summary (console-api/contract.ts `assetSummarySchema`). */
export interface AssetSummary {
  did: string
  kind: 'dataset' | 'algorithm'
  name: string
  chainId: number
  nftAddress: string
  datatokenAddress: string
  state: number
  serviceIds: string[]
  createdAtMs: number
  updatedAtMs: number
  publishedElsewhere?: { publisher: string }
  notOnChain?: { missing: Array<'data NFT' | 'datatoken'>; message: string }
}

export function toAssetSummary(record: AssetRecord, presence?: PresenceCache): AssetSummary {
  const missing = presence?.missing(record)
  const notOnChain =
    missing && missing.length > 0
      ? { notOnChain: { missing, message: notOnChainMessage(record, missing) } }
      : {}
  return {
    did: record.did,
    kind: record.kind,
    name: record.ddo.metadata?.name ?? '',
    chainId: record.chainId,
    nftAddress: record.nftAddress,
    datatokenAddress: record.datatokenAddress,
    state: record.state,
    serviceIds: (record.ddo.services ?? []).map((s) => s.id),
    createdAtMs: record.createdAtMs,
    updatedAtMs: record.updatedAtMs,
    ...(record.publishedElsewhere
      ? { publishedElsewhere: { publisher: record.publishedElsewhere.publisher } }
      : {}),
    ...notOnChain,
  }
}

/** The console's balances (console-api/contract.ts `balancesSchema`): wei as decimal strings. */
export interface PublisherBalances {
  address: string
  chainId: number
  nativeWei: string
  /** chain.nativeSymbol, else the well-known default for the chain id (engine/chain/native-symbol.ts). */
  nativeSymbol: string
  oceanWei: string | null
  datatokens: Array<{
    did: string
    name: string
    datatokenAddress: string
    balanceWei: string
    unavailable?: string
  }>
  canPayGas: boolean
}

/** Native coin and OCEAN per served chain (contract.ts `getChainBalances`); a chain that failed has `error`. */
export interface PublisherChainBalances {
  address: string
  chains: Array<{
    chainId: number
    name: string
    primary: boolean
    nativeSymbol: string
    nativeWei: string | null
    oceanWei: string | null
    oceanToken: string | null
    error: { code?: string; message: string } | null
  }>
}

export interface ChainPublishing {
  chainId: number
  rpcUrl: string
  rpc: JsonRpcProvider
  contracts: OceanAddresses
  /**
   * Every chain served (Ocean Node's supportedNetworks): this one first, then `chain.additionalChains`.
   * Publishing from the console happens on this (the primary) chain only; the Provider serves all.
   */
  served: ServedChains
  registry: AssetRegistry
  wallet: PublisherWallet
  /** Present in dev mode. */
  devChain?: DevChain
  /** The Provider (node) key connected to the chain; undefined while the publisher wallet is locked (rpc mode). */
  nodeSigner(): BaseWallet | undefined
  /** Keys that signed for this node before (dev chain: the dev key once a wallet exists), decrypt only. */
  formerNodeKeys(): BaseWallet[]
  /** Dev chain with no publisher wallet yet: the node key is the throwaway dev provider key. */
  usesDevKey(): boolean
  /** The environments' paid tier: OCEAN on this chain. */
  feeToken: { chainId: number; feeToken: string }
  /** A served chain in words: the embedded dev chain, `chain <id>`, or its configured network name. */
  chainName(chainId: number): string
  /** Dev mode: publishes the samples now that the Provider's URL is known; writes dev-chain.json. */
  publishDevSamples(providerUrl: string): Promise<DevSamples | undefined>
  /**
   * Dev chain: tops the publisher wallet up from the dev deployer (ETH for gas + OCEAN), mined before
   * it resolves with the transfers' hashes; nothing to do (funded already, no wallet, a real chain): [].
   */
  fundPublisherWallet(): Promise<string[]>
  /** The publisher tool for a Provider URL (the DDOs' serviceEndpoint). */
  publisher(providerUrl: string): { publisher: Publisher; distribution: DatatokenDistribution }
  /**
   * The console's ConsoleAssetPort over the registry and the publisher. `providerUrl` may be a
   * getter: the serviceEndpoint can change at runtime (Settings → Network), and every later
   * publish must name the new one.
   */
  assetPort(
    providerUrl: string | (() => string),
    onEvent?: OnPublishEvent,
  ): {
    list(kind?: 'dataset' | 'algorithm'): AssetSummary[]
    /**
     * A new asset; with `existingDid`, the unfinished publish of that DID resumed from its recorded
     * progress (the recorded draft), else an edit of that live asset. A dataset's
     * `options.environments` go through `options.applyEnvironments` before any setMetaData: once
     * the NFT exists (publish, resume); after an edit, whose DDO is on chain already. A resume
     * without them applies the recorded ones if that had not happened yet.
     */
    publish(draft: AssetDraft, existingDid?: string, options?: PublishOptions): Promise<AssetSummary>
    /** First publishes not yet live, on any chain, oldest first (unfinished-publishes.ts). */
    listUnfinished(): UnfinishedPublish[]
    /**
     * Finishes the unfinished publish `id` (DID or pending key) from its recorded draft and
     * environments (Publisher.resume): recorded txs are looked up and re-sent, never signed twice.
     */
    resumeUnfinished(id: string, options?: PublishOptions): Promise<AssetSummary>
    /** Forgets the unfinished publish `id` here; an NFT it created stays on chain. */
    discardUnfinished(id: string): void
    /** The stored asset's public facts (no file URLs); undefined when this console has no such asset. */
    details(did: string): AssetDetails | undefined
    /** setMetaData again: the stored DDO with `changes`, files as published, new trusted algorithms pinned. */
    edit(did: string, changes: AssetChanges): Promise<AssetDetails>
    /**
     * The approval inbox's approval on chain: the dataset's DDO with `entry` in its compute
     * service's trusted algorithms, through `edit` (setMetaData, progress events), then confirmed
     * on the mined receipt (MetadataUpdated with a DDO that trusts it, trust-on-chain.ts).
     */
    trustAlgorithm(
      did: string,
      serviceId: string,
      entry: TrustedAlgorithm,
      /** Told the setMetaData tx hash once it is sent. */
      onTx?: (txHash: string) => void,
    ): Promise<{ details: AssetDetails; txHash: string; blockNumber: number }>
    /** ERC-20 symbol and decimals, cached per token. */
    tokenInfo(token: string): Promise<TokenInfo>
    /**
     * The checksums a dataset trusting this console's algorithm `did` by DID gets pinned when it is
     * published (the same computation as publish, pinnedTrustedAlgorithm), before anything is signed.
     */
    trustedAlgorithm(did: string): Promise<TrustedAlgorithm>
    remove(did: string): void
    /** setMetaDataState on the NFT; resolves once mined, with the tx hash. */
    setState(did: string, state: number): Promise<{ asset: AssetSummary; txHash: string }>
    /** nft.getMetaData().state, read from chain. */
    readState(did: string): Promise<number>
    /** Amounts are decimal token strings (18 decimals), parsed here, never floats. */
    mint(did: string, to: string, amount: string): Promise<string>
    createDispenser(did: string, limits: { maxTokens: string; maxBalance: string }): Promise<string>
    createFixedRate(did: string, price: { price: string; baseToken?: string }): Promise<string>
    /** Every fixed rate and dispenser of the asset's datatoken, active or not, read now (no key needed). */
    prices(did: string): Promise<{
      did: string
      datatokenAddress: string
      fixedRates: FixedRateReading[]
      dispensers: DispenserReading[]
    }>
    /** The publishing account's native, OCEAN and datatoken balances (wrong chain / unreachable RPC → C2dError). */
    balances(): Promise<PublisherBalances>
    /** Native coin and OCEAN of the same account on every served chain, each chain read on its own. */
    chainBalances(): Promise<PublisherChainBalances>
    /** Every publish step of every operation on this port, as it happens. */
    onPublishProgress(listener: OnPublishEvent): () => void
    /**
     * Re-publishes (setMetaData) every asset whose DDO names another serviceEndpoint than this
     * port's providerUrl, one after the other, with the usual progress events. Returns the DIDs done.
     */
    republishEndpoints(): Promise<string[]>
  }
  stop(): Promise<void>
}

export interface StartChainPublishingOptions {
  config: ConsoleConfig
  db: Database
  logger: Logger
  clock: Clock
  /** `walletPassword` unlocks the publisher's keystore at start (never stored in config). */
  secrets?: Record<string, string>
}

export async function startChainPublishing(options: StartChainPublishingOptions): Promise<ChainPublishing> {
  const { config, logger, clock } = options
  const registry = new AssetRegistry(options.db, clock)
  const wallet = new PublisherWallet({
    dataDir: config.dataDir,
    logger: logger.child({ component: 'wallet' }),
  })
  const password = options.secrets?.walletPassword
  if (password && wallet.exists()) {
    await wallet.unlock(password).catch((error: unknown) =>
      logger.warn('publisher wallet stays locked', {
        error: error instanceof Error ? error.message : String(error),
      }),
    )
  }

  let devChain: DevChain | undefined
  let rpc: JsonRpcProvider
  let chainId: number
  let rpcUrl: string
  let contracts: OceanAddresses
  if (config.chain.mode === 'dev') {
    const publisherAddress = wallet.address()
    devChain = await startDevChain({
      dataDir: config.dataDir,
      port: config.chain.devChainPort,
      logger,
      fundAddresses: publisherAddress ? [publisherAddress] : [],
      unlockedAccounts: config.chain.devChainUnlockedAccounts,
    })
    ;({ rpc, chainId, rpcUrl, contracts } = devChain)
  } else {
    if (!config.chain.rpcUrl || !config.chain.chainId)
      throw chainError('CHAIN_NOT_CONFIGURED', 'chain.mode "rpc" needs chain.rpcUrl and chain.chainId')
    chainId = config.chain.chainId
    rpcUrl = config.chain.rpcUrl
    const endpoint = {
      chainId,
      rpcUrl,
      fallbackRpcUrls: config.chain.fallbackRpcUrls,
      timeoutMs: config.chain.rpcTimeoutMs,
    }
    rpc = createRpcProvider(endpoint, { logger })
    contracts = resolveOceanAddresses(chainId, { overrides: config.chain.contracts })
    // A dead RPC must not stop the console from starting: jobs, the UI and free compute still work.
    await checkChain(rpc, endpoint).catch((error: unknown) =>
      logger.warn('chain check failed at start', {
        chainId,
        error: error instanceof Error ? error.message : String(error),
      }),
    )
  }

  // Ocean Node's supportedNetworks: the other chains whose assets, orders and escrow are served.
  const additional = await connectAdditionalChains(config.chain, chainId, logger).catch(
    async (error: unknown) => {
      if (devChain) await devChain.stop()
      else rpc.destroy()
      throw error
    },
  )
  const served = new ServedChains([
    {
      chainId,
      network: devChain ? 'development' : String(chainId),
      rpcUrl,
      rpc,
      contracts,
      feeToken: contracts.Ocean,
    },
    ...additional,
  ])

  const chainName = (id: number): string =>
    id === chainId
      ? devChain
        ? 'Ocean dev chain (embedded)'
        : `chain ${chainId}`
      : (served.get(id)?.network ?? `chain ${id}`)

  // One address everywhere (issue 11): the publisher wallet signs every publish, on the dev chain
  // too, so an asset's NFT owner is the address Settings and the status bar show. The dev deployer
  // only funds that wallet (ETH for gas + OCEAN) and still signs for what it owns: the dev samples.
  const deployer = devChain ? new Wallet(devChain.accounts.deployer.privateKey, rpc) : undefined
  const walletSigner = (): BaseWallet | undefined => wallet.signer(rpc)
  const nftOwnerOf = createNftOwnerLookup(rpc)
  /** Who signs for an existing asset: its NFT owner when that is the dev deployer, else the wallet. */
  const signerFor = async (did: string): Promise<() => BaseWallet | undefined> => {
    const record = deployer ? registry.get(did) : undefined
    if (!deployer || !record) return walletSigner
    const owner = await nftOwnerOf(record.nftAddress)
    return owner === deployer.address.toLowerCase() ? () => deployer : walletSigner
  }
  // Built once per unlocked key: a Wallet derives its address (an EC multiplication, ~0.7 ms), and
  // `GET /` and computeEnvironments ask for the node key on every request (issue 14 bench).
  // One address everywhere (issue 11): the publisher wallet is the Provider key in every mode. Only
  // on the dev chain, while no wallet exists yet, the throwaway dev provider key stands in for it
  // (the status bar labels it "dev key"); a locked wallet means no node key, as on an RPC chain.
  let cachedNode: { key: BaseWallet | 'dev'; signer: BaseWallet } | undefined
  const usesDevKey = (): boolean => devChain !== undefined && !wallet.exists()
  const nodeSigner = (): BaseWallet | undefined => {
    const key = usesDevKey() ? 'dev' : wallet.signer()
    if (!key) {
      cachedNode = undefined
      return undefined
    }
    if (cachedNode?.key !== key) {
      const signer = nodeKey(usesDevKey() ? 'dev' : 'rpc', wallet, rpc)
      if (!signer) return undefined
      cachedNode = { key, signer }
    }
    return cachedNode.signer
  }
  // Decrypt-only: DDOs encrypted for the dev key before a wallet took over (the dev samples, assets
  // published by ocean.js against the earlier key) stay readable by the chain indexer.
  const formerNodeKeys = (): BaseWallet[] =>
    devChain && !usesDevKey() ? [new Wallet(DEV_ACCOUNTS.provider.privateKey)] : []

  const makePublisher = (
    providerUrl: string,
    publishingSigner: () => BaseWallet | undefined = walletSigner,
  ) => {
    const node = nodeSigner()
    if (!node)
      throw chainError(
        'WALLET_LOCKED',
        'Unlock the publisher wallet: it is also the Provider key that DDOs are encrypted for',
      )
    const common = {
      registry,
      clock,
      logger: logger.child({ component: 'publishing' }),
      chainId,
      contracts,
      signer: publishingSigner,
    }
    return {
      publisher: new Publisher({
        ...common,
        nodePublicKey: node.signingKey.publicKey,
        nodeAddress: node.address,
        providerUrl,
      }),
      distribution: new DatatokenDistribution(common),
    }
  }

  const inFlight = new PublishInFlight()
  let queue: Promise<unknown> = Promise.resolve()
  // One signing operation at a time: each tx takes the account's next nonce when it is signed.
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work)
    queue = run.catch(() => undefined)
    return run
  }
  const fundPublisher = async (): Promise<string[]> => {
    const address = wallet.address()
    if (!devChain || !address) return []
    return devChain.fund(address)
  }
  const tokenInfo = createTokenInfoReader(rpc, { chainId, rpcUrl })
  const pricingOf = createPricingReader(rpc)
  // Issue 11: which assets the chain in use still has (a redeployed dev chain has none published by hand).
  const presence = new PresenceCache({
    provider: () => rpc,
    clock,
    logger: logger.child({ component: 'asset-presence' }),
  })
  /** An action on an asset: refuse one the chain does not have (ASSET_NOT_ON_CHAIN), and remember. */
  const requireOnChain = async (did: string): Promise<void> => {
    const record = registry.get(did)
    if (!record) return
    const missing = await missingContracts(rpc, record).catch(() => undefined)
    if (!missing) return // the RPC failed: the action itself reports it
    presence.record(record, missing)
    if (missing.length > 0)
      throw publishingError('ASSET_NOT_ON_CHAIN', notOnChainMessage(record, missing), {
        details: { did, chainId: record.chainId, missing },
      })
  }
  return {
    chainId,
    rpcUrl,
    rpc,
    contracts,
    served,
    registry,
    wallet,
    devChain,
    nodeSigner,
    formerNodeKeys,
    usesDevKey,
    feeToken: { chainId, feeToken: contracts.Ocean },
    chainName,
    async publishDevSamples(providerUrl) {
      if (!devChain) return undefined
      const samples = await devChain.publishSamples(createDevSampleSeeder({ registry, clock }), providerUrl)
      // Checked again now that the samples are back on the redeployed chain (an earlier check saw none).
      await presence.checkAll(registry.list({}))
      return samples
    },
    fundPublisherWallet: () => serial(fundPublisher),
    publisher: makePublisher,
    assetPort(providerUrlOrGetter, onEvent) {
      const endpoint =
        typeof providerUrlOrGetter === 'function' ? providerUrlOrGetter : () => providerUrlOrGetter
      const listeners = new Set<OnPublishEvent>()
      const emit: OnPublishEvent = (event) => {
        onEvent?.(event)
        for (const listener of listeners) listener(event)
      }
      // Checked at start: the summaries say which assets the chain in use no longer has.
      void presence.checkAll(registry.list({}))
      /**
       * A publish's progress: the DID exists once the NFT does (first told by the "encrypt" event),
       * later steps carry it; `key` is a DID known ahead (a resume or an edit), never a pending key.
       */
      const tracker = (key: string | undefined): OnPublishEvent => {
        let did = key?.startsWith(PENDING_PREFIX) ? undefined : key
        return (event) => {
          did = event.did ?? did
          inFlight.learn(did)
          emit(did ? { ...event, did } : event)
        }
      }
      const unfinishedKeys = () =>
        registry
          .list({ includeUnfinished: true })
          .filter(isUnfinishedPublish)
          .map((r) => r.did)
      // Distribution events carry no DID of their own; the UI needs it to place the progress.
      const forAsset =
        (did: string): OnPublishEvent =>
        (event) =>
          emit({ ...event, did: event.did ?? did })
      return {
        list: (kind) => registry.list(kind ? { kind } : {}).map((record) => toAssetSummary(record, presence)),
        publish(draft, existingDid, options = {}) {
          return serial(async () => {
            const { publisher } = makePublisher(
              endpoint(),
              existingDid ? await signerFor(existingDid) : walletSigner,
            )
            const resuming = existingDid !== undefined && publisher.isUnfinishedPublish(existingDid)
            // A wallet created after the dev chain started holds no coin there yet.
            if (!existingDid && walletSigner()) await fundPublisher()
            const track = tracker(existingDid)
            const mark = existingDid ? { keys: [existingDid] } : { before: unfinishedKeys() }
            return inFlight.run(mark, async () => {
              if (!existingDid)
                return toAssetSummary(await publisher.publish(draft, track, options), presence)
              if (resuming)
                return toAssetSummary(await publisher.resume(existingDid, track, options), presence)
              // An edit of a live asset (its DDO is on chain already): an edit that fails changes nothing.
              const edited = await publisher.edit(existingDid, draft, track)
              if (options.environments && edited.kind === 'dataset')
                options.applyEnvironments?.(existingDid, options.environments)
              return toAssetSummary(edited, presence)
            })
          })
        },
        listUnfinished: () =>
          registry
            .list({ includeUnfinished: true })
            .filter(isUnfinishedPublish)
            .sort((a, b) => a.publish!.startedAtMs - b.publish!.startedAtMs)
            .map((record) => toUnfinishedPublish(record, { chainId, inProgress: inFlight.has(record.did) })),
        resumeUnfinished(id, options = {}) {
          return serial(async () => {
            const { publisher } = makePublisher(endpoint(), walletSigner)
            // Stopped before the NFT was mined: the create tx may be signed afresh, so gas is needed.
            const record = registry.get(id, { includeUnfinished: true })
            if (record?.publish?.steps.create?.status !== 'mined' && walletSigner()) await fundPublisher()
            return inFlight.run({ keys: [id] }, async () =>
              toAssetSummary(await publisher.resume(id, tracker(id), options), presence),
            )
          })
        },
        discardUnfinished(id) {
          const record = registry.get(id, { includeUnfinished: true })
          if (!record || !isUnfinishedPublish(record))
            throw publishingError('ASSET_NOT_FOUND', `No unfinished publish ${id} in this console`)
          // Only the local row: the chain keeps whatever was mined (an NFT with no DDO serves nobody).
          registry.remove(id)
          logger.info('unfinished publish discarded', {
            id,
            stoppedAt: toUnfinishedPublish(record, { chainId, inProgress: false }).stoppedAt,
          })
        },
        details(did) {
          const record = registry.get(did)
          return record ? toAssetDetails(record, presence) : undefined
        },
        edit(did, changes) {
          return serial(async () => {
            const record = registry.get(did)
            if (!record) throw publishingError('ASSET_NOT_FOUND', `No published asset ${did} in this console`)
            await requireOnChain(did)
            const { publisher } = makePublisher(endpoint(), await signerFor(did))
            return toAssetDetails(
              await publisher.edit(did, draftFromRecord(record, changes), forAsset(did)),
              presence,
            )
          })
        },
        trustAlgorithm(did, serviceId, entry, onTx) {
          return serial(async () => {
            const record = registry.get(did)
            if (!record || record.kind !== 'dataset')
              throw publishingError('ASSET_NOT_FOUND', `No published dataset ${did} in this console`)
            if (record.ddo.services[0]?.id !== serviceId)
              throw publishingError(
                'ASSET_INVALID',
                `Service ${serviceId} is not the compute service of ${did} any more`,
              )
            const key = nodeSigner()
            if (!key) throw chainError('WALLET_LOCKED', 'Unlock the provider wallet to approve on chain')
            // As every edit: signed by the NFT's owner (the dev deployer for the dev samples).
            const { publisher } = makePublisher(endpoint(), await signerFor(did))
            const emitForAsset = forAsset(did)
            const edited = await publisher.edit(
              did,
              draftFromRecord(record, { trustAlgorithm: entry }),
              (event) => {
                if (event.step === 'metadata' && event.status === 'sent' && event.txHash) onTx?.(event.txHash)
                emitForAsset(event)
              },
            )
            const txHash = edited.publish?.steps.metadata?.hash
            if (!txHash) throw publishingError('TRUST_NOT_CONFIRMED', 'The edit recorded no setMetaData tx')
            const { blockNumber } = await confirmTrustedOnChain({
              rpc,
              txHash,
              nftAddress: record.nftAddress,
              serviceId,
              entry,
              nodeKey: key,
            })
            return { details: toAssetDetails(edited, presence), txHash, blockNumber }
          })
        },
        tokenInfo,
        async trustedAlgorithm(did) {
          const record = registry.get(did)
          if (!record || record.kind !== 'algorithm')
            throw publishingError('ASSET_NOT_FOUND', `No algorithm ${did} in this console`)
          return pinnedTrustedAlgorithm(record)
        },
        remove: (did) => registry.remove(did),
        async republishEndpoints() {
          const done: string[] = []
          for (const asset of registry.list()) {
            const record = await serial(async () =>
              makePublisher(endpoint(), await signerFor(asset.did)).publisher.republishEndpoint(
                asset.did,
                forAsset(asset.did),
              ),
            )
            if (record) done.push(asset.did)
          }
          return done
        },
        setState(did, state) {
          return serial(async () => {
            await requireOnChain(did)
            const { publisher } = makePublisher(endpoint(), await signerFor(did))
            let txHash = ''
            const record = await publisher.setState(did, state, (event) => {
              if (event.step === 'state' && event.txHash) txHash = event.txHash
              forAsset(did)(event)
            })
            return { asset: toAssetSummary(record, presence), txHash }
          })
        },
        // A read needs no key: it works while the wallet is locked (rpc mode), unlike Publisher.readState.
        async readState(did) {
          const record = registry.get(did)
          if (!record) throw publishingError('ASSET_NOT_FOUND', `No published asset ${did} in this console`)
          try {
            const [, , state] = (await new Contract(
              record.nftAddress,
              loadAbi('ERC721Template'),
              rpc,
            ).getFunction('getMetaData')()) as [string, string, bigint, boolean]
            return Number(state)
          } catch (error) {
            throw toChainError(error, { chainId, rpcUrl })
          }
        },
        mint(did, to, amount) {
          return serial(async () => {
            await requireOnChain(did)
            return makePublisher(endpoint(), await signerFor(did)).distribution.mint(
              did,
              to,
              parseUnits(amount, 18),
              forAsset(did),
            )
          })
        },
        createDispenser(did, limits) {
          return serial(async () => {
            await requireOnChain(did)
            return makePublisher(endpoint(), await signerFor(did)).distribution.createDispenser(
              did,
              limits,
              forAsset(did),
            )
          })
        },
        createFixedRate(did, price) {
          return serial(async () => {
            await requireOnChain(did)
            return makePublisher(endpoint(), await signerFor(did)).distribution.createFixedRate(
              did,
              price,
              forAsset(did),
            )
          })
        },
        async prices(did) {
          const record = registry.get(did)
          if (!record) throw publishingError('ASSET_NOT_FOUND', `No published asset ${did} in this console`)
          // A datatoken without code (chain redeployed) answers nothing to read: say so, not "no price".
          await requireOnChain(did)
          try {
            const pricing = await pricingOf(record.datatokenAddress)
            return { did, datatokenAddress: getAddress(record.datatokenAddress), ...pricing }
          } catch (error) {
            throw toChainError(error, { chainId, rpcUrl })
          }
        },
        async balances() {
          // One address everywhere (issue 11): the publisher wallet, which signs and pays the gas; on
          // the dev chain before a wallet exists, the dev provider key (it earns the provider fees).
          const address = wallet.address() ?? (usesDevKey() ? nodeSigner()?.address : undefined)
          if (!address) throw chainError('WALLET_NOT_FOUND', 'Create or import the publisher wallet first')
          const endpoint = { chainId, rpcUrl, timeoutMs: config.chain.rpcTimeoutMs }
          // Wrong chain and dead RPC are told apart before any balance is read (CHAIN_ID_MISMATCH / CHAIN_UNAVAILABLE).
          await checkChain(rpc, endpoint)
          const assets = registry.list({})
          // A datatoken without code (dev chain redeployed) would fail balanceOf: told per token instead.
          const unavailable = new Map<string, string>()
          await Promise.all(
            assets
              .filter((a) => a.datatokenAddress)
              .map(async (a) => {
                const missing = await missingContracts(rpc, a)
                presence.record(a, missing)
                if (missing.includes('datatoken'))
                  unavailable.set(
                    a.did,
                    `Not on chain ${chainId}: the datatoken has no code here (the chain was reset or replaced). Publish the asset again.`,
                  )
              }),
          ).catch((error: unknown) => {
            throw toChainError(error, endpoint)
          })
          const read = await readBalances(rpc, endpoint, address, {
            ocean: contracts.Ocean,
            datatokens: assets
              .filter((a) => a.datatokenAddress && !unavailable.has(a.did))
              .map((a) => a.datatokenAddress),
          })
          return {
            address: read.address,
            chainId,
            nativeWei: read.nativeWei.toString(),
            nativeSymbol: nativeSymbolFor(config.chain, chainId, chainId),
            oceanWei: read.oceanWei === undefined ? null : read.oceanWei.toString(),
            datatokens: assets
              .filter((a) => a.datatokenAddress)
              .map((a) => ({
                did: a.did,
                name: a.ddo.metadata?.name ?? '',
                datatokenAddress: a.datatokenAddress,
                balanceWei: (read.datatokensWei[getAddress(a.datatokenAddress)] ?? 0n).toString(),
                ...(unavailable.has(a.did) ? { unavailable: unavailable.get(a.did) } : {}),
              })),
            canPayGas: read.nativeWei > 0n,
          }
        },
        async chainBalances() {
          // The same account as balances(): the publisher wallet (dev chain before one exists: the dev key).
          const address = wallet.address() ?? (usesDevKey() ? nodeSigner()?.address : undefined)
          if (!address) throw chainError('WALLET_NOT_FOUND', 'Create or import the publisher wallet first')
          // Each chain on its own: one chain's dead RPC is told in its row, the others still answer.
          const chains = await Promise.all(
            served.all.map(async (c) => {
              const endpoint = { chainId: c.chainId, rpcUrl: c.rpcUrl, timeoutMs: config.chain.rpcTimeoutMs }
              const row = {
                chainId: c.chainId,
                name: chainName(c.chainId),
                primary: c.chainId === chainId,
                nativeSymbol: nativeSymbolFor(config.chain, c.chainId, chainId),
                oceanToken: c.contracts.Ocean ? getAddress(c.contracts.Ocean) : null,
              }
              try {
                await checkChain(c.rpc, endpoint)
                const read = await readBalances(c.rpc, endpoint, address, { ocean: c.contracts.Ocean })
                const oceanWei = read.oceanWei === undefined ? null : read.oceanWei.toString()
                return { ...row, nativeWei: read.nativeWei.toString(), oceanWei, error: null }
              } catch (error) {
                const code = (error as { code?: unknown }).code
                return {
                  ...row,
                  nativeWei: null,
                  oceanWei: null,
                  error: {
                    ...(typeof code === 'string' ? { code } : {}),
                    message: error instanceof Error ? error.message : String(error),
                  },
                }
              }
            }),
          )
          return { address: getAddress(address), chains }
        },
        onPublishProgress(listener) {
          listeners.add(listener)
          return () => listeners.delete(listener)
        },
      }
    },
    async stop() {
      for (const extra of additional) extra.rpc.destroy()
      if (devChain) await devChain.stop()
      else rpc.destroy()
    },
  }
}
