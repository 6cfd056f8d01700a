// Step 5, review: every choice in words before anything is signed (the trusted algorithms with the
// checksums the dataset will pin), and how many transactions publishing signs.
import { Stack, Table, Text } from '@mantine/core'
import { useAssets } from '../../../server-state/assets'
import { useEnvironments } from '../../../server-state/compute-backend'
import { useOverview } from '../../../server-state/overview'
import { TokenSymbol } from '../../../components/labels/on-chain-token-amount'
import { shortenValue } from '../../../components/labels/address-label'
import { PRICING_WORDS } from './pricing-step'
import { TrustedAlgorithmChecksums } from './trusted-algorithm-checksums'
import { useWizardDraft } from './wizard-draft'

export function ReviewStep() {
  const values = useWizardDraft((s) => s.values)
  const assets = useAssets()
  const environments = useEnvironments()
  const overview = useOverview()
  const feeToken = environments.data?.feeToken?.token ?? null
  const nameOf = (did: string) => {
    const a = assets.data?.assets.find((x) => x.did === did)
    return a ? `${a.name} (${shortenValue(did)})` : did
  }
  const dataset = values.kind === 'dataset'
  const rows: Array<[string, React.ReactNode]> = [
    ['Kind', dataset ? 'Dataset' : 'Algorithm'],
    ['File', values.file.trim() || '—'],
    ['Name', values.name.trim() || '—'],
    ['Description', values.description.trim() || '—'],
    ['Author and licence', `${values.author.trim() || '—'} · ${values.license}`],
    ...(dataset
      ? ([
          [
            'Trusted algorithms',
            values.trustedAlgorithms.length ? (
              <Stack gap="xs" component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
                {values.trustedAlgorithms.map((did) => (
                  <li key={did}>
                    <Text size="sm" fw={500}>
                      {nameOf(did)}
                    </Text>
                    <TrustedAlgorithmChecksums did={did} />
                  </li>
                ))}
              </Stack>
            ) : (
              'None'
            ),
          ],
          ['Trusted publishers', values.trustedPublishers.join(', ') || 'None'],
          ['Raw algorithm code', values.allowRawAlgorithm ? 'Allowed' : 'Not allowed'],
        ] as Array<[string, React.ReactNode]>)
      : ([['Container', `${values.image}:${values.tag || 'latest'} — ${values.entrypoint}`]] as Array<
          [string, React.ReactNode]
        >)),
    ['Network access', values.allowNetworkAccess ? 'Allowed' : 'Blocked'],
    [
      'Environments',
      values.environments.length
        ? `${values.environments.join(', ')}${dataset ? ' (jobs in any other are refused)' : ''}`
        : 'Any the Provider lists',
    ],
    [
      'Price of access',
      values.pricing === 'fixed' ? (
        <>
          {values.price.trim()} {feeToken ? <TokenSymbol token={feeToken} /> : 'OCEAN'} per datatoken
        </>
      ) : values.pricing === 'free' ? (
        'Free (dispenser)'
      ) : (
        PRICING_WORDS.later
      ),
    ],
    ['Provider URL in the DDO', overview.data?.providerUrl ?? '—'],
  ]
  return (
    <>
      <Table mt="md" aria-label="Review" withTableBorder>
        <Table.Tbody>
          {rows.map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Th scope="row" w={220}>
                {k}
              </Table.Th>
              <Table.Td style={{ wordBreak: 'break-word' }}>{v}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="sm" mt="sm" c="dimmed">
        Publishing signs two transactions (create, then setMetaData)
        {values.pricing !== 'later' ? ' and one for the price' : ''}.
      </Text>
    </>
  )
}
