// Picks an option of a Mantine Select (or MultiSelect) as a user does: open its dropdown, click the
// option by its accessible name. The dropdown renders in a portal, so the option is found on the page;
// jsdom runs no CSS transition, so the opening dropdown still counts as hidden to role queries.
import { expect } from 'vitest'
import { waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'

export async function pickOption(combobox: HTMLElement, name: string | RegExp): Promise<void> {
  const listbox = await openListbox(combobox)
  await userEvent.click(
    await within(listbox).findByRole('option', { name, hidden: true }, { timeout: 10_000 }),
  )
}

/** The dropdown a Mantine Select controls (opened first if closed; see pickOption on `hidden`). */
export async function openListbox(combobox: HTMLElement): Promise<HTMLElement> {
  if (combobox.getAttribute('aria-expanded') !== 'true') await userEvent.click(combobox)
  await waitFor(() => expect(combobox.getAttribute('aria-controls')).toBeTruthy(), { timeout: 10_000 })
  const listbox = document.getElementById(combobox.getAttribute('aria-controls')!)
  if (!listbox) throw new Error('the Select has no open dropdown')
  return listbox
}

/** The options of an open dropdown, by their words. */
export const optionWords = (listbox: HTMLElement) =>
  within(listbox)
    .queryAllByRole('option', { hidden: true })
    .map((o) => o.textContent ?? '')
