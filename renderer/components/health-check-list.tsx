// Health checks, every one listed (not only the first failure): a mark and word for the result,
// the message, and the fix in words for a failed one.
import { Badge, Group, List, Text } from '@mantine/core'

export interface HealthCheckView {
  id: string
  label: string
  ok: boolean
  message: string
  fix?: string
}

export function HealthCheckList({ checks, label }: { checks: HealthCheckView[]; label: string }) {
  return (
    <List aria-label={label} spacing="xs" listStyleType="none" pl={0}>
      {checks.map((c) => (
        <List.Item key={c.id}>
          <Group gap="xs" wrap="nowrap" align="flex-start">
            <Badge
              color={c.ok ? 'green' : 'red'}
              variant="dot"
              style={{ textTransform: 'none', flexShrink: 0 }}
            >
              {c.ok ? '✓ passed' : '✗ failed'}
            </Badge>
            <div>
              <Text size="sm" fw={600}>
                {c.label}
              </Text>
              <Text size="sm">{c.message}</Text>
              {!c.ok && c.fix && (
                <Text size="sm" c="dimmed" className="fix">
                  Fix: {c.fix}
                </Text>
              )}
            </div>
          </Group>
        </List.Item>
      ))}
    </List>
  )
}
