// The on-chain steps the console reports (onPublishProgress): each with its status and tx hash, so a
// publisher can follow, and later prove, what was sent.
import { usePublishProgress } from '../../server-state/publish-progress'
import { shortId } from '../../components/format'

const STEP_LABEL: Record<string, string> = {
  create: 'Create data NFT + datatoken',
  metadata: 'Publish DDO (setMetaData)',
  state: 'Set asset state',
  mint: 'Mint datatokens',
  dispenser: 'Create dispenser',
  fixedRate: 'Create fixed-rate price',
  encrypt: 'Encrypt DDO',
  registry: 'Record in this console',
}

export function PublishProgressList() {
  const progress = usePublishProgress()
  const events = progress.data ?? []
  if (events.length === 0) return null
  return (
    <section aria-labelledby="chain-progress-title">
      <h3 id="chain-progress-title">On-chain steps</h3>
      <ol role="log" aria-label="On-chain steps">
        {events.map((e, i) => (
          <li key={`${e.step}-${e.txHash ?? ''}-${e.did ?? ''}-${i}`} data-status={e.status}>
            {STEP_LABEL[e.step] ?? e.step}: {e.status}
            {e.did && (
              <>
                {' '}
                for <code title={e.did}>{shortId(e.did)}</code>
              </>
            )}
            {e.txHash && (
              <>
                {' '}
                — tx <code data-testid="tx-hash">{e.txHash}</code>
              </>
            )}
            {e.message && <> — {e.message}</>}
          </li>
        ))}
      </ol>
    </section>
  )
}
