// Assets: the datasets and algorithms this Provider serves, with create/validate/publish/delete,
// their on-chain state and datatoken distribution, and the on-chain steps as they happen.
import { useState } from 'react'
import { useAssets, useDeleteAsset } from '../../server-state/assets'
import { ErrorMessage } from '../../components/error-message'
import { EmptyState } from '../../components/empty-state'
import { AssetForm } from './asset-form'
import { AssetActions } from './asset-actions'
import { AssetStateBadge } from './asset-state-badge'
import { PublishProgressList } from './publish-progress-list'

export function AssetsScreen() {
  const assets = useAssets()
  const remove = useDeleteAsset()
  const [isEditing, setEditing] = useState(false)
  const [managedDid, setManagedDid] = useState<string | null>(null)
  const managed = assets.data?.assets.find((a) => a.did === managedDid)
  return (
    <section aria-labelledby="assets-title">
      <h2 id="assets-title">Assets</h2>
      <button type="button" onClick={() => setEditing(true)}>
        New asset
      </button>
      {isEditing && <AssetForm onDone={() => setEditing(false)} />}
      {assets.isPending && <p role="status">Loading assets…</p>}
      {assets.isError && <ErrorMessage title="Could not load assets" error={assets.error} />}
      {assets.data && assets.data.assets.length === 0 && !isEditing && (
        <EmptyState title="No assets yet">
          <p>
            Publish a dataset with a compute service so consumers can run approved algorithms on it, without
            the data leaving this machine.
          </p>
          <p>
            New here? Publish the sample dataset and algorithm (in the repo's assets/ folder) to try a job end
            to end.
          </p>
          <button type="button" onClick={() => setEditing(true)}>
            Publish the sample
          </button>
        </EmptyState>
      )}
      {assets.data && assets.data.assets.length > 0 && (
        <table aria-label="Assets">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">DID</th>
              <th scope="col">State</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {assets.data.assets.map((a) => (
              <tr key={a.did}>
                <th scope="row">{a.name}</th>
                <td>{a.kind}</td>
                <td>
                  <code>{a.did}</code>
                </td>
                <td>
                  <AssetStateBadge state={a.state} />
                </td>
                <td>
                  <button
                    type="button"
                    aria-label={`Manage ${a.name}`}
                    aria-expanded={managedDid === a.did}
                    onClick={() => setManagedDid(managedDid === a.did ? null : a.did)}
                  >
                    Manage
                  </button>{' '}
                  <button
                    type="button"
                    aria-label={`Delete ${a.name}`}
                    onClick={() =>
                      window.confirm(`Delete ${a.name}? Consumers can no longer start jobs on it.`) &&
                      remove.mutate(a.did)
                    }
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {remove.isError && <ErrorMessage title="Could not delete the asset" error={remove.error} />}
      {managed && <AssetActions key={managed.did} asset={managed} onClose={() => setManagedDid(null)} />}
      <PublishProgressList />
    </section>
  )
}
