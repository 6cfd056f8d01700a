// Errors in words with the next step. Branches on the error code, never on message text.
import { useState } from 'react'
import { Alert, Button, Code, Collapse, Text } from '@mantine/core'
import { ConsoleApiError } from '../../engine/console-api/contract'
import { useConsoleUnreachable } from '../server-state/connection'

const NEXT_STEP: Record<string, string> = {
  UNAUTHORIZED: 'Open the Console URL printed when the console started; it carries the access token.',
  WALLET_LOCKED: 'Unlock or create the provider wallet in Settings, then try again.',
  NOT_AVAILABLE: 'This part of the console did not start; check the log for why.',
  ENVIRONMENT_IN_USE: 'Stop the jobs in this environment first.',
  REQUEST_INVALID: 'Correct the highlighted fields and try again.',
  JOB_NOT_FOUND: 'The job may have been deleted; go back to the job list.',
  ASSET_NOT_FOUND: 'The asset is no longer in this console; reload the asset list.',
  WALLET_NOT_FOUND: 'Create or import the provider wallet in Settings first.',
  WALLET_EXISTS: 'A wallet already exists; unlock it with its password instead.',
  CHAIN_ID_MISMATCH:
    'The RPC endpoint serves another chain: fix the chain id or the URL in Settings → RPC endpoints.',
  CHAIN_UNAVAILABLE:
    'The chain RPC is not answering: check the URL in Settings → RPC endpoints and your connection.',
  INSUFFICIENT_FUNDS: 'Send native coin (for gas) to the wallet address shown in Settings, then try again.',
  TRANSACTION_FAILED:
    'The transaction reverted on chain; the asset is unchanged. Check the hash in a block explorer.',
  ALGORITHM_NOT_PUBLISHED: 'Approve it on this node instead (one consumer or all, until a date).',
  ACCESS_REQUEST_DECIDED: "Remove the algorithm from the dataset's trusted algorithms on the asset page.",
  ASSET_PUBLISHED_ELSEWHERE: 'Only its publisher can change it; this console serves compute on it.',
  PUBLISH_IN_PROGRESS: 'Wait until its on-chain steps stop, then try again.',
  PUBLISH_NOT_RESUMABLE: 'Discard it under Unfinished publishes on Assets, then publish the asset again.',
  TRUST_NOT_CONFIRMED:
    'The request stays pending. Check the transaction in a block explorer, then try again.',
}

/** Field details (`[{ path, message }]`), shown only behind the toggle: the words come first. */
function detailLines(details: unknown): string[] {
  if (!Array.isArray(details)) return []
  return details
    .filter((d): d is { path: string; message: string } => typeof d === 'object' && d !== null && 'path' in d)
    .map((d) => `${d.path}: ${d.message}`)
}

export function ErrorMessage({ error, title }: { error: unknown; title: string }) {
  const [showDetails, setShowDetails] = useState(false)
  const unreachable = useConsoleUnreachable()
  const code = error instanceof ConsoleApiError ? error.code : 'NETWORK'
  // The shell's one connection banner says it already; no error box per screen stacked under it.
  if (code === 'NETWORK' && unreachable) return null
  const message = error instanceof Error ? error.message : String(error)
  const lines = error instanceof ConsoleApiError ? detailLines(error.details) : []
  const next =
    NEXT_STEP[code] ??
    (code === 'NETWORK'
      ? 'The console engine is not answering; is it still running?'
      : 'Try again; if it keeps failing, the log has the details.')
  return (
    <Alert role="alert" color="red" variant="light" title={title} className="error" my="sm">
      <Text size="sm">{message}</Text>
      <Text size="sm">{next}</Text>
      {(lines.length > 0 || code !== 'NETWORK') && (
        <>
          <Button variant="subtle" size="compact-xs" mt={4} onClick={() => setShowDetails((v) => !v)}>
            {showDetails ? 'Hide details' : 'Details'}
          </Button>
          <Collapse expanded={showDetails}>
            <Code block mt={4}>
              {[`code: ${code}`, ...lines].join('\n')}
            </Code>
          </Collapse>
        </>
      )}
    </Alert>
  )
}
