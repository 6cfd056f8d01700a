// Health checks, every one listed (not only the first failure): a mark and word for the result
// (passed, failed, not run), the cause in words, the message, and the fix for a failed one. The
// Kubernetes permission checks (rbac:…) are one group: failed ones shown, the rest behind a toggle.
import { useState } from 'react'
import { Badge, Button, Code, Collapse, Group, List, Text } from '@mantine/core'

export interface HealthCheckView {
  id: string
  label: string
  ok: boolean
  message: string
  fix?: string
  cause?: string
  skipped?: boolean
}

/** The engine's one-word causes (contract.ts healthCheckSchema), in words. */
export const CAUSE_WORDS: Record<string, string> = {
  kubeconfig: 'kubeconfig problem',
  dns: 'DNS: host name does not resolve',
  refused: 'connection refused',
  timeout: 'timeout: no answer',
  unreachable: 'no network route',
  reset: 'connection closed by the server',
  'tls-unknown-ca': 'TLS: unknown certificate authority',
  'tls-hostname-mismatch': 'TLS: certificate is for another host name',
  'tls-expired': 'TLS: certificate expired',
  tls: 'TLS handshake failed',
  'exec-not-found': 'exec plugin not installed',
  'exec-failed': 'exec plugin failed',
  'exec-bad-output': 'exec plugin gave no credential',
  'exec-timeout': 'exec plugin did not finish',
  unauthorized: 'credentials refused (401)',
  forbidden: 'RBAC: not allowed (403)',
  'namespace-missing': 'namespace missing',
  'http-error': 'API server error',
  'egress-open': 'NetworkPolicy not enforced',
  'egress-unproven': 'egress not proven',
  unknown: 'unknown cause',
}

function CheckItem({ check }: { check: HealthCheckView }) {
  const state = check.ok ? 'passed' : check.skipped ? 'not run' : 'failed'
  return (
    <List.Item>
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <Badge
          color={check.ok ? 'green' : check.skipped ? 'gray' : 'red'}
          variant="dot"
          style={{ textTransform: 'none', flexShrink: 0 }}
        >
          {check.ok ? '✓ passed' : check.skipped ? '– not run' : '✗ failed'}
        </Badge>
        <div aria-label={`${check.label}: ${state}`} role="group">
          <Group gap={6}>
            <Text size="sm" fw={600}>
              {check.label}
            </Text>
            {!check.ok && check.cause && (
              <Badge color="red" variant="light" size="sm" style={{ textTransform: 'none' }}>
                Cause: {CAUSE_WORDS[check.cause] ?? check.cause}
              </Badge>
            )}
          </Group>
          <Text size="sm" c={check.skipped ? 'dimmed' : undefined}>
            {check.message}
          </Text>
          {!check.ok && check.fix && (
            <Text size="sm" c="dimmed" className="fix">
              Fix: {check.fix}
            </Text>
          )}
        </div>
      </Group>
    </List.Item>
  )
}

function PermissionGroup({ checks }: { checks: HealthCheckView[] }) {
  const [open, setOpen] = useState(false)
  const failed = checks.filter((c) => !c.ok && !c.skipped)
  const rest = checks.filter((c) => c.ok || c.skipped)
  const passed = checks.filter((c) => c.ok).length
  const skipped = checks.filter((c) => c.skipped).length
  const summary =
    skipped === checks.length
      ? `${checks.length} permissions: not run`
      : `${checks.length} permissions: ${passed} passed${failed.length ? `, ${failed.length} failed` : ''}${skipped ? `, ${skipped} not run` : ''}`
  return (
    <List.Item>
      <Text size="sm" fw={600}>
        {summary}
      </Text>
      {failed.length > 0 && (
        <List spacing="xs" listStyleType="none" pl={0} mt={4} aria-label="Failed permissions">
          {failed.map((c) => (
            <CheckItem key={c.id} check={c} />
          ))}
        </List>
      )}
      {rest.length > 0 && (
        <>
          <Button variant="subtle" size="compact-xs" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
            {open ? 'Hide' : 'Show'} the {failed.length > 0 ? 'other ' : ''}
            {rest.length} permission checks
          </Button>
          <Collapse expanded={open}>
            <List spacing="xs" listStyleType="none" pl={0} mt={4} aria-label="Other permissions">
              {rest.map((c) => (
                <CheckItem key={c.id} check={c} />
              ))}
            </List>
          </Collapse>
        </>
      )}
    </List.Item>
  )
}

export function HealthCheckList({
  checks,
  label,
  apiServer,
  summary = true,
}: {
  checks: HealthCheckView[]
  label: string
  /** The Kubernetes API server the checks talked to. */
  apiServer?: string
  /** The "n of m checks failed" status line; off where the caller announces its own summary. */
  summary?: boolean
}) {
  const firstRbac = checks.findIndex((c) => c.label.startsWith('rbac:'))
  const rbac = checks.filter((c) => c.label.startsWith('rbac:'))
  const failed = checks.filter((c) => !c.ok && !c.skipped).length
  return (
    <div>
      {apiServer && (
        <Text size="sm" mb={4}>
          API server <Code>{apiServer}</Code>
        </Text>
      )}
      {summary && checks.length > 0 && (
        <Text size="sm" mb={4} role="status">
          {failed === 0 && checks.every((c) => c.ok)
            ? `All ${checks.length} checks passed`
            : `${failed} of ${checks.length} checks failed${checks.some((c) => c.skipped) ? `, ${checks.filter((c) => c.skipped).length} not run` : ''}`}
        </Text>
      )}
      <List aria-label={label} spacing="xs" listStyleType="none" pl={0}>
        {checks.map((c, i) =>
          c.label.startsWith('rbac:') ? (
            i === firstRbac ? (
              <PermissionGroup key="rbac" checks={rbac} />
            ) : null
          ) : (
            <CheckItem key={c.id} check={c} />
          ),
        )}
      </List>
    </div>
  )
}
