// The one way an address, DID, job id or tx hash is shown: shortened (start and end, enough to
// tell two apart), the full value on hover and to screen readers, and a copy button.
import { ActionIcon, CopyButton, Group, Tooltip } from '@mantine/core'

/** Keeps the prefix ("0x", "did:op:") plus 6 characters, and the last 4. */
export function shortenValue(value: string): string {
  // URLs are read by their host and port, so they are never cut.
  if (value.includes('/')) return value
  const prefix = /^(did:op:|0x)/.exec(value)?.[0] ?? ''
  const body = value.slice(prefix.length)
  return body.length > 12 ? `${prefix}${body.slice(0, 6)}…${body.slice(-4)}` : value
}

/**
 * Drawn, not a character: '⧉' is missing from common system fonts (it rendered as an empty box
 * in Debian's Chromium), so the button would show nothing recognisable.
 */
function CopyIcon() {
  return (
    <svg
      width="14"
      height="14"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      aria-hidden="true"
    >
      <rect x="9" y="9" width="12" height="12" rx="2" />
      <path d="M5 15H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v1" />
    </svg>
  )
}

export function AddressLabel({ value, what = 'value' }: { value: string; what?: string }) {
  return (
    <Group gap={4} wrap="nowrap" component="span" style={{ display: 'inline-flex' }}>
      <Tooltip label={value} openDelay={300}>
        <span title={value} style={{ fontFamily: 'var(--mantine-font-family-monospace)' }}>
          {shortenValue(value)}
        </span>
      </Tooltip>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <ActionIcon
            variant="subtle"
            size="sm"
            onClick={copy}
            aria-label={copied ? `Copied ${what}` : `Copy ${what} ${value}`}
          >
            {copied ? '✓' : <CopyIcon />}
          </ActionIcon>
        )}
      </CopyButton>
    </Group>
  )
}
