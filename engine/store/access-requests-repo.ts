/**
 * The approval inbox (issue 12, migration 003): refused algorithm requests, collapsed per dataset,
 * service, algorithm and checksums, and the node-only approvals (off-chain policies) the Provider
 * enforces. Addresses are stored lowercased.
 */
import { randomUUID } from 'node:crypto'
import type { Database } from './database'

export type AccessRequestStatus = 'pending' | 'approved' | 'denied'

/** What identifies an algorithm on a dataset's compute service, checksums included. */
export interface AlgorithmOnService {
  datasetDid: string
  serviceId: string
  /** The algorithm DID, or `raw:<sha256>` for raw code. */
  algorithmKey: string
  algorithmDid?: string
  rawCodeHash?: string
  container: { image?: string; tag?: string; checksum?: string; entrypoint?: string }
  containerChecksum: string
  filesChecksum: string | null
  /** Raw code as sent (stored with the request for the inbox; not part of its identity). */
  rawCode?: string
}

export interface AccessRequest extends AlgorithmOnService {
  id: string
  reason: string
  status: AccessRequestStatus
  denyReason: string | null
  /** The setMetaData tx of an approval on chain; null when not approved on chain. */
  approvedTx: string | null
  /** The latest approval on chain not (yet) confirmed: in progress, or dropped with its reason. */
  onChain: OnChainAttempt | null
  createdAtMs: number
  updatedAtMs: number
  consumers: Array<{ consumer: string; attempts: number; lastAtMs: number }>
  policies: AlgorithmPolicy[]
}

/**
 * An approval on chain, recorded before its setMetaData is sent (migration 007). `approving`: sent
 * or about to be (a restart confirms it from the chain); `not-landed`: a restart found no such tx
 * on chain, the request is pending again and `reason` says why.
 */
export interface OnChainAttempt {
  state: 'approving' | 'not-landed'
  entry: { did: string; filesChecksum: string; containerSectionChecksum: string }
  startedAtMs: number
  txHash: string | null
  reason: string | null
}

export interface AlgorithmPolicy {
  id: string
  requestId: string
  consumer: string | null
  untilMs: number | null
  createdAtMs: number
}

interface RequestRow {
  id: string
  dataset_did: string
  service_id: string
  algorithm_key: string
  algorithm_did: string | null
  raw_code_hash: string | null
  container_json: string
  container_checksum: string
  files_checksum: string | null
  reason: string
  status: AccessRequestStatus
  deny_reason: string | null
  approved_tx: string | null
  on_chain_json: string | null
  raw_code: string | null
  created_at_ms: number
  updated_at_ms: number
}
interface PolicyRow {
  id: string
  request_id: string
  consumer_lc: string | null
  until_ms: number | null
  created_at_ms: number
}

const toPolicy = (p: PolicyRow): AlgorithmPolicy => ({
  id: p.id,
  requestId: p.request_id,
  consumer: p.consumer_lc,
  untilMs: p.until_ms,
  createdAtMs: p.created_at_ms,
})

export class AccessRequestsRepo {
  constructor(private readonly db: Database) {}

  private find(a: AlgorithmOnService): RequestRow | undefined {
    // `IS` so a NULL files checksum matches NULL (UNIQUE treats NULLs as distinct; this lookup does not).
    return this.db
      .prepare(
        'SELECT * FROM access_requests WHERE dataset_did = ? AND service_id = ? AND algorithm_key = ? ' +
          'AND container_checksum = ? AND files_checksum IS ?',
      )
      .get(a.datasetDid, a.serviceId, a.algorithmKey, a.containerChecksum, a.filesChecksum) as
      RequestRow | undefined
  }

  /** Records one refused attempt: the same algorithm on the same service collapses into one request. */
  recordAttempt(a: AlgorithmOnService, consumer: string, reason: string, nowMs: number): AccessRequest {
    const id = this.db.transaction(() => {
      let row = this.find(a)
      if (!row) {
        const newId = randomUUID().replaceAll('-', '').slice(0, 16)
        this.db
          .prepare(
            'INSERT INTO access_requests (id, dataset_did, service_id, algorithm_key, algorithm_did, raw_code_hash, ' +
              'container_json, container_checksum, files_checksum, reason, status, created_at_ms, updated_at_ms, raw_code) ' +
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
          )
          .run(
            newId,
            a.datasetDid,
            a.serviceId,
            a.algorithmKey,
            a.algorithmDid ?? null,
            a.rawCodeHash ?? null,
            JSON.stringify(a.container),
            a.containerChecksum,
            a.filesChecksum,
            reason,
            nowMs,
            nowMs,
            a.rawCode ?? null,
          )
        row = this.find(a)!
      }
      this.db
        .prepare(
          'INSERT INTO access_request_consumers (request_id, consumer_lc, attempts, last_at_ms) VALUES (?, ?, 1, ?) ' +
            'ON CONFLICT(request_id, consumer_lc) DO UPDATE SET attempts = attempts + 1, last_at_ms = excluded.last_at_ms',
        )
        .run(row.id, consumer.toLowerCase(), nowMs)
      return row.id
    })()
    return this.get(id)!
  }

  /** The node-only approval that lets `consumer` run this algorithm now, if any. */
  allowingPolicy(a: AlgorithmOnService, consumer: string, nowMs: number): AlgorithmPolicy | undefined {
    const row = this.db
      .prepare(
        'SELECT id, request_id, consumer_lc, until_ms, created_at_ms FROM algorithm_policies ' +
          'WHERE dataset_did = ? AND service_id = ? AND algorithm_key = ? AND container_checksum = ? ' +
          'AND files_checksum IS ? AND (consumer_lc IS NULL OR consumer_lc = ?) AND (until_ms IS NULL OR until_ms > ?) ' +
          'LIMIT 1',
      )
      .get(
        a.datasetDid,
        a.serviceId,
        a.algorithmKey,
        a.containerChecksum,
        a.filesChecksum,
        consumer.toLowerCase(),
        nowMs,
      ) as PolicyRow | undefined
    return row ? toPolicy(row) : undefined
  }

  get(id: string): AccessRequest | undefined {
    const row = this.db.prepare('SELECT * FROM access_requests WHERE id = ?').get(id) as
      RequestRow | undefined
    return row ? this.hydrate(row) : undefined
  }

  list(filter: { status?: AccessRequestStatus; datasetDid?: string } = {}): AccessRequest[] {
    const rows = this.db
      .prepare(
        'SELECT * FROM access_requests WHERE (? IS NULL OR status = ?) AND (? IS NULL OR dataset_did = ?) ' +
          'ORDER BY updated_at_ms DESC',
      )
      .all(
        filter.status ?? null,
        filter.status ?? null,
        filter.datasetDid ?? null,
        filter.datasetDid ?? null,
      ) as RequestRow[]
    return rows.map((r) => this.hydrate(r))
  }

  /** Adds a node-only approval (for one consumer or all, optionally until a time) and marks the request approved. */
  approve(
    id: string,
    grant: { consumer: string | null; untilMs: number | null },
    nowMs: number,
  ): AccessRequest {
    const request = this.get(id)
    if (!request) throw new Error(`No access request ${id}`)
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO algorithm_policies (id, request_id, dataset_did, service_id, algorithm_key, container_checksum, ' +
            'files_checksum, consumer_lc, until_ms, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          randomUUID().replaceAll('-', '').slice(0, 16),
          id,
          request.datasetDid,
          request.serviceId,
          request.algorithmKey,
          request.containerChecksum,
          request.filesChecksum,
          grant.consumer?.toLowerCase() ?? null,
          grant.untilMs,
          nowMs,
        )
      this.db
        .prepare(
          "UPDATE access_requests SET status = 'approved', deny_reason = NULL, updated_at_ms = ? WHERE id = ?",
        )
        .run(nowMs, id)
    })()
    return this.get(id)!
  }

  /** Written before the approval's setMetaData is sent: the intent a restart finishes. */
  beginOnChain(id: string, entry: OnChainAttempt['entry'], nowMs: number): AccessRequest {
    const attempt: OnChainAttempt = {
      state: 'approving',
      entry,
      startedAtMs: nowMs,
      txHash: null,
      reason: null,
    }
    this.db
      .prepare('UPDATE access_requests SET on_chain_json = ?, updated_at_ms = ? WHERE id = ?')
      .run(JSON.stringify(attempt), nowMs, id)
    return this.get(id)!
  }

  /** The approval's setMetaData tx hash, once it is known. */
  recordOnChainTx(id: string, txHash: string): void {
    const attempt = this.get(id)?.onChain
    if (!attempt || attempt.state !== 'approving') return
    this.db
      .prepare('UPDATE access_requests SET on_chain_json = ? WHERE id = ?')
      .run(JSON.stringify({ ...attempt, txHash }), id)
  }

  /** The approval on chain did not happen: the request stays (or is again) pending, with why. */
  dropOnChain(id: string, reason: string, nowMs: number): AccessRequest {
    const attempt = this.get(id)?.onChain
    if (!attempt) return this.get(id)!
    this.db
      .prepare('UPDATE access_requests SET on_chain_json = ?, updated_at_ms = ? WHERE id = ?')
      .run(JSON.stringify({ ...attempt, state: 'not-landed', reason }), nowMs, id)
    return this.get(id)!
  }

  /** Requests whose approval on chain was begun and never confirmed nor dropped. */
  approvingOnChain(): AccessRequest[] {
    const rows = this.db
      .prepare("SELECT * FROM access_requests WHERE json_extract(on_chain_json, '$.state') = 'approving'")
      .all() as RequestRow[]
    return rows.map((row) => this.hydrate(row))
  }

  /**
   * Marks the request approved on chain with the mined setMetaData tx (the DDO now trusts the
   * algorithm; no off-chain policy is needed for it).
   */
  approveOnChain(id: string, txHash: string, nowMs: number): AccessRequest {
    if (!this.get(id)) throw new Error(`No access request ${id}`)
    this.db
      .prepare(
        "UPDATE access_requests SET status = 'approved', deny_reason = NULL, approved_tx = ?, on_chain_json = NULL, updated_at_ms = ? WHERE id = ?",
      )
      .run(txHash, nowMs, id)
    return this.get(id)!
  }

  /**
   * Removes one node-only approval; the request goes back to pending when it was its last one and
   * the DDO does not trust it (no approval on chain). Undefined when there is no such approval.
   */
  revokePolicy(policyId: string, nowMs: number): AccessRequest | undefined {
    const row = this.db.prepare('SELECT request_id FROM algorithm_policies WHERE id = ?').get(policyId) as
      { request_id: string } | undefined
    if (!row) return undefined
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM algorithm_policies WHERE id = ?').run(policyId)
      this.db
        .prepare(
          "UPDATE access_requests SET status = 'pending', updated_at_ms = ? WHERE id = ? AND status = 'approved' " +
            'AND approved_tx IS NULL AND NOT EXISTS (SELECT 1 FROM algorithm_policies WHERE request_id = ?)',
        )
        .run(nowMs, row.request_id, row.request_id)
    })()
    return this.get(row.request_id)!
  }

  /** The raw code a raw-code request was refused with (null for a published algorithm). */
  rawCodeOf(id: string): string | null {
    const row = this.db.prepare('SELECT raw_code FROM access_requests WHERE id = ?').get(id) as
      { raw_code: string | null } | undefined
    return row?.raw_code ?? null
  }

  /** Denies the request with a reason (shown to the consumer's next attempt) and drops its node-only approvals. */
  deny(id: string, reason: string, nowMs: number): AccessRequest {
    if (!this.get(id)) throw new Error(`No access request ${id}`)
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM algorithm_policies WHERE request_id = ?').run(id)
      this.db
        .prepare(
          "UPDATE access_requests SET status = 'denied', deny_reason = ?, updated_at_ms = ? WHERE id = ?",
        )
        .run(reason, nowMs, id)
    })()
    return this.get(id)!
  }

  private hydrate(row: RequestRow): AccessRequest {
    const consumers = this.db
      .prepare(
        'SELECT consumer_lc, attempts, last_at_ms FROM access_request_consumers WHERE request_id = ? ORDER BY last_at_ms DESC',
      )
      .all(row.id) as Array<{ consumer_lc: string; attempts: number; last_at_ms: number }>
    const policies = this.db
      .prepare(
        'SELECT id, request_id, consumer_lc, until_ms, created_at_ms FROM algorithm_policies WHERE request_id = ? ORDER BY created_at_ms',
      )
      .all(row.id) as PolicyRow[]
    return {
      id: row.id,
      datasetDid: row.dataset_did,
      serviceId: row.service_id,
      algorithmKey: row.algorithm_key,
      ...(row.algorithm_did ? { algorithmDid: row.algorithm_did } : {}),
      ...(row.raw_code_hash ? { rawCodeHash: row.raw_code_hash } : {}),
      container: JSON.parse(row.container_json) as AlgorithmOnService['container'],
      containerChecksum: row.container_checksum,
      filesChecksum: row.files_checksum,
      reason: row.reason,
      status: row.status,
      denyReason: row.deny_reason,
      approvedTx: row.approved_tx,
      onChain: row.on_chain_json ? (JSON.parse(row.on_chain_json) as OnChainAttempt) : null,
      createdAtMs: row.created_at_ms,
      updatedAtMs: row.updated_at_ms,
      consumers: consumers.map((c) => ({
        consumer: c.consumer_lc,
        attempts: c.attempts,
        lastAtMs: c.last_at_ms,
      })),
      policies: policies.map(toPolicy),
    }
  }
}
