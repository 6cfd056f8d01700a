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
 */
export function AddressLabel({
  value,
  what = 'value',
  dense = false,
  link,
  testId,
}: {
  value: string
  what?: string
  dense?: boolean
  link?: (short: string) => ReactNode
  /** On the shortened text (whose title is the full value), for tests that read either. */
  testId?: string
}) {
  const short = shortenValue(value)
  const text = (
    <span title={value} data-testid={testId} style={{ fontFamily: 'var(--mantine-font-family-monospace)' }}>
      {link ? link(short) : short}
    </span>
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
  // Dense: a plain inline-flex span rather than a Mantine Group (one styled Box less per cell).
  if (dense)
    return (
      <span style={{ display: 'inline-flex', alignItems: 'center', gap: 4, flexWrap: 'nowrap' }}>
        {text}
        {copy}
      </span>
    )
  return (
    <Group gap={4} wrap="nowrap" component="span" style={{ display: 'inline-flex' }}>
      <Tooltip label={value} openDelay={300}>
        {text}
      </Tooltip>
      {copy}
    </Group>
  )
}
