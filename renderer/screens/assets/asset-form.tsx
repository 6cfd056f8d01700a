// Create or edit a dataset or algorithm with its compute service. "Validate" asks the engine; publish
// shows progress and then the new DID. Dataset file URLs and headers never leave the engine after this.
import { useState, type FormEvent } from 'react'
import type { AssetDraft } from '../../../engine/console-api/contract'
import { usePublishAsset, useValidateAsset } from '../../server-state/assets'
import { ErrorMessage } from '../../components/error-message'

function draftFrom(form: HTMLFormElement): AssetDraft {
  const f = new FormData(form)
  const text = (name: string) => String(f.get(name) ?? '').trim()
  const kind = text('kind') === 'algorithm' ? 'algorithm' : 'dataset'
  const fileRef = text('file')
  const headers = Object.fromEntries(
    text('headers')
      .split('\n')
      .filter((l) => l.includes(':'))
      .map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]),
  )
  const list = (name: string) =>
    text(name)
      .split(/[\s,]+/)
      .filter(Boolean)
  return {
    kind,
    name: text('name'),
    description: text('description'),
    ...(kind === 'algorithm'
      ? {
          container: {
            image: text('image'),
            tag: text('tag') || 'latest',
            entrypoint: text('entrypoint'),
            checksum: '',
          },
        }
      : {}),
    service: {
      files: fileRef
        ? [
            /^https?:\/\//.test(fileRef)
              ? { type: 'url' as const, url: fileRef, headers }
              : { type: 'local' as const, path: fileRef },
          ]
        : [],
      timeoutSec: Number(text('timeoutSec') || 0),
      allowRawAlgorithm: f.get('allowRawAlgorithm') === 'on',
      allowNetworkAccess: f.get('allowNetworkAccess') === 'on',
      publisherTrustedAlgorithmPublishers: list('trustedPublishers'),
      publisherTrustedAlgorithms: list('trustedDids').map((did) => ({
        did,
        filesChecksum: '',
        containerSectionChecksum: '',
      })),
    },
  }
}

export function AssetForm({ onDone }: { onDone: () => void }) {
  const validate = useValidateAsset()
  const publish = usePublishAsset()
  const [kind, setKind] = useState<'dataset' | 'algorithm'>('dataset')
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const draft = draftFrom(event.currentTarget)
    const check = await validate.mutateAsync(draft)
    if (check.valid) publish.mutate({ draft }, { onSuccess: onDone })
  }
  return (
    <form aria-label="Asset" onSubmit={(e) => void submit(e)}>
      <fieldset>
        <legend>Kind</legend>
        <label>
          <input
            type="radio"
            name="kind"
            value="dataset"
            checked={kind === 'dataset'}
            onChange={() => setKind('dataset')}
          />
          Dataset
        </label>
        <label>
          <input
            type="radio"
            name="kind"
            value="algorithm"
            checked={kind === 'algorithm'}
            onChange={() => setKind('algorithm')}
          />
          Algorithm
        </label>
      </fieldset>
      <label>
        Name
        <input name="name" />
      </label>
      <label>
        Description
        <textarea name="description" />
      </label>
      <label>
        File (URL or local path)
        <input name="file" />
      </label>
      <label>
        Request headers (one "Name: value" per line)
        <textarea name="headers" />
      </label>
      {kind === 'algorithm' && (
        <>
          <label>
            Container image
            <input name="image" defaultValue="python" />
          </label>
          <label>
            Image tag
            <input name="tag" defaultValue="3.12-slim" />
          </label>
          <label>
            Entrypoint
            <input name="entrypoint" defaultValue="python $ALGO" />
          </label>
        </>
      )}
      {kind === 'dataset' && (
        <>
          <label>
            Trusted algorithm DIDs
            <textarea name="trustedDids" />
          </label>
          <label>
            Trusted algorithm publishers
            <textarea name="trustedPublishers" />
          </label>
          <label>
            <input type="checkbox" name="allowRawAlgorithm" />
            Allow raw algorithm code
          </label>
        </>
      )}
      <label>
        <input type="checkbox" name="allowNetworkAccess" />
        Allow network access
      </label>
      <label>
        Timeout (seconds, 0 = none)
        <input name="timeoutSec" type="number" min="0" defaultValue="0" />
      </label>
      {validate.data && !validate.data.valid && (
        <ul role="alert" aria-label="Validation problems">
          {validate.data.issues.map((i) => (
            <li key={i.path + i.message}>
              {i.path}: {i.message}
            </li>
          ))}
        </ul>
      )}
      <button type="submit" disabled={publish.isPending}>
        {publish.isPending ? 'Publishing…' : 'Validate and publish'}
      </button>
      {publish.isPending && <progress aria-label="Publishing" />}
      {publish.isError && <ErrorMessage title="Could not publish" error={publish.error} />}
    </form>
  )
}
