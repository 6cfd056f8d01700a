/**
 * Serves `raw.githubusercontent.com/<owner>/<repo>/<ref>/<path>` from local git directories, for a
 * machine that cannot reach GitHub (the sample dataset and algorithm files ocean.js' and ocean-cli's
 * tests name by their GitHub raw URLs). Used by scripts/test-ocean-clients.mjs only.
 *
 * `startRawMirror(repos)` starts an HTTP server on 127.0.0.1 answering `/<owner>/<repo>/<ref>/<path>`
 * with `git show <ref>:<path>` of the matching git directory (bare or not); `refs/heads/<b>/…` and
 * `<b>/…` both name branch <b>; a ref the directory does not have falls back to its HEAD.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import { basename, dirname, join } from 'node:path'

/** owner/repo of a git directory: `<owner>+<repo>/repo` (the mirror layout) or its origin URL. */
export function repoName(gitDir) {
  const parent = basename(dirname(gitDir))
  if (basename(gitDir) === 'repo' && parent.includes('+')) return parent.replace('+', '/').toLowerCase()
  if (basename(gitDir).includes('+')) return basename(gitDir).replace('+', '/').toLowerCase()
  try {
    const url = execFileSync('git', ['--git-dir', gitDir, 'config', 'remote.origin.url'], {
      encoding: 'utf8',
    })
    const m = /[:/]([^/:]+)\/([^/]+?)(?:\.git)?\s*$/.exec(url)
    if (m) return `${m[1]}/${m[2]}`.toLowerCase()
  } catch {
    // no origin
  }
  return undefined
}

/** The git directories under a mirror root: `<root>/<owner>+<repo>/repo` or `<root>/<owner>+<repo>`. */
export function mirrorGitDir(root, owner, repo) {
  for (const candidate of [join(root, `${owner}+${repo}`, 'repo'), join(root, `${owner}+${repo}`)])
    if (existsSync(join(candidate, 'HEAD'))) return candidate
  return undefined
}

function gitShow(gitDir, ref, path) {
  for (const rev of [ref, 'HEAD']) {
    try {
      return execFileSync('git', ['--git-dir', gitDir, 'show', `${rev}:${path}`], {
        maxBuffer: 256 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'ignore'],
      })
    } catch {
      // try the next revision
    }
  }
  return undefined
}

export async function startRawMirror(mirrorRoot) {
  const server = createServer((req, res) => {
    const parts = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
      .split('/')
      .filter(Boolean)
    const [owner, repo, ...rest] = parts
    const gitDir = owner && repo ? mirrorGitDir(mirrorRoot, owner, repo) : undefined
    if (rest[0] === 'refs' && rest[1] === 'heads') rest.splice(0, 2)
    const [ref, ...path] = rest
    const body = gitDir && ref && path.length > 0 ? gitShow(gitDir, ref, path.join('/')) : undefined
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404: Not Found')
      return
    }
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length })
    res.end(req.method === 'HEAD' ? undefined : body)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() }
}
