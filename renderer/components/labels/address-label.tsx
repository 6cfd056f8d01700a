// The one way an address, DID, job id or tx hash is shown: shortened (start and end, enough to
// tell two apart), the full value on hover and to screen readers, and a copy button.
import { Group, Tooltip } from '@mantine/core'
import { CopyValueButton } from '../copy-value-button'

/** Keeps the prefix ("0x", "did:op:") plus 6 characters, and the last 4. */
export function shortenValue(value: string): string {
  // URLs are read by their host and port, so they are never cut.
  if (value.includes('/')) return value
  const prefix = /^(did:op:|0x)/.exec(value)?.[0] ?? ''
  const body = value.slice(prefix.length)
  return body.length > 12 ? `${prefix}${body.slice(0, 6)}…${body.slice(-4)}` : value
}

export function AddressLabel({ value, what = 'value' }: { value: string; what?: string }) {
  return (
    <Group gap={4} wrap="nowrap" component="span" style={{ display: 'inline-flex' }}>
      <Tooltip label={value} openDelay={300}>
        <span title={value} style={{ fontFamily: 'var(--mantine-font-family-monospace)' }}>
          {shortenValue(value)}
        </span>
      </Tooltip>
      <CopyValueButton
        value={value}
        variant="subtle"
        label={`Copy ${what} ${value}`}
        copiedLabel={`Copied ${what}`}
      />
    </Group>
  )
}
