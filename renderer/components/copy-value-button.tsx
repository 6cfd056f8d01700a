// The one copy button: Mantine's CopyButton driving an ActionIcon with a drawn copy icon. The
// "default" variant has a visible border and background in both themes and never shrinks, so a
// long value beside it cannot squeeze it into a dot (the dark Overview's Provider URL did).
import { ActionIcon, CopyButton, Tooltip } from '@mantine/core'

/**
 * Drawn, not a character: '⧉' is missing from common system fonts (it rendered as an empty box
 * in Debian's Chromium), so the button would show nothing recognisable.
 */
export function CopyIcon({ copied = false }: { copied?: boolean }) {
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
      {copied ? (
        <path d="M5 12l5 5L20 7" />
      ) : (
        <>
          <rect x="9" y="9" width="12" height="12" rx="2" />
          <path d="M5 15H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v1" />
        </>
      )}
    </svg>
  )
}

/**
 * `label` names the button for screen readers and tests ("Copy provider URL"); `copiedLabel`
 * replaces it for a moment after a click. `variant` "subtle" is for inline values in text.
 */
export function CopyValueButton({
  value,
  label,
  copiedLabel = 'Copied',
  variant = 'default',
  dense = false,
}: {
  value: string
  label: string
  copiedLabel?: string
  variant?: 'default' | 'subtle'
  /** In rows of a virtual table: the hint as a title, no Mantine Tooltip (see DateLabel's `dense`). */
  dense?: boolean
}) {
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => {
        const button = (
          <ActionIcon
            variant={variant}
            color={copied ? 'teal' : 'gray'}
            size="sm"
            onClick={copy}
            aria-label={copied ? copiedLabel : label}
            title={dense ? (copied ? 'Copied' : 'Copy') : undefined}
            style={{ flexShrink: 0 }}
          >
            <CopyIcon copied={copied} />
          </ActionIcon>
        )
        return dense ? (
          button
        ) : (
          <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow openDelay={200}>
            {button}
          </Tooltip>
        )
      }}
    </CopyButton>
  )
}
