// Everything the console knows about a request's algorithm: its DDO (from this console's registry),
// its code (the raw code as sent, or the files this console can read), and whether that code is the
// code the request was refused with. Loaded with the card; the Provider refused the consumer already.
import { Accordion, Badge, Code, Group, ScrollArea, Stack, Text } from '@mantine/core'
import type { AccessRequestSummary } from '../../../engine/console-api/contract'
import { useAccessRequest } from '../../server-state/publisher-control'
import { ErrorMessage } from '../../components/error-message'
import { formatBytes } from '../../components/format'

export function AlgorithmDetails({ request }: { request: AccessRequestSummary }) {
  const details = useAccessRequest(request.id, true)
  if (details.isPending)
    return (
      <Text size="sm" role="status">
        Reading the algorithm…
      </Text>
    )
  if (details.isError) return <ErrorMessage title="Could not read the algorithm" error={details.error} />
  const algorithm = details.data.algorithm
  const what = request.algorithmDid ? 'the published algorithm' : 'the raw code'
  return (
    <Stack gap="xs" aria-label={`Algorithm of request ${request.id}`} component="section">
      <Group gap="xs">
        {algorithm.name && (
          <Text size="sm" fw={600}>
            {algorithm.name}
            {algorithm.author ? ` by ${algorithm.author}` : ''}
          </Text>
        )}
        {algorithm.code.length === 0 ? (
          <Badge color="gray" variant="dot">
            code not held by this console
          </Badge>
        ) : algorithm.matchesRequest ? (
          <Badge color="green" variant="dot">
            code matches the request's checksum
          </Badge>
        ) : (
          <Badge color="red" variant="dot">
            code differs from the request's checksum
          </Badge>
        )}
      </Group>
      <Accordion variant="contained" multiple defaultValue={['code']}>
        <Accordion.Item value="code">
          <Accordion.Control>Code ({what})</Accordion.Control>
          <Accordion.Panel>
            {algorithm.code.length === 0 && (
              <Text size="sm">
                This console does not hold the algorithm's files, so its code cannot be shown.
              </Text>
            )}
            {algorithm.code.map((file) => (
              <Stack key={file.name} gap={4} mb="sm">
                <Text size="xs" ff="monospace">
                  {file.name} · {formatBytes(file.sizeBytes)}
                  {file.sha256 ? ` · sha256 ${file.sha256}` : ''}
                  {file.truncated ? ' · first 64 KiB shown' : ''}
                </Text>
                {file.text !== null ? (
                  <ScrollArea.Autosize mah={320}>
                    <Code block>{file.text}</Code>
                  </ScrollArea.Autosize>
                ) : (
                  <Text size="sm">{file.note ?? 'No text to show.'}</Text>
                )}
              </Stack>
            ))}
          </Accordion.Panel>
        </Accordion.Item>
        <Accordion.Item value="ddo">
          <Accordion.Control>DDO</Accordion.Control>
          <Accordion.Panel>
            {algorithm.ddo ? (
              <ScrollArea.Autosize mah={320}>
                <Code block>{JSON.stringify(algorithm.ddo, null, 2)}</Code>
              </ScrollArea.Autosize>
            ) : (
              <Text size="sm">
                {request.algorithmDid ? 'This console has no DDO for this DID.' : 'Raw code has no DDO.'}
              </Text>
            )}
          </Accordion.Panel>
        </Accordion.Item>
      </Accordion>
    </Stack>
  )
}
