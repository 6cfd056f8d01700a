// The checksums a picked trusted algorithm is pinned with (Ocean's publisherTrustedAlgorithms:
// filesChecksum and containerSectionChecksum), as the engine computes them for the publish itself
// (getTrustedAlgorithmChecksums), shown in the compute step and listed again on the review.
import { Stack, Text } from '@mantine/core'
import { useTrustedAlgorithmChecksums } from '../../../server-state/assets'
import { AddressLabel } from '../../../components/labels/address-label'

export function TrustedAlgorithmChecksums({ did }: { did: string }) {
  const checksums = useTrustedAlgorithmChecksums(did)
  if (checksums.isPending)
    return (
      <Text size="sm" role="status">
        Computing the checksums…
      </Text>
    )
  if (checksums.isError)
    return (
      <Text size="sm" c="red" role="alert">
        Checksums could not be computed: {checksums.error.message} Publishing would fail the same way.
      </Text>
    )
  return (
    <Stack gap={2}>
      <Text size="sm" component="span">
        Files: <AddressLabel value={checksums.data.filesChecksum} what="files checksum" />
      </Text>
      <Text size="sm" component="span">
        Container: <AddressLabel value={checksums.data.containerSectionChecksum} what="container checksum" />
      </Text>
    </Stack>
  )
}
