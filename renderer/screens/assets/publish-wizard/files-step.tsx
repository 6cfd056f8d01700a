// Step 1, files: what is published (dataset or algorithm) and where its file is — a path on this
// machine or an http(s) URL the Provider fetches — with a "Test fetch" (checkFile) whose answer,
// size and content type or the reason in words, stands beside the field.
import { Button, Group, SegmentedControl, Stack, Text, Textarea, TextInput } from '@mantine/core'
import { useFileCheck } from '../../../server-state/assets'
import { ErrorMessage } from '../../../components/error-message'
import { formatBytes } from '../../../components/format'
import { fileSourceOf, useWizardDraft } from './wizard-draft'

export function FilesStep() {
  const values = useWizardDraft((s) => s.values)
  const errors = useWizardDraft((s) => s.errors)
  const set = useWizardDraft((s) => s.set)
  const tested = useWizardDraft((s) => s.testedFile)
  const setTested = useWizardDraft((s) => s.setTestedFile)
  const source = fileSourceOf(values)
  const current = source ? JSON.stringify(source) : null
  // Only the answer for the source now in the field is shown; an edit hides the old one.
  const check = useFileCheck(tested !== null && tested === current ? source : null)
  const answer = tested === current ? check.data : undefined
  const unreachable = answer && !answer.reachable ? (answer.reason ?? 'The file could not be fetched.') : null
  const testFetch = () => {
    if (!source) return
    if (tested === current) void check.refetch()
    else setTested(source)
  }
  return (
    <Stack gap="sm" mt="md">
      <SegmentedControl
        aria-label="Kind"
        value={values.kind}
        onChange={(v) => set('kind', v === 'algorithm' ? 'algorithm' : 'dataset')}
        data={[
          { value: 'dataset', label: 'Dataset' },
          { value: 'algorithm', label: 'Algorithm' },
        ]}
      />
      <Group align="flex-start" wrap="nowrap">
        <TextInput
          style={{ flex: 1 }}
          label="File (URL or local path)"
          description="A file on this machine, or an http(s) URL the Provider fetches. Consumers never see it."
          value={values.file}
          onChange={(e) => set('file', e.currentTarget.value)}
          error={errors.file ?? unreachable ?? undefined}
        />
        <Button
          variant="default"
          mt={46}
          onClick={testFetch}
          disabled={!source}
          loading={check.isFetching}
          aria-describedby="file-check-result"
        >
          Test fetch
        </Button>
      </Group>
      <Text id="file-check-result" role="status" size="sm" c={answer?.reachable ? undefined : 'dimmed'}>
        {answer?.reachable
          ? `Reachable: ${answer.sizeBytes !== undefined ? formatBytes(answer.sizeBytes) : 'size not given'}, ${
              answer.contentType ?? 'content type not given'
            }.`
          : !answer && !check.isFetching
            ? 'Test fetch reads only the headers (or stats a local file): nothing is downloaded.'
            : ''}
      </Text>
      {check.isError && tested === current && (
        <ErrorMessage title="Could not test the file" error={check.error} />
      )}
      {source?.type === 'url' && (
        <Textarea
          label='Request headers (one "Name: value" per line)'
          description="Sent by the Provider with each fetch, e.g. an Authorization header; kept encrypted in the DDO"
          value={values.headers}
          onChange={(e) => set('headers', e.currentTarget.value)}
          rows={2}
        />
      )}
    </Stack>
  )
}
