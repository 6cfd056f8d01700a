// How `npm start` passes quit signals to the Electron child so that Ctrl-C shuts the app down
// gracefully on every OS (the app quits through app.quit() on SIGINT/SIGTERM/SIGHUP/SIGBREAK,
// main/launch.ts), and the wrapper itself waits for the child instead of dying first:
//  - POSIX: Ctrl-C reaches the whole foreground process group, the child included; a signal sent to
//    the wrapper alone (kill <pid>) is forwarded. A second copy of the same signal is harmless (the
//    graceful quit runs once).
//  - Windows: Electron is a GUI-subsystem program, not attached to the console, so it never sees
//    Ctrl-C; and child.kill() is TerminateProcess (no graceful stop). The child's stdin is a pipe
//    from the wrapper (C2D_QUIT_ON_STDIN=1, main/launch.ts): on Ctrl-C / Ctrl-Break / console close
//    the wrapper writes "quit" and waits; if the wrapper dies the pipe ends, which also quits.

/** @returns {Array<{ signal: NodeJS.Signals, forward: boolean }>} */
export function signalPlan(platform) {
  if (platform === 'win32')
    return [
      { signal: 'SIGINT', forward: false },
      { signal: 'SIGBREAK', forward: false },
      { signal: 'SIGHUP', forward: false },
    ]
  return [
    { signal: 'SIGINT', forward: true },
    { signal: 'SIGTERM', forward: true },
    { signal: 'SIGHUP', forward: true },
  ]
}

/** How the child is spawned for this plan: stdin and the extra environment. */
export function childStdio(platform) {
  return platform === 'win32'
    ? { stdin: 'pipe', env: { C2D_QUIT_ON_STDIN: '1' } }
    : { stdin: 'inherit', env: {} }
}

/** Installs the plan on `proc` for `child` (spawned with childStdio(platform)). */
export function relayQuitSignals(proc, child, platform = process.platform) {
  for (const { signal, forward } of signalPlan(platform))
    proc.on(signal, () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      if (forward) child.kill(signal)
      else if (child.stdin && !child.stdin.destroyed) child.stdin.write('quit\n')
    })
}
