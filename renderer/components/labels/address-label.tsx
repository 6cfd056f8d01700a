// The one way an address, DID, job id or tx hash is shown: shortened (start and end, enough to
// tell two apart), the full value on hover and to screen readers, and a copy button.
import type { ReactNode } from 'react'
import { Group, Tooltip } from '@mantine/core'
import { shortenValue } from '../../../engine/console-api/contract'
import { CopyValueButton } from '../copy-value-button'

// The shortening itself lives in the contract, so the engine's notification texts, the e2e page
// objects and every label here cut an id the same way.
export { shortenValue }

/**
 * `what` names the value for the copy button ("Copy DID did:op:…"). `dense` is for rows of a virtual
 * table: the full value as a native title, no Mantine Tooltip per cell (see DateLabel's `dense`).
 * `link` wraps the short text (a job id that opens its page) and keeps the hover and the copy.
 * `container` puts the short text (with its hover) inside something, a heading ("Job 3f2a…91c0"),
 * while the copy button stays beside it: inside, its label would become part of the heading's name.
 */
export function AddressLabel({
  value,
  what = 'value',
  dense = false,
  link,
  container,
  testId,
}: {
  value: string
  what?: string
  dense?: boolean
  link?: (short: string) => ReactNode
  container?: (label: ReactNode) => ReactNode
  /** On the shortened text (whose title is the full value), for tests that read either. */
  testId?: string
}) {
  const short = shortenValue(value)
  const text = (
    <span
      title={value}
      data-testid={testId}
      // A short id is one word: never broken after its "…" in a narrow column.
      style={{ fontFamily: 'var(--mantine-font-family-monospace)', whiteSpace: 'nowrap' }}
    >
      {link ? link(short) : short}
    </span>
  )
  const label = dense ? (
    text
  ) : (
    <Tooltip label={value} openDelay={300}>
      {text}
    </Tooltip>
  )
  const copy = (
    <CopyValueButton
      value={value}
      variant="subtle"
      label={`Copy ${what} ${value}`}
      copiedLabel={`Copied ${what}`}
      dense={dense}
    />
  )
  // Dense, in running text: a plain inline-flex span rather than a Mantine Group (one styled Box
  // less per cell of a virtual table).
  if (dense && !container)
    return (
      <span style={{ display: 'inline-flex', alignItems: 'center', gap: 4, flexWrap: 'nowrap' }}>
        {label}
        {copy}
      </span>
    )
  return (
    // A div around a heading (a block in a span is not valid HTML); a span in running text.
    <Group gap={4} wrap="nowrap" component={container ? 'div' : 'span'} style={{ display: 'inline-flex' }}>
      {container ? container(label) : label}
      {copy}
    </Group>
  )
}
