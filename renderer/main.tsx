/**
 * Renderer entry: a plain web app that works in Chromium with or without Electron. Imports only the
 * console contract from engine/ (the Vite build guard enforces it).
 */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app-shell/app-shell'
import { createBrowserConsole } from './console-client/console-client'
import '@mantine/core/styles.css'
import '@mantine/notifications/styles.css'
import './app-shell/theme.css'

const { client, connection } = createBrowserConsole(window)
// The token is kept in sessionStorage; drop it from the address bar so it is not shared by copy-paste.
if (window.location.hash.includes('token='))
  history.replaceState(null, '', window.location.pathname + window.location.search)

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App client={client} connection={connection} />
  </StrictMode>,
)
