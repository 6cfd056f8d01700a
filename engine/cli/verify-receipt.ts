/**
 * `npm run verify-receipt -- <receipt.json> [outputs.tar …] --provider <url> | --provider-address <0x…> [--chain-id <n>]`:
 * checks a job receipt's EIP-712 signature against the Provider's root document (fetched from
 * `--provider`, spec §13 GET /): the receipt's chain (the one the job was paid or ordered on) must be
 * one of its `chainIds`, and the signer its `providerAddresses[chain]` (else `providerAddress`).
 * `--chain-id` also demands that chain. Then each given file's size and sha256 (matched by file
 * name). Exits 0 when every check passes, 1 with the reason otherwise, 2 on bad usage.
 */
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'
import { verifyJobReceipt } from '../chain/job-receipt'

export interface VerifyReceiptIo {
  out(line: string): void
  err(line: string): void
  fetchJson?(url: string): Promise<unknown>
}

const USAGE =
  'usage: verify-receipt <receipt.json> [file …] --provider <url> | --provider-address <0x…> [--chain-id <n>]'

export async function runVerifyReceipt(argv: string[], io: VerifyReceiptIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        provider: { type: 'string' },
        'provider-address': { type: 'string' },
        'chain-id': { type: 'string' },
      },
    })
  } catch (error) {
    io.err((error as Error).message)
    return 2
  }
  const { values, positionals } = parsed
  const [receiptPath, ...filePaths] = positionals
  if (!receiptPath || (!values.provider && !values['provider-address'])) {
    io.err(USAGE)
    return 2
  }
  const wantedChain = values['chain-id']
  if (wantedChain !== undefined && !/^[1-9]\d{0,15}$/.test(wantedChain)) {
    io.err(`--chain-id ${wantedChain} is not a chain id\n${USAGE}`)
    return 2
  }
  let receipt: unknown
  let files: Array<{ name: string; bytes: Uint8Array }>
  try {
    receipt = JSON.parse(readFileSync(receiptPath, 'utf8'))
    files = filePaths.map((p) => ({ name: basename(p), bytes: readFileSync(p) }))
  } catch (error) {
    io.err(`cannot read input: ${(error as Error).message}`)
    return 1
  }
  const receiptChain = (receipt as { domain?: { chainId?: unknown } } | null)?.domain?.chainId
  let providerAddress = values['provider-address']
  let chainIds: number[] | undefined
  if (!providerAddress) {
    const fetchJson =
      io.fetchJson ??
      (async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(10_000) })).json())
    try {
      const root = (await fetchJson(values.provider!.replace(/\/+$/, '') + '/')) as {
        providerAddress?: unknown
        providerAddresses?: Record<string, unknown>
        chainIds?: unknown
      }
      if (typeof root.providerAddress !== 'string') throw new Error('no providerAddress in its root document')
      // Ocean Node's root document: the node's address per chain it serves.
      const onChain = root.providerAddresses?.[String(receiptChain)]
      providerAddress = typeof onChain === 'string' ? onChain : root.providerAddress
      if (Array.isArray(root.chainIds)) chainIds = root.chainIds.map(Number)
    } catch (error) {
      io.err(`cannot read the Provider's root document at ${values.provider}: ${(error as Error).message}`)
      return 1
    }
  }
  const result = verifyJobReceipt(receipt, {
    providerAddress,
    files,
    ...(chainIds ? { chainIds } : {}),
    ...(wantedChain !== undefined ? { chainId: Number(wantedChain) } : {}),
  })
  if (!result.ok) {
    io.err(`receipt REFUSED: ${result.reason}`)
    return 1
  }
  io.out(
    `receipt OK: signed by the Provider ${result.signer} on chain ${String(receiptChain)}; ${files.length} file(s) match`,
  )
  return 0
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await runVerifyReceipt(process.argv.slice(2), {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
  })
}
