/**
 * Where a dataset or algorithm file comes from, and how an algorithm runs: one definition shared
 * by the publisher (DDO files, engine/publishing), the Provider (plans jobs from them) and the
 * drivers (fetch and run them). Pure types; imports nothing. These values hold secrets (URLs,
 * headers): they never leave the console's store except into a job's sandbox.
 */
export type FileSource =
  | { type: 'url'; url: string; method?: 'GET' | 'POST' | 'get' | 'post'; headers?: Record<string, string> }
  | { type: 'local'; path: string }
  | { type: 'ipfs'; hash: string }
  | { type: 'arweave'; transactionId: string }

export interface AlgorithmContainer {
  /** e.g. "node $ALGO" — `$ALGO` is replaced by `/data/transformations/algorithm`. */
  entrypoint: string
  image: string
  tag: string
  checksum?: string
}
