// The asset's metadata, edited on its page for datasets and algorithms alike: name, description and
// order timeout (the other fields `editAsset` takes are the compute settings, in their own editor).
// Checked with the contract's own schema before anything is signed; errors sit next to their field
// in words, the engine's REQUEST_INVALID details too. Saving sends setMetaData again (confirmed first).
import { useState } from 'react'
import { Button, Card, Group, NumberInput, Stack, Text, TextInput, Textarea, Title } from '@mantine/core'
import { assetChangesSchema, type AssetDetails } from '../../../../engine/console-api/contract'
import { useEditAsset } from '../../../server-state/assets'
import { ErrorMessage } from '../../../components/error-message'
import { ConfirmDialog } from '../../../components/confirm-dialog'
import {
  errorFor,
  fieldErrorsFromError,
  issuesToFieldErrors,
  zodIssues,
  type FieldErrors,
} from '../../../components/field-errors'

export function MetadataEditor({ details, disabled }: { details: AssetDetails; disabled?: boolean }) {
  const edit = useEditAsset()
  const [name, setName] = useState(details.asset.name)
  const [description, setDescription] = useState(details.description)
  const [timeoutSec, setTimeoutSec] = useState<number | string>(details.timeoutSec)
  const [local, setLocal] = useState<FieldErrors>({})
  const [asking, setAsking] = useState(false)
  const changes = {
    ...(name !== details.asset.name ? { name } : {}),
    ...(description !== details.description ? { description } : {}),
    ...(timeoutSec !== details.timeoutSec
      ? { timeoutSec: timeoutSec === '' ? NaN : Number(timeoutSec) }
      : {}),
  }
  const dirty = Object.keys(changes).length > 0
  const errors = { ...fieldErrorsFromError(edit.error, 'changes.'), ...local }
  const submit = (e: React.FormEvent) => {
    e.preventDefault()
    const parsed = assetChangesSchema.safeParse(changes)
    if (!parsed.success) {
      setLocal(issuesToFieldErrors(zodIssues(parsed.error.issues)))
      return
    }
    setLocal({})
    setAsking(true)
  }
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="metadata-title">
      <Title order={3} size="h4" id="metadata-title">
        Metadata
      </Title>
      <form aria-label="Edit metadata" onSubmit={submit} noValidate>
        <Stack gap="sm" mt="xs">
          <TextInput
            label="Name"
            description="What consumers see in their market and in ocean.js."
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={errorFor(errors, 'name')}
            disabled={disabled}
          />
          <Textarea
            label="Description"
            rows={3}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            error={errorFor(errors, 'description')}
            disabled={disabled}
          />
          <NumberInput
            label="Order timeout (seconds)"
            description="How long an order stays usable; 0 means no limit."
            value={timeoutSec}
            onChange={setTimeoutSec}
            allowDecimal={false}
            error={errorFor(errors, 'timeoutSec')}
            disabled={disabled}
          />
          <Group>
            <Button type="submit" disabled={!dirty || disabled} loading={edit.isPending}>
              Save metadata
            </Button>
          </Group>
          {edit.isSuccess && !dirty && (
            <Text role="status" size="sm" c="green">
              Saved on chain: the DDO has the new metadata.
            </Text>
          )}
          {edit.isError && <ErrorMessage title="Could not save the metadata" error={edit.error} />}
        </Stack>
      </form>
      <ConfirmDialog
        opened={asking}
        title="Publish the new metadata?"
        confirmLabel="Sign and publish"
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          setAsking(false)
          edit.mutate({ did: details.asset.did, changes })
        }}
      >
        This sends setMetaData again for {details.asset.name}; consumers see the new metadata at once.
      </ConfirmDialog>
    </Card>
  )
}
