// Browser mode only: the console's token is per launch, so after a restart this tab's token is
// refused (UNAUTHORIZED). Instead of a dead page, ask for the new one: the Console URL printed at
// start (it carries #token=) or the token alone, kept for this tab like the first one.
import { useState } from 'react'
import { Button, Group, Paper, Text, TextInput } from '@mantine/core'
import { readTokenFromFragment } from '../console-client/console-client'

/** The token in a pasted Console URL (…#token=…) or the token itself; null when there is none. */
export function tokenFromPaste(text: string): string | null {
  const value = text.trim()
  if (!value) return null
  const hash = value.includes('#') ? value.slice(value.indexOf('#')) : ''
  if (hash) return readTokenFromFragment(hash)
  if (/^https?:\/\//i.test(value)) return null
  return /^[A-Za-z0-9_\-+/=%.~]+$/.test(value) ? value : null
}

export function TokenPaste({ onToken }: { onToken: (token: string) => void }) {
  const [text, setText] = useState('')
  const [error, setError] = useState<string | null>(null)
  return (
    <Paper withBorder p="md" mb="md" component="section" aria-label="Console token">
      <Text fw={600}>This tab’s access token is no longer valid</Text>
      <Text size="sm" mb="sm">
        The console was restarted (each start makes a new token). Paste the Console URL it printed at start,
        or the token alone; nothing on screen is current until then.
      </Text>
      <form
        aria-label="Paste the console token"
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          const token = tokenFromPaste(text)
          if (!token)
            return setError(
              'Paste the whole Console URL (it ends with #token=…) or the token that follows token=.',
            )
          setError(null)
          onToken(token)
        }}
      >
        <Group align="flex-start">
          <TextInput
            style={{ flex: 1 }}
            label="Console URL or token"
            placeholder="http://127.0.0.1:41234#token=…"
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            error={error}
          />
          <Button type="submit" mt={24}>
            Connect
          </Button>
        </Group>
      </form>
    </Paper>
  )
}

/** Keeps the pasted token for this tab (as the launch URL's was) and reloads onto it. */
export function keepPastedToken(win: Window = window) {
  return (token: string) => {
    win.sessionStorage.setItem('c2d.token', token)
    win.location.reload()
  }
}
