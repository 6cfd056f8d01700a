/**
 * The publisher tool: puts the console's assets on chain the way Ocean's market does and keeps
 * the registry in step.
 *
 * publish: `ERC721Factory.createNftWithErc20` (NFT template 1, datatoken template 1 = ERC20Template,
 * deployed by Ocean on every chain) → DDO with files encrypted for the node key →
 * `setMetaData(state 0, providerUrl, nodeAddress, flags 0x02, ECIES(ddo), sha256(ddo))`.
 * edit: `setMetaData` again. setState: `setMetaDataState`. removeLocal: forget it here only.
 *
 * Every tx is recorded before it is broadcast (recorded-tx.ts), so `resumeUnfinished` can finish
 * or roll back a publish that a crash interrupted. Publishing layer: chain, store, logging only.
 */
import { randomUUID } from 'node:crypto'
import {
  Contract,
  Interface,
  JsonRpcProvider,
  ZeroAddress,
  getAddress,
  parseUnits,
  type BaseWallet,
  type TransactionReceipt,
} from 'ethers'
import type { Clock } from '../clock'
import type { Logger } from '../logging'
import { chainError } from '../chain/chain-errors'
import { loadAbi, type OceanAddresses } from '../chain/contracts'
import { pinnedTrustedAlgorithm } from './algorithm-checksums'
import {
  ASSET_STATE,
  isUnfinishedPublish,
  PENDING_PREFIX,
  type AssetRecord,
  type AssetRegistry,
  type PublishProgress,
} from './asset-registry'
import { buildDdo, ddoHash, makeDid, validateDdo, type AssetDraft, type Ddo } from './ddo'
import { encryptForNode } from './ddo-encryption'
import { publishingError } from './publishing-errors'
import { assertAssetOnChain } from './on-chain-presence'
import {
  sendRecordedTx,
  type ExpectedEffect,
  type OnPublishEvent,
  type RecordedTxContext,
} from './recorded-tx'

export interface PublisherOptions {
  registry: AssetRegistry
  clock: Clock
  logger: Logger
  chainId: number
  contracts: OceanAddresses
  /** The publisher's unlocked wallet, connected to the chain's RPC; undefined while locked. */
  signer: () => BaseWallet | undefined
  /** The Provider (node) key's public key and address: the DDO is encrypted for it. */
  nodePublicKey: string
  nodeAddress: string
  /** The Provider's public URL: every service's serviceEndpoint and the DDO's decryptor URL. */
  providerUrl: string
  /**
   * Datatoken template index, default 1 (ERC20Template). Not 2 (ERC20TemplateEnterprise, Ocean
   * Market's choice): its `createFixedRate` forces the exchange's allowedSwapper to the datatoken,
   * so only its own `buyFromFreAndOrder` can buy, and a consumer's ocean.js
   * `FixedRateExchange.buyDatatokens` (then `startOrder`, the flow the live card shows) reverts with
   * "FixedRateExchange: This address is not allowed to swap". ocean.js `orderAsset` handles both.
   */
  datatokenTemplateIndex?: number
  txTimeoutMs?: number
}

/**
 * Stores a dataset's allowed compute environments in its dataset policy (the console service's
 * setPolicy plus its audit entry). The publisher calls it once the DID is known (the NFT exists)
 * and before setMetaData is signed: a consumer must never find the DDO on chain while the policy
 * still admits every environment. It must be idempotent: a crash right after it runs applies it
 * again on resume.
 */
export type ApplyAllowedEnvironments = (did: string, environments: string[]) => void

export interface PublishOptions {
  /**
   * A dataset's allowed environments. On `publish` they are recorded in the publish progress with
   * the draft, before the first tx; on `resume` they replace the recorded ones (absent: the
   * recorded ones are used).
   */
  environments?: string[]
  /** Needed whenever the publish has environments to apply (else nothing is signed). */
  applyEnvironments?: ApplyAllowedEnvironments
}

/** spec: setMetaData flags bit 1 = the data is encrypted (Ocean's decryptor reads it back). */
export const METADATA_FLAGS_ENCRYPTED = '0x02'
const DATATOKEN_CAP = parseUnits('1000000', 18)

export class Publisher {
  private readonly nftAbi = new Interface(loadAbi('ERC721Template'))
  private readonly factoryAbi = new Interface(loadAbi('ERC721Factory'))

  constructor(private readonly options: PublisherOptions) {}

  /** setMetaData's receipt: MetadataCreated (first time) or MetadataUpdated from the NFT. */
  private metadataEffect(nftAddress: string): ExpectedEffect {
    return {
      label: 'a MetadataCreated or MetadataUpdated event from the data NFT',
      address: nftAddress,
      topics: [
        this.nftAbi.getEvent('MetadataCreated')!.topicHash,
        this.nftAbi.getEvent('MetadataUpdated')!.topicHash,
      ],
    }
  }

  private wallet(): BaseWallet {
    const w = this.options.signer()
    if (!w) throw chainError('WALLET_LOCKED', 'Unlock the publisher wallet before publishing')
    if (!w.provider)
      throw chainError('CHAIN_NOT_CONFIGURED', 'The publisher wallet is not connected to a chain')
    return w
  }

  private context(
    key: { current: string },
    progress: PublishProgress,
    onEvent: OnPublishEvent,
  ): RecordedTxContext {
    return {
      signer: this.wallet(),
      chainId: this.options.chainId,
      rpcUrlForErrors: rpcUrlOf(this.wallet()),
      progress,
      persist: (p) => this.options.registry.setPublishProgress(key.current, p),
      onEvent,
      logger: this.options.logger,
      waitTimeoutMs: this.options.txTimeoutMs ?? 120_000,
    }
  }

  /** Checks a draft without touching the chain: the DDO it would produce, with field messages. */
  validateDraft(draft: AssetDraft): Array<{ path: string; message: string }> {
    const placeholder = '0x0000000000000000000000000000000000000001'
    const ddo = buildDdo({
      draft,
      chainId: this.options.chainId,
      nftAddress: placeholder,
      datatokenAddress: placeholder,
      serviceEndpoint: this.options.providerUrl,
      encryptedFiles: '0x00',
      createdIso: new Date(this.options.clock.nowMs()).toISOString(),
    })
    // Trusted algorithms of this console without checksums get them pinned at publish time.
    const pinnable = (path: string) => {
      const m = /publisherTrustedAlgorithms\.(\d+)\.(filesChecksum|containerSectionChecksum)$/.exec(path)
      const entry = m ? draft.service.publisherTrustedAlgorithms?.[Number(m[1])] : undefined
      return (
        entry !== undefined &&
        !entry[m![2] as 'filesChecksum'] &&
        this.options.registry.get(entry.did)?.kind === 'algorithm'
      )
    }
    const issues = validateDdo(ddo).filter((i) => i.path !== 'id' && !pinnable(i.path))
    if (draft.service.files.length === 0)
      issues.push({ path: 'service.files', message: 'add at least one file' })
    return issues
  }

  /**
   * A publisher trusts algorithms by DID; the checksums that pin them (spec: filesChecksum,
   * containerSectionChecksum) are computed here from this console's own copy of each algorithm,
   * at publish time, so a later change to the algorithm is refused at compute time. Entries with
   * checksums given are kept as they are; unknown DIDs without checksums fail validation.
   */
  private async pinTrustedAlgorithms(draft: AssetDraft): Promise<AssetDraft> {
    const trusted = draft.service.publisherTrustedAlgorithms ?? []
    if (!trusted.some((t) => !t.filesChecksum || !t.containerSectionChecksum)) return draft
    const pinned = await Promise.all(
      trusted.map(async (entry) => {
        if (entry.filesChecksum && entry.containerSectionChecksum) return entry
        const algorithm = this.options.registry.get(entry.did)
        if (!algorithm || algorithm.kind !== 'algorithm') return entry
        return pinnedTrustedAlgorithm(algorithm)
      }),
    )
    return { ...draft, service: { ...draft.service, publisherTrustedAlgorithms: pinned } }
  }

  /**
   * Publishes a new asset; returns its registry record (live once this resolves). A dataset's
   * `options.environments` are kept in the publish progress and applied (options.applyEnvironments)
   * as soon as the NFT exists, before setMetaData.
   */
  async publish(
    input: AssetDraft,
    onEvent: OnPublishEvent = () => {},
    options: PublishOptions = {},
  ): Promise<AssetRecord> {
    const draft = await this.pinTrustedAlgorithms(input)
    const issues = this.validateDraft(draft)
    if (draft.kind !== 'dataset' && options.environments && options.environments.length > 0)
      issues.push({ path: 'environments', message: 'only a dataset has allowed environments' })
    if (issues.length > 0)
      throw publishingError(
        'ASSET_INVALID',
        `The asset is invalid: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
        { details: issues },
      )
    const environments = draft.kind === 'dataset' ? options.environments : undefined
    if (environments) requireApply(options, 'publish')
    this.wallet() // locked wallet → clear error before anything is written
    const nowMs = this.options.clock.nowMs()
    const key = { current: `${PENDING_PREFIX}${randomUUID()}` }
    const progress: PublishProgress = {
      op: 'publish',
      startedAtMs: nowMs,
      steps: {},
      done: false,
      draft,
      ...(environments ? { environments: [...environments] } : {}),
    }
    // Written before the first tx: a crash leaves a pending row that resumeUnfinished() picks up.
    this.options.registry.upsert({
      did: key.current,
      kind: draft.kind,
      chainId: this.options.chainId,
      nftAddress: '',
      datatokenAddress: '',
      state: ASSET_STATE.active,
      ddo: {} as Ddo,
      files: {},
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
      publish: progress,
    })
    return this.continuePublish(key, progress, onEvent, options.applyEnvironments)
  }

  /** True when `did` names a first publish that has not finished (a crash or a failure stopped it). */
  isUnfinishedPublish(did: string): boolean {
    const record = this.options.registry.get(did, { includeUnfinished: true })
    return record !== undefined && isUnfinishedPublish(record)
  }

  /**
   * Finishes one interrupted publish from its recorded progress (the recorded draft, not a new
   * one: its DDO may already be inside a signed setMetaData). Allowed environments given here
   * replace the recorded ones; without them the recorded ones are applied if they were not yet.
   */
  async resume(
    did: string,
    onEvent: OnPublishEvent = () => {},
    options: PublishOptions = {},
  ): Promise<AssetRecord> {
    const record = this.options.registry.get(did, { includeUnfinished: true })
    const progress = record?.publish
    if (!record || !progress || !isUnfinishedPublish(record))
      throw publishingError('PUBLISH_NOT_RESUMABLE', `${did} has no unfinished publish to resume`)
    if (record.chainId !== this.options.chainId)
      throw publishingError(
        'PUBLISH_NOT_RESUMABLE',
        `${did} is being published on chain ${record.chainId}, this publisher works on ${this.options.chainId}`,
      )
    this.wallet() // locked wallet → clear error before anything is written
    if (options.environments && record.kind === 'dataset') {
      progress.environments = [...options.environments]
      progress.environmentsApplied = false
      this.options.registry.setPublishProgress(did, progress) // the new choice first, then the resume
    }
    if (progress.environments && !progress.environmentsApplied) requireApply(options, 'resume')
    return this.continuePublish({ current: did }, progress, onEvent, options.applyEnvironments)
  }

  private async continuePublish(
    key: { current: string },
    progress: PublishProgress,
    onEvent: OnPublishEvent,
    applyEnvironments: ApplyAllowedEnvironments | undefined,
  ): Promise<AssetRecord> {
    const draft = progress.draft
    if (!draft)
      throw publishingError('PUBLISH_NOT_RESUMABLE', `The publish ${key.current} has no draft recorded`)
    const ctx = this.context(key, progress, onEvent)
    const publisher = ctx.signer.address
    try {
      const created = await sendRecordedTx(ctx, 'create', async () => {
        const factory = new Contract(this.options.contracts.ERC721Factory, this.factoryAbi, ctx.signer)
        return factory.getFunction('createNftWithErc20').populateTransaction(
          {
            name: draft.name.slice(0, 64),
            symbol: 'C2D-NFT',
            templateIndex: 1,
            tokenURI: '',
            transferable: true,
            owner: publisher,
          },
          {
            templateIndex: this.options.datatokenTemplateIndex ?? 1,
            strings: [`${draft.name.slice(0, 48)} DT`, 'C2D-DT'],
            addresses: [publisher, publisher, ZeroAddress, this.options.contracts.Ocean],
            uints: [DATATOKEN_CAP, 0n],
            bytess: [],
          },
        )
      })
      const { nftAddress, datatokenAddress } = this.parseCreated(created)
      const did = makeDid(nftAddress, this.options.chainId)
      const createdIso = new Date(progress.startedAtMs).toISOString()
      onEvent({ step: 'encrypt', status: 'started', did })
      const existing = this.options.registry.get(key.current, { includeUnfinished: true })
      // Resuming after the rekey: keep the DDO already stored. ECIES is randomised, so a rebuilt DDO
      // would differ from the one inside a recorded (maybe already broadcast) setMetaData tx.
      const { ddo, serviceId } =
        key.current === did && existing?.ddo.id === did
          ? { ddo: existing.ddo, serviceId: existing.ddo.services[0]!.id }
          : this.makeDdo(draft, nftAddress, datatokenAddress, createdIso, createdIso)
      const record: AssetRecord = {
        did,
        kind: draft.kind,
        chainId: this.options.chainId,
        nftAddress,
        datatokenAddress,
        state: ASSET_STATE.active,
        ddo,
        files: { [serviceId]: draft.service.files },
        createdAtMs: existing?.createdAtMs ?? progress.startedAtMs,
        updatedAtMs: this.options.clock.nowMs(),
        publish: progress,
      }
      if (key.current !== did) {
        this.options.registry.rekey(key.current, record)
        key.current = did
      }
      // The DID exists now and the DDO is not on chain yet: the allowed environments go into the
      // dataset policy first (write state before acting on it), then the flag, then setMetaData.
      if (progress.environments && !progress.environmentsApplied) {
        if (!applyEnvironments)
          throw publishingError(
            'PUBLISH_NOT_RESUMABLE',
            `The publish of ${did} has allowed environments to store and nothing to store them in`,
          )
        applyEnvironments(did, progress.environments)
        progress.environmentsApplied = true
        this.options.registry.setPublishProgress(did, progress)
      }
      await sendRecordedTx(
        ctx,
        'metadata',
        async () => this.setMetaDataTx(nftAddress, ASSET_STATE.active, ddo),
        this.metadataEffect(nftAddress),
      )
      progress.done = true
      record.publish = progress
      record.updatedAtMs = this.options.clock.nowMs()
      this.options.registry.upsert(record)
      onEvent({ step: 'registry', status: 'done', did })
      this.options.logger.info('asset published', { did, kind: draft.kind, nftAddress, datatokenAddress })
      return record
    } catch (error) {
      progress.error = error instanceof Error ? error.message : String(error)
      this.options.registry.setPublishProgress(key.current, progress)
      // Nothing reached the chain (the create tx reverted or was never mined): roll back locally.
      if (key.current.startsWith(PENDING_PREFIX) && progress.steps.create?.status === 'failed')
        this.options.registry.remove(key.current)
      throw error
    }
  }

  /**
   * The Provider moved (a new public URL): the same DDO with every service's serviceEndpoint set to
   * this publisher's providerUrl, put on chain with setMetaData. Already there: nothing is sent.
   */
  async republishEndpoint(did: string, onEvent: OnPublishEvent = () => {}): Promise<AssetRecord | undefined> {
    const current = this.requireAsset(did)
    const url = this.options.providerUrl
    if (current.ddo.services.every((s) => s.serviceEndpoint === url)) return undefined
    const ddo: Ddo = {
      ...current.ddo,
      metadata: { ...current.ddo.metadata, updated: new Date(this.options.clock.nowMs()).toISOString() },
      services: current.ddo.services.map((s) => ({ ...s, serviceEndpoint: url })),
    }
    return this.putMetadata(current, ddo, {}, onEvent)
  }

  /** Replaces an asset's DDO (same DID, datatoken and state) with a new draft: setMetaData again. */
  async edit(did: string, input: AssetDraft, onEvent: OnPublishEvent = () => {}): Promise<AssetRecord> {
    const current = this.requireAsset(did)
    const draft = await this.pinTrustedAlgorithms(input)
    if (draft.kind !== current.kind)
      throw publishingError('ASSET_INVALID', `An ${current.kind} cannot become a ${draft.kind}`)
    const issues = this.validateDraft(draft)
    if (issues.length > 0)
      throw publishingError(
        'ASSET_INVALID',
        `The asset is invalid: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
        { details: issues },
      )
    const serviceIdBefore = current.ddo.services[0]?.id
    const nowIso = new Date(this.options.clock.nowMs()).toISOString()
    const { ddo, serviceId } = this.makeDdo(
      { ...draft, service: { ...draft.service, serviceId: draft.service.serviceId ?? serviceIdBefore } },
      current.nftAddress,
      current.datatokenAddress,
      current.ddo.metadata.created,
      nowIso,
    )
    return this.putMetadata(current, ddo, { files: { [serviceId]: draft.service.files } }, onEvent)
  }

  /** An edit on chain: setMetaData with a new DDO for the same NFT and state, then the registry. */
  private async putMetadata(
    current: AssetRecord,
    ddo: Ddo,
    changes: Partial<Pick<AssetRecord, 'files'>>,
    onEvent: OnPublishEvent,
  ): Promise<AssetRecord> {
    const did = current.did
    await assertAssetOnChain(this.wallet().provider, current)
    const progress: PublishProgress = {
      op: 'edit',
      startedAtMs: this.options.clock.nowMs(),
      steps: {},
      done: false,
    }
    this.options.registry.setPublishProgress(did, progress)
    const ctx = this.context({ current: did }, progress, onEvent)
    await sendRecordedTx(
      ctx,
      'metadata',
      async () => this.setMetaDataTx(current.nftAddress, current.state, ddo),
      this.metadataEffect(current.nftAddress),
    )
    progress.done = true
    const record: AssetRecord = {
      ...current,
      ...changes,
      ddo,
      updatedAtMs: this.options.clock.nowMs(),
      publish: progress,
    }
    this.options.registry.upsert(record)
    onEvent({ step: 'registry', status: 'done', did })
    return record
  }

  /** Sets nft.state on chain (0 active, 2 deprecated, 3 revoked, …) and in the registry. */
  async setState(did: string, state: number, onEvent: OnPublishEvent = () => {}): Promise<AssetRecord> {
    if (!Object.values(ASSET_STATE).includes(state as never))
      throw publishingError('ASSET_INVALID', `Unknown asset state ${state} (0–5)`)
    const current = this.requireAsset(did)
    await assertAssetOnChain(this.wallet().provider, current)
    const progress: PublishProgress = {
      op: 'state',
      startedAtMs: this.options.clock.nowMs(),
      steps: {},
      done: false,
    }
    this.options.registry.setPublishProgress(did, progress)
    const ctx = this.context({ current: did }, progress, onEvent)
    await sendRecordedTx(
      ctx,
      'state',
      async () => ({
        to: current.nftAddress,
        data: this.nftAbi.encodeFunctionData('setMetaDataState', [state]),
      }),
      {
        label: `a MetadataState(${state}) event from the data NFT`,
        address: current.nftAddress,
        topics: [this.nftAbi.getEvent('MetadataState')!.topicHash],
        matches: (log) => this.nftAbi.parseLog(log)?.args.getValue('state') === BigInt(state),
      },
    )
    progress.done = true
    this.options.registry.setState(did, state)
    this.options.registry.setPublishProgress(did, progress)
    onEvent({ step: 'registry', status: 'done', did })
    return this.requireAsset(did)
  }

  /** Reads the asset's metadata state from its NFT (the chain's truth). */
  async readState(did: string): Promise<number> {
    const current = this.requireAsset(did)
    const nft = new Contract(current.nftAddress, this.nftAbi, this.wallet().provider)
    const [, , state] = (await nft.getFunction('getMetaData')()) as [string, string, bigint, boolean]
    return Number(state)
  }

  /** Forgets an asset in this console (the NFT stays on chain; revoke it first to stop orders). */
  removeLocal(did: string): void {
    this.options.registry.remove(did)
  }

  /**
   * Finishes (or rolls back) publishes and edits a crash interrupted. Returns what it did.
   * `applyEnvironments` stores the recorded allowed environments of a dataset not yet applied.
   */
  async resumeUnfinished(
    onEvent: OnPublishEvent = () => {},
    options: Pick<PublishOptions, 'applyEnvironments'> = {},
  ): Promise<
    Array<{ key: string; outcome: 'resumed' | 'rolled-back' | 'failed'; did?: string; error?: string }>
  > {
    const out: Array<{
      key: string
      outcome: 'resumed' | 'rolled-back' | 'failed'
      did?: string
      error?: string
    }> = []
    for (const record of this.options.registry.list({
      includeUnfinished: true,
      chainId: this.options.chainId,
    })) {
      const progress = record.publish
      if (!progress || !isUnfinishedPublish(record)) continue
      if (!progress.steps.create && record.did.startsWith(PENDING_PREFIX)) {
        // Crashed before the first tx was even signed: nothing on chain, drop the pending row.
        this.options.registry.remove(record.did)
        out.push({ key: record.did, outcome: 'rolled-back' })
        continue
      }
      try {
        const done = await this.continuePublish(
          { current: record.did },
          progress,
          onEvent,
          options.applyEnvironments,
        )
        out.push({ key: record.did, outcome: 'resumed', did: done.did })
      } catch (error) {
        const rolledBack = !this.options.registry.get(record.did, { includeUnfinished: true })
        out.push({
          key: record.did,
          outcome: rolledBack ? 'rolled-back' : 'failed',
          error: error instanceof Error ? error.message : String(error),
        })
      }
    }
    return out
  }

  private requireAsset(did: string): AssetRecord {
    const record = this.options.registry.get(did)
    if (!record) throw publishingError('ASSET_NOT_FOUND', `No published asset ${did} in this console`)
    if (record.chainId !== this.options.chainId)
      throw publishingError(
        'ASSET_INVALID',
        `${did} is on chain ${record.chainId}, this publisher works on ${this.options.chainId}`,
      )
    return record
  }

  private makeDdo(
    draft: AssetDraft,
    nftAddress: string,
    datatokenAddress: string,
    createdIso: string,
    updatedIso: string,
  ): { ddo: Ddo; serviceId: string } {
    // ocean.js encrypts {nftAddress, datatokenAddress, files} so the files are bound to this asset.
    const encryptedFiles = encryptForNode(
      this.options.nodePublicKey,
      JSON.stringify({ nftAddress, datatokenAddress, files: draft.service.files }),
    )
    const ddo = buildDdo({
      draft,
      chainId: this.options.chainId,
      nftAddress,
      datatokenAddress,
      serviceEndpoint: this.options.providerUrl,
      encryptedFiles,
      createdIso,
      updatedIso,
    })
    const issues = validateDdo(ddo)
    if (issues.length > 0)
      throw publishingError(
        'ASSET_INVALID',
        `The DDO is invalid: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
        { details: issues },
      )
    return { ddo, serviceId: ddo.services[0]!.id }
  }

  private setMetaDataTx(nftAddress: string, state: number, ddo: Ddo) {
    return {
      to: nftAddress,
      data: this.nftAbi.encodeFunctionData('setMetaData', [
        state,
        this.options.providerUrl,
        getAddress(this.options.nodeAddress),
        METADATA_FLAGS_ENCRYPTED,
        encryptForNode(this.options.nodePublicKey, JSON.stringify(ddo)),
        ddoHash(ddo),
        [],
      ]),
    }
  }

  private parseCreated(receipt: TransactionReceipt): { nftAddress: string; datatokenAddress: string } {
    let nftAddress: string | undefined
    let datatokenAddress: string | undefined
    for (const log of receipt.logs) {
      if (getAddress(log.address) !== getAddress(this.options.contracts.ERC721Factory)) continue
      const parsed = this.factoryAbi.parseLog(log)
      if (parsed?.name === 'NFTCreated')
        nftAddress = getAddress(parsed.args.getValue('newTokenAddress') as string)
      if (parsed?.name === 'TokenCreated')
        datatokenAddress = getAddress(parsed.args.getValue('newTokenAddress') as string)
    }
    if (!nftAddress || !datatokenAddress)
      throw chainError(
        'TRANSACTION_FAILED',
        `createNftWithErc20 ${receipt.hash} emitted no NFTCreated/TokenCreated`,
      )
    return { nftAddress, datatokenAddress }
  }
}

/** Allowed environments with nowhere to store them: refused before anything is signed. */
function requireApply(options: PublishOptions, what: 'publish' | 'resume'): void {
  if (!options.applyEnvironments)
    throw publishingError(
      what === 'publish' ? 'ASSET_INVALID' : 'PUBLISH_NOT_RESUMABLE',
      'Allowed environments need a dataset policy store, and this publisher has none',
    )
}

function rpcUrlOf(wallet: BaseWallet): string {
  return wallet.provider instanceof JsonRpcProvider ? wallet.provider._getConnection().url : ''
}
