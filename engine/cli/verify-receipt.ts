/**
 * `npm run verify-receipt -- <receipt.json> [outputs.tar …] --provider <url> | --provider-address <0x…>`:
 * checks a job receipt's EIP-712 signature against the Provider's root document `providerAddress`
 * (fetched from `--provider`, spec §13 GET /) and each given file's size and sha256 (matched by file
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

export async function runVerifyReceipt(argv: string[], io: VerifyReceiptIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { provider: { type: 'string' }, 'provider-address': { type: 'string' } },
    })
  } catch (error) {
    io.err((error as Error).message)
    return 2
  }
  const { values, positionals } = parsed
  const [receiptPath, ...filePaths] = positionals
  if (!receiptPath || (!values.provider && !values['provider-address'])) {
    io.err('usage: verify-receipt <receipt.json> [file …] --provider <url> | --provider-address <0x…>')
    return 2
  }
  let providerAddress = values['provider-address']
  if (!providerAddress) {
    const fetchJson =
      io.fetchJson ??
      (async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(10_000) })).json())
    try {
      const root = (await fetchJson(values.provider!.replace(/\/+$/, '') + '/')) as {
        providerAddress?: unknown
      }
      if (typeof root.providerAddress !== 'string') throw new Error('no providerAddress in its root document')
      providerAddress = root.providerAddress
    } catch (error) {
      io.err(`cannot read the Provider's root document at ${values.provider}: ${(error as Error).message}`)
      return 1
    }
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
  const result = verifyJobReceipt(receipt, { providerAddress, files })
  if (!result.ok) {
    io.err(`receipt REFUSED: ${result.reason}`)
    return 1
  }
  io.out(`receipt OK: signed by the Provider ${result.signer}; ${files.length} file(s) match`)
  return 0
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await runVerifyReceipt(process.argv.slice(2), {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
  })
}
