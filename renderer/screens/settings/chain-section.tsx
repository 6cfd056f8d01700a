// Which chain the next start connects to: the embedded dev chain (throwaway), an RPC URL with its
// chain id, or none. "Check" tries the choice first (the RPC answers and at which block, the chain
// id matches, Ocean's contracts are found at their addresses), every check listed with its fix;
// "Use this chain" checks too and says so in its confirmation. Switching is confirmed: assets
// published on one chain do not exist on another.
import { useState } from 'react'
import {
  Alert,
  Button,
  Card,
  Group,
  NumberInput,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import type { MethodInput, MethodOutput } from '../../../engine/console-api/contract'
import { useCheckChain, useSaveSettings } from '../../server-state/settings'
import { HealthCheckList } from '../../components/health-check-list'
import { ErrorMessage } from '../../components/error-message'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { fieldErrorsFromError } from '../../components/field-errors'

type Settings = MethodOutput<'getSettings'>
type Mode = 'dev' | 'rpc' | 'off'
const MODE_WORDS: Record<Mode, string> = {
  dev: 'the embedded dev chain (throwaway data)',
  rpc: 'a chain through its RPC URL',
  off: 'no chain (free compute on assets already here)',
}

function same(
  a: MethodInput<'checkChain'>,
  b: { mode: Mode; rpcUrl: string; chainId: number | string },
): boolean {
  if (a.mode !== b.mode) return false
  return a.mode !== 'rpc' || (a.rpcUrl === b.rpcUrl.trim() && a.chainId === b.chainId)
}

function checkSummary(result: MethodOutput<'checkChain'>): string {
  const failed = result.checks.filter((c) => !c.ok)
  const height = result.blockNumber === null ? '' : ` at block ${result.blockNumber.toLocaleString('en-US')}`
  if (failed.length === 0) return `Every check passed${height}.`
  return `${failed.length} of ${result.checks.length} checks failed${height}: ${failed.map((c) => c.label).join(', ')}.`
}

export function ChainSection({ settings }: { settings: Settings }) {
  const save = useSaveSettings()
  const [mode, setMode] = useState<Mode>(settings.chain?.mode ?? 'dev')
  const [rpcUrl, setRpcUrl] = useState(settings.chain?.rpcUrl ?? '')
  const [chainId, setChainId] = useState<number | string>(settings.chain?.chainId ?? '')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [asking, setAsking] = useState(false)
  const check = useCheckChain()
  const server = fieldErrorsFromError(save.error)
  const shown = { ...server, ...errors }
  /** The choice as typed, or null (with the field errors shown) when it is incomplete. */
  const choice = (): MethodInput<'checkChain'> | null => {
    const found: Record<string, string> = {}
    if (mode === 'rpc') {
      if (!/^https?:\/\/\S+$/.test(rpcUrl.trim()))
        found['chain.rpcUrl'] = 'The RPC URL, such as https://rpc.example.org.'
      if (typeof chainId !== 'number' || chainId <= 0)
        found['chain.chainId'] = 'The chain id the RPC serves, such as 137.'
    }
    setErrors(found)
    if (Object.keys(found).length > 0) return null
    return mode === 'rpc' ? { mode, rpcUrl: rpcUrl.trim(), chainId: chainId as number } : { mode }
  }
  // A result belongs to the values it checked: any edit makes it stale.
  const checked =
    check.data && check.variables && same(check.variables, { mode, rpcUrl, chainId }) ? check.data : null
  const runCheck = () => {
    const c = choice()
    if (c) check.mutate(c)
    return c
  }
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="chain-title">
      <form
        aria-label="Chain"
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          const c = choice()
          if (!c) return
          // Checked first (unless these values were just checked): the confirmation tells the result.
          const checking = checked ? Promise.resolve() : check.mutateAsync(c).then(() => undefined)
          void checking.catch(() => undefined).then(() => setAsking(true))
        }}
      >
        <Stack gap="sm">
          <Title order={3} size="h4" id="chain-title">
            Chain
          </Title>
          <SegmentedControl
            aria-label="Chain to use"
            value={mode}
            onChange={(v) => setMode(v as Mode)}
            data={[
              { value: 'dev', label: 'Dev chain' },
              { value: 'rpc', label: 'RPC URL' },
              { value: 'off', label: 'Off' },
            ]}
          />
          <Text size="sm" c="dimmed">
            From the next start: {MODE_WORDS[mode]}.
          </Text>
          {mode === 'rpc' && (
            <Group grow align="flex-start">
              <TextInput
                label="RPC endpoint URL"
                placeholder="https://polygon-rpc.com"
                value={rpcUrl}
                onChange={(e) => setRpcUrl(e.currentTarget.value)}
                error={shown['chain.rpcUrl']}
              />
              <NumberInput
                label="Chain id"
                min={1}
                value={chainId}
                onChange={setChainId}
                error={shown['chain.chainId']}
              />
            </Group>
          )}
          <Group>
            <Button variant="default" onClick={() => runCheck()} loading={check.isPending}>
              Check
            </Button>
            <Button type="submit" variant="light" loading={save.isPending}>
              Use this chain
            </Button>
          </Group>
          {check.isError && <ErrorMessage title="The check could not run" error={check.error} />}
          {checked && (
            <Stack gap="xs" aria-live="polite">
              <Alert
                role="status"
                color={checked.ok ? 'green' : 'red'}
                variant="light"
                title={checked.ok ? 'Check passed' : 'Check failed'}
              >
                {checkSummary(checked)}
              </Alert>
              {/* The Alert above is the summary (with the block height). */}
              <HealthCheckList label="Chain checks" checks={checked.checks} summary={false} />
            </Stack>
          )}
          {save.isSuccess && (
            <Alert role="status" color="green" variant="light">
              Saved. Restart the console to connect; the chain is checked (chain id, reachability) at start.
            </Alert>
          )}
          {save.isError && <ErrorMessage title="Could not save the chain" error={save.error} />}
        </Stack>
      </form>
      <ConfirmDialog
        opened={asking}
        title={
          checked && !checked.ok
            ? 'Switch to a chain whose check failed?'
            : 'Switch the chain at the next start?'
        }
        confirmLabel={checked && !checked.ok ? 'Switch anyway' : 'Switch chain'}
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          setAsking(false)
          save.mutate({
            chain:
              mode === 'rpc'
                ? { mode, rpcUrl: rpcUrl.trim(), chainId: chainId as number }
                : { mode, rpcUrl: null, chainId: null },
          })
        }}
      >
        {checked && !checked.ok && <>{checkSummary(checked)} </>}
        Assets published on one chain do not exist on another: after the restart, the console serves only what
        the new chain has. Paid jobs in progress settle on the chain they started on.
      </ConfirmDialog>
    </Card>
  )
}
