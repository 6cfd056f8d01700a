// Step 4, pricing: how consumers get the datatoken a job needs (free from a dispenser, bought at a
// fixed price, or decided later on the asset page), beside what compute time costs in the picked
// environment, in the fee token's units with its symbol ("0.5 OCEAN/min").
import { Alert, Radio, Stack, Text, TextInput } from '@mantine/core'
import type { ConsoleEnvironment } from '../../../../engine/console-api/contract'
import { useEnvironments } from '../../../server-state/compute-backend'
import { OnChainTokenAmount, TokenSymbol } from '../../../components/labels/on-chain-token-amount'
import { decimalText, tokenUnitsToWei } from '../../../components/token-units'
import { EnvironmentPrices } from '../../compute-backend/environment-prices'
import { freeTierWords } from './compute-step'
import { useWizardDraft, type WizardState } from './wizard-draft'

/** Per minute at the environment's minimum resources, per fee token: Σ price × min (exact, in wei). */
export function minimumPerMinute(env: ConsoleEnvironment): Array<{ token: string; wei: string }> {
  const min: Record<string, number> = { cpu: env.cpu.min, ram: env.ramGb.min, disk: env.diskGb.min }
  const one = 10n ** 18n
  return Object.values(env.fees)
    .flat()
    .filter((fee) => fee.prices.length > 0)
    .map((fee) => ({
      token: fee.feeToken,
      wei: fee.prices
        .reduce(
          (sum, p) =>
            sum + (tokenUnitsToWei(decimalText(p.price)) * tokenUnitsToWei(String(min[p.id] ?? 0))) / one,
          0n,
        )
        .toString(),
    }))
}

export const PRICING_WORDS: Record<WizardState['pricing'], string> = {
  free: 'Free: a dispenser gives one datatoken per request',
  fixed: 'A fixed price per datatoken',
  later: 'Decide later (on the asset page)',
}

export function PricingStep() {
  const values = useWizardDraft((s) => s.values)
  const errors = useWizardDraft((s) => s.errors)
  const set = useWizardDraft((s) => s.set)
  const environments = useEnvironments()
  const feeToken = environments.data?.feeToken?.token ?? null
  const chosen = (environments.data?.environments ?? []).filter((e) => values.environments.includes(e.id))
  const env = chosen[0]
  return (
    <Stack gap="md" mt="md">
      <Radio.Group
        label="Price of access"
        description="Consumers need one datatoken of this asset per job; compute time is paid on top, per the environment"
        value={values.pricing}
        onChange={(v) => set('pricing', v as WizardState['pricing'])}
        error={errors.pricing}
      >
        <Stack gap={6} mt={6}>
          {(Object.keys(PRICING_WORDS) as Array<WizardState['pricing']>).map((p) => (
            <Radio key={p} value={p} label={PRICING_WORDS[p]} />
          ))}
        </Stack>
      </Radio.Group>
      {values.pricing === 'fixed' && (
        <TextInput
          label="Price per datatoken"
          description="In the chain's OCEAN token; consumers buy the datatoken at this price, it is minted on purchase"
          value={values.price}
          onChange={(e) => set('price', e.currentTarget.value)}
          error={errors.price}
          inputMode="decimal"
          rightSection={
            <Text size="sm" c="dimmed" pr="xs">
              {feeToken ? <TokenSymbol token={feeToken} /> : 'OCEAN'}
            </Text>
          }
          rightSectionWidth={72}
        />
      )}
      <section aria-labelledby="compute-price-title">
        <Text size="sm" fw={600} id="compute-price-title">
          Compute time{env ? ` in ${env.id}` : ''}
        </Text>
        {env ? (
          <Stack gap={4} mt={4}>
            <EnvironmentPrices fees={env.fees} />
            <Text size="sm">{freeTierWords(env)}</Text>
            {minimumPerMinute(env).map(({ token, wei }) => (
              <Text size="sm" key={token} data-testid="minimum-job-price">
                A job at the smallest size ({env.cpu.min} CPU, {env.ramGb.min} GB RAM, {env.diskGb.min} GB
                disk) costs <OnChainTokenAmount wei={wei} token={token} /> per minute.
              </Text>
            ))}
            {chosen.length > 1 && (
              <Text size="xs" c="dimmed">
                Also offered:{' '}
                {chosen
                  .slice(1)
                  .map((e) => e.id)
                  .join(', ')}{' '}
                (see Compute backend for their prices).
              </Text>
            )}
          </Stack>
        ) : (
          <Alert color="gray" variant="light" mt={4}>
            No environment picked on Compute settings: consumers pick any environment this Provider lists.
          </Alert>
        )}
      </section>
    </Stack>
  )
}
