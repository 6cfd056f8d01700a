/**
 * Rows of the `assets` table: the assets this console publishes or serves compute for. The DDO,
 * the plain file sources and the publish progress are JSON columns; the typed view
 * (`AssetRecord`) lives in publishing/asset-registry.ts. `files_json` holds URLs, headers and
 * paths: it never leaves this process except to the compute driver.
 * Imports better-sqlite3 (through database.ts) only.
 */
import type { Database } from './database'

export interface AssetRow {
  did: string
  kind: 'dataset' | 'algorithm'
  chainId: number
  nftAddress: string
  datatokenAddress: string
  state: number
  ddoJson: string
  filesJson: string
  /** Progress of the on-chain steps (tx hashes), written before each step; null when none ran. */
  publishJson: string | null
  /** Indexed from the chain (published outside the console): `{publisher}`; null for its own assets. */
  publishedElsewhereJson?: string | null
  createdAtMs: number
  updatedAtMs: number
}

interface SqlRow {
  did: string
  kind: 'dataset' | 'algorithm'
  chain_id: number
  nft_address: string
  datatoken_address: string
  state: number
  ddo_json: string
  files_json: string
  publish_json: string | null
  published_elsewhere_json: string | null
  created_at_ms: number
  updated_at_ms: number
}

const fromSql = (r: SqlRow): AssetRow => ({
  did: r.did,
  kind: r.kind,
  chainId: r.chain_id,
  nftAddress: r.nft_address,
  datatokenAddress: r.datatoken_address,
  state: r.state,
  ddoJson: r.ddo_json,
  filesJson: r.files_json,
  publishJson: r.publish_json,
  publishedElsewhereJson: r.published_elsewhere_json,
  createdAtMs: r.created_at_ms,
  updatedAtMs: r.updated_at_ms,
})

export class AssetsRepo {
  private readonly stmts

  constructor(private readonly db: Database) {
    this.stmts = {
      get: db.prepare('SELECT * FROM assets WHERE did = ?'),
      list: db.prepare('SELECT * FROM assets ORDER BY created_at_ms, did'),
      upsert: db.prepare(
        `INSERT INTO assets (did, kind, chain_id, nft_address, datatoken_address, state, ddo_json, files_json, publish_json, published_elsewhere_json, created_at_ms, updated_at_ms)
         VALUES (@did, @kind, @chainId, @nftAddress, @datatokenAddress, @state, @ddoJson, @filesJson, @publishJson, @publishedElsewhereJson, @createdAtMs, @updatedAtMs)
         ON CONFLICT (did) DO UPDATE SET kind = excluded.kind, chain_id = excluded.chain_id, nft_address = excluded.nft_address,
           datatoken_address = excluded.datatoken_address, state = excluded.state, ddo_json = excluded.ddo_json,
           files_json = excluded.files_json, publish_json = excluded.publish_json,
           published_elsewhere_json = excluded.published_elsewhere_json, updated_at_ms = excluded.updated_at_ms`,
      ),
      remove: db.prepare('DELETE FROM assets WHERE did = ?'),
      setState: db.prepare('UPDATE assets SET state = ?, updated_at_ms = ? WHERE did = ?'),
      setPublish: db.prepare('UPDATE assets SET publish_json = ?, updated_at_ms = ? WHERE did = ?'),
    }
  }

  get(did: string): AssetRow | undefined {
    const r = this.stmts.get.get(did) as SqlRow | undefined
    return r ? fromSql(r) : undefined
  }

  list(): AssetRow[] {
    return (this.stmts.list.all() as SqlRow[]).map(fromSql)
  }

  upsert(row: AssetRow): void {
    this.stmts.upsert.run({ publishedElsewhereJson: null, ...row })
  }

  remove(did: string): boolean {
    return this.stmts.remove.run(did).changes > 0
  }

  setState(did: string, state: number, atMs: number): boolean {
    return this.stmts.setState.run(state, atMs, did).changes > 0
  }

  setPublishJson(did: string, publishJson: string | null, atMs: number): boolean {
    return this.stmts.setPublish.run(publishJson, atMs, did).changes > 0
  }

  /** Replaces a row under a new key (a pending publish gets its DID) in one transaction. */
  rekey(fromDid: string, row: AssetRow): void {
    this.db.transaction(() => {
      this.stmts.remove.run(fromDid)
      this.stmts.upsert.run({ publishedElsewhereJson: null, ...row })
    })()
  }
}
