// Overview → first run: what is left before consumers can use this console, in order (wallet →
// compute backend → public URL → first asset → share with consumers). Derived from the server
// state the other screens use; hidden once all is done, or once dismissed (kept in the UI store).
import { useState } from 'react'
import { Anchor, Badge, Button, Card, Group, List, Stack, Text, Title } from '@mantine/core'
import { Link } from '@tanstack/react-router'
import type { AssetSummary, MethodOutput } from '../../../engine/console-api/contract'
import { useAssets } from '../../server-state/assets'
import { useReachability } from '../../server-state/network'
import { useOverview } from '../../server-state/overview'
import { useWallet } from '../../server-state/settings'
import { useUiStore } from '../../ui-state/ui-store'
import { LiveCard } from '../assets/publish-wizard/live-card'
import type { Reachability } from './reachability-fixes'

export type FirstRunStepId = 'wallet' | 'backend' | 'public-url' | 'first-asset' | 'share'

export interface FirstRunStep {
  id: FirstRunStepId
  label: string
  done: boolean
  /** What to do next, in words, while not done. */
  todo: string
  to: '/settings' | '/compute-backend' | '/assets/new' | '/assets'
  linkText: string
}

export interface FirstRunInputs {
  wallet: MethodOutput<'getWallet'>
  overview: MethodOutput<'getOverview'>
  reachability: Reachability
  assets: AssetSummary[]
}

/** This console's own assets (not those the chain indexer found elsewhere), oldest first. */
function ownAssets(assets: AssetSummary[]): AssetSummary[] {
  return assets.filter((a) => !a.publishedElsewhere)
}

/** The checklist, in order (pure: tested alone). */
export function firstRunSteps({ wallet, overview, reachability, assets }: FirstRunInputs): FirstRunStep[] {
  const c = overview.jobCounts
  const anyJob = c.running + c.queued + c.finished + c.failed > 0
  const reachable =
    reachability.http.selfCheck.state === 'ok' || (reachability.p2p.enabled && reachability.p2p.isReachable)
  return [
    {
      id: 'wallet',
      label: 'Create the provider wallet',
      done: wallet.state !== 'none',
      todo: 'It signs every DDO and receives payments; the console shows this one address everywhere.',
      to: '/settings',
      linkText: 'Create it in Settings',
    },
    {
      id: 'backend',
      label: 'Get the compute backend healthy',
      done: overview.health?.ok === true,
      todo: 'Jobs run in the local sandbox or on Kubernetes; its checks say what to fix.',
      to: '/compute-backend',
      linkText: 'Open Compute backend',
    },
    {
      id: 'public-url',
      label: 'Make the Provider reachable',
      done: reachable,
      todo: 'Consumers on other machines need a public URL (or P2P) that reaches this Provider.',
      to: '/settings',
      linkText: 'Set it in Settings → Network',
    },
    {
      id: 'first-asset',
      label: 'Publish your first dataset',
      done: ownAssets(assets).length > 0,
      todo: 'Files, metadata, trusted algorithms and a price, in a wizard.',
      to: '/assets/new',
      linkText: 'Publish a dataset',
    },
    {
      id: 'share',
      label: 'Share it with consumers',
      done: anyJob,
      todo: 'Give consumers the DID, the Provider URL and the ocean.js snippet; done once a first job runs.',
      to: '/assets',
      linkText: 'Open the assets',
    },
  ]
}

export function FirstRunChecklist() {
  const wallet = useWallet()
  const overview = useOverview()
  const reachability = useReachability()
  const assets = useAssets()
  const dismissed = useUiStore((s) => s.firstRunDismissed)
  const dismiss = useUiStore((s) => s.dismissFirstRun)
  const [showShare, setShowShare] = useState(false)
  if (dismissed || !wallet.data || !overview.data || !reachability.data || !assets.data) return null
  const steps = firstRunSteps({
    wallet: wallet.data,
    overview: overview.data,
    reachability: reachability.data,
    assets: assets.data.assets,
  })
  const left = steps.filter((s) => !s.done).length
  if (left === 0) return null
  const firstAsset = ownAssets(assets.data.assets)[0]
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="first-run-title">
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={3} size="h4" id="first-run-title">
            Get started
          </Title>
          <Text size="sm" c="dimmed">
            {`${steps.length - left} of ${steps.length} done`}
          </Text>
        </div>
        <Button variant="subtle" size="compact-sm" onClick={dismiss}>
          Hide this checklist
        </Button>
      </Group>
      <List component="ol" listStyleType="none" spacing="sm" mt="sm" aria-label="First-run steps">
        {steps.map((step, i) => (
          <List.Item key={step.id} data-step={step.id} data-done={step.done}>
            <Group gap="xs" wrap="nowrap" align="flex-start">
              <Badge
                variant={step.done ? 'dot' : 'outline'}
                color={step.done ? 'green' : 'gray'}
                style={{ textTransform: 'none' }}
                miw={64}
              >
                {step.done ? 'Done' : `Step ${i + 1}`}
              </Badge>
              <Stack gap={2}>
                <Text size="sm" fw={600}>
                  {step.label}
                </Text>
                {!step.done && (
                  <Text size="sm">
                    {step.todo}{' '}
                    {step.id === 'share' && firstAsset ? (
                      <Anchor
                        component="button"
                        type="button"
                        size="sm"
                        underline="always"
                        onClick={() => setShowShare((v) => !v)}
                      >
                        {showShare ? 'Hide what to share' : `What to share for ${firstAsset.name}`}
                      </Anchor>
                    ) : (
                      <Anchor component={Link} to={step.to} size="sm" underline="always">
                        {step.linkText}
                      </Anchor>
                    )}
                  </Text>
                )}
              </Stack>
            </Group>
          </List.Item>
        ))}
      </List>
      {firstAsset && showShare && (
        <div style={{ marginTop: 12 }}>
          <LiveCard asset={firstAsset} providerUrl={overview.data.providerUrl} />
        </div>
      )}
    </Card>
  )
}
