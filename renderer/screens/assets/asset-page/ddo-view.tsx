// The asset's DDO as consumers and ocean.js read it, read-only and folded away until asked for.
import { useState } from 'react'
import { Button, Card, Collapse, Group, JsonInput, Text, Title } from '@mantine/core'

export function DdoView({ ddo }: { ddo: Record<string, unknown> | undefined }) {
  const [open, setOpen] = useState(false)
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="ddo-title">
      <Group justify="space-between">
        <Title order={3} size="h4" id="ddo-title">
          DDO
        </Title>
        <Button
          variant="subtle"
          size="compact-sm"
          aria-expanded={open}
          aria-controls="ddo-json"
          onClick={() => setOpen((o) => !o)}
          disabled={!ddo}
        >
          {open ? 'Hide the DDO' : 'Show the DDO'}
        </Button>
      </Group>
      {!ddo && (
        <Text size="sm" mt="xs">
          This console has no DDO to show for this asset.
        </Text>
      )}
      <Collapse expanded={open}>
        {open && ddo && (
          <JsonInput
            id="ddo-json"
            label="The DDO as on chain (files encrypted for the Provider)"
            value={JSON.stringify(ddo, null, 2)}
            readOnly
            autosize={false}
            rows={18}
            mt="xs"
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          />
        )}
      </Collapse>
    </Card>
  )
}
