/**
 * Vite build of the renderer into dist/renderer. The build guard (Temporal's `disallowedModules`)
 * fails the build if the renderer resolves electron, node:* or any engine/ module other than the
 * contract and job-status: the renderer must stay a plain web app (style.md §2.2).
 */
import { defineConfig, type Plugin } from 'vite'
import react from '@vitejs/plugin-react'

// No node:path here: this file lives under renderer/, where the lint layer forbids node:* too.
// Vite ids are absolute paths with forward slashes; a file: URL's pathname gives the same form.
const folder = (relative: string) =>
  decodeURIComponent(new URL(relative, import.meta.url).pathname).replace(/^\/([A-Za-z]:)/, '$1')
const rendererDir = folder('.')
const repoRoot = folder('..')
const engineDir = folder('../engine/')
const ALLOWED_ENGINE = ['console-api/contract', 'operator-service/job-status'].map((p) => engineDir + p)

export function rendererBoundary(): Plugin {
  const refuse = (what: string, importer: string | undefined) => {
    throw new Error(
      `renderer build guard: "${what}" imported from ${importer ?? '?'} — the renderer may import only engine/console-api/contract and job-status; never electron or node:*`,
    )
  }
  return {
    name: 'c2d-renderer-boundary',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (source === 'electron' || source.startsWith('electron/') || source.startsWith('node:'))
        refuse(source, importer)
      const resolved = await this.resolve(source, importer, { skipSelf: true })
      const id = resolved?.id.split('?')[0]
      if (
        id &&
        id.startsWith(engineDir) &&
        !ALLOWED_ENGINE.some((allowed) => id === allowed || id.startsWith(allowed + '.'))
      )
        refuse(source, importer)
      return resolved
    },
  }
}

export default defineConfig({
  root: rendererDir,
  base: './',
  plugins: [rendererBoundary(), react()],
  build: { outDir: repoRoot + 'dist/renderer', emptyOutDir: true, sourcemap: true },
})
