// After a restart the tab's token is refused: the shell asks for the new one instead of a dead page.
import { describe, expect, it } from 'vitest'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../test-support/render-app'
import { createFakeConsole } from '../test-support/fake-console-service'
import { tokenFromPaste } from './token-paste'

describe('token paste', () => {
  it('reads the token from a pasted Console URL or takes the token alone', () => {
    expect(tokenFromPaste('http://127.0.0.1:41234#token=abc-123_X')).toBe('abc-123_X')
    expect(tokenFromPaste('  abc-123_X ')).toBe('abc-123_X')
    expect(tokenFromPaste('http://127.0.0.1:41234/')).toBeNull()
    expect(tokenFromPaste('two words')).toBeNull()
    expect(tokenFromPaste('')).toBeNull()
  })

  it(
    'asks for the new token when the console refuses this tab’s, and checks what is pasted',
    { timeout: 20_000 },
    async () => {
      const fake = createFakeConsole()
      fake.fail.getOverview = { code: 'UNAUTHORIZED', message: 'Missing or wrong console token.' }
      renderApp('overview', fake)
      const form = await screen.findByRole('form', { name: 'Paste the console token' })
      await userEvent.type(within(form).getByLabelText('Console URL or token'), 'http://127.0.0.1:41234/')
      await userEvent.click(within(form).getByRole('button', { name: 'Connect' }))
      expect(within(form).getByText(/Paste the whole Console URL/)).toBeTruthy()
    },
  )

  it('is not shown while the token works', async () => {
    renderApp('overview')
    await screen.findByRole('heading', { name: 'Overview', level: 2 })
    expect(screen.queryByRole('form', { name: 'Paste the console token' })).toBeNull()
  })
})
