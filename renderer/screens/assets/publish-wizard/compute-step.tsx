// Step 3, compute settings: for a dataset, which algorithms may run on it (picked by name from the
// published algorithms, or every algorithm of a publisher), raw code and network access, and the
// environments consumers may run jobs in (the Provider refuses the others for this dataset); for an
// algorithm, the container it runs in. Each picked algorithm shows the checksums the dataset will
// pin, computed by the engine from its DDO and files with the publish path's own function.
import {
  Anchor,
  Checkbox,
  MultiSelect,
  NumberInput,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core'
import { Link } from '@tanstack/react-router'
import type { AssetSummary, ConsoleEnvironment } from '../../../../engine/console-api/contract'
import { useAssets } from '../../../server-state/assets'
import { useEnvironments } from '../../../server-state/compute-backend'
import { useWallet } from '../../../server-state/settings'
import { AddressLabel, shortenValue } from '../../../components/labels/address-label'
import { EnvironmentPrices } from '../../compute-backend/environment-prices'
import { TrustedAlgorithmChecksums } from './trusted-algorithm-checksums'
import { useWizardDraft } from './wizard-draft'

/** The publisher of an algorithm listed here: its indexer-found publisher, else this console's wallet. */
function publisherOf(asset: AssetSummary, wallet: string | null): string | null {
  return asset.publishedElsewhere?.publisher ?? wallet
}

export function freeTierWords(env: Pick<ConsoleEnvironment, 'free'>): string {
  return env.free
    ? `Free tier: ${env.free.maxJobs} job${env.free.maxJobs === 1 ? '' : 's'} at a time, up to ${env.free.maxJobDurationSec} s`
    : 'No free tier'
}

export function ComputeStep() {
  const values = useWizardDraft((s) => s.values)
  const errors = useWizardDraft((s) => s.errors)
  const set = useWizardDraft((s) => s.set)
  const assets = useAssets()
  const environments = useEnvironments()
  const wallet = useWallet()
  const walletAddress = wallet.data?.address ?? null
  const algorithms = (assets.data?.assets ?? []).filter((a) => a.kind === 'algorithm')
  const algorithmOptions = algorithms.map((a) => ({
    value: a.did,
    label: `${a.name} (${shortenValue(a.did)})`,
  }))
  const publisherOptions = [
    ...new Set(algorithms.map((a) => publisherOf(a, walletAddress)).filter((p): p is string => !!p)),
  ]
  const picked = values.trustedAlgorithms.map(
    (did) => algorithms.find((a) => a.did === did) ?? { did, name: did, publishedElsewhere: undefined },
  )
  const envs = environments.data?.environments ?? []
  return (
    <Stack gap="md" mt="md">
      {values.kind === 'algorithm' ? (
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput
            label="Container image"
            description="Pulled by the compute backend"
            value={values.image}
            onChange={(e) => set('image', e.currentTarget.value)}
            error={errors.image}
          />
          <TextInput
            label="Image tag"
            value={values.tag}
            onChange={(e) => set('tag', e.currentTarget.value)}
            error={errors.tag}
          />
          <TextInput
            label="Entrypoint"
            description="$ALGO is the algorithm file"
            value={values.entrypoint}
            onChange={(e) => set('entrypoint', e.currentTarget.value)}
            error={errors.entrypoint}
          />
        </SimpleGrid>
      ) : (
        <>
          <MultiSelect
            label="Trusted algorithms"
            description="Published algorithms allowed to run on this dataset, picked by name"
            placeholder={algorithmOptions.length ? 'Pick by name' : 'No published algorithms yet'}
            data={algorithmOptions}
            value={values.trustedAlgorithms}
            onChange={(v) => set('trustedAlgorithms', v)}
            searchable
            nothingFoundMessage="No published algorithm by that name"
            error={errors.trustedAlgorithms}
          />
          {picked.length > 0 && (
            <Table aria-label="Picked algorithms" withTableBorder>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Algorithm</Table.Th>
                  <Table.Th scope="col">Publisher</Table.Th>
                  <Table.Th scope="col">Checksums</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {picked.map((a) => {
                  const publisher = 'kind' in a ? publisherOf(a as AssetSummary, walletAddress) : null
                  return (
                    <Table.Tr key={a.did}>
                      <Table.Th scope="row">
                        {a.name} <AddressLabel value={a.did} what="algorithm DID" />
                      </Table.Th>
                      <Table.Td>
                        {publisher ? <AddressLabel value={publisher} what="publisher address" /> : '—'}
                      </Table.Td>
                      <Table.Td>
                        <TrustedAlgorithmChecksums did={a.did} />
                      </Table.Td>
                    </Table.Tr>
                  )
                })}
              </Table.Tbody>
            </Table>
          )}
          <TagsInput
            label="Trusted algorithm publishers"
            description="Every algorithm these addresses publish may run: pick one or type a 0x address and press Enter"
            data={publisherOptions}
            value={values.trustedPublishers}
            onChange={(v) => set('trustedPublishers', v)}
            error={errors.trustedPublishers}
          />
          <Switch
            label="Allow raw algorithm code"
            description="Consumers may send their own code instead of a published algorithm"
            checked={values.allowRawAlgorithm}
            onChange={(e) => set('allowRawAlgorithm', e.currentTarget.checked)}
          />
        </>
      )}
      <Switch
        label="Allow network access"
        description="Jobs may reach the internet while they run"
        checked={values.allowNetworkAccess}
        onChange={(e) => set('allowNetworkAccess', e.currentTarget.checked)}
      />
      <NumberInput
        label="Order timeout (seconds, 0 = none)"
        description="How long a consumer's order stays valid for new jobs"
        min={0}
        value={values.timeoutSec}
        onChange={(v) => set('timeoutSec', v)}
        error={errors.timeoutSec}
      />
      {envs.length > 0 ? (
        <Checkbox.Group
          label="Environments"
          description="Where consumers may run jobs on it: the Provider refuses a job on this dataset in any other environment (you can change this on the asset page). The consumer snippet and the price on the next step use the first one you pick."
          value={values.environments}
          onChange={(v) => set('environments', v)}
          error={errors.environments}
        >
          <Stack gap="xs" mt={6}>
            {envs.map((env) => (
              <Checkbox
                key={env.id}
                value={env.id}
                label={env.description ? `${env.id} — ${env.description}` : env.id}
                description={
                  <>
                    {freeTierWords(env)}; <EnvironmentPrices fees={env.fees} inline />
                  </>
                }
              />
            ))}
          </Stack>
        </Checkbox.Group>
      ) : (
        <Text size="sm" role="status">
          {environments.isPending ? 'Loading the environments…' : 'No environments yet: add one on '}
          {!environments.isPending && (
            <>
              <Anchor component={Link} to="/compute-backend">
                Compute backend
              </Anchor>
              .
            </>
          )}
        </Text>
      )}
    </Stack>
  )
}
