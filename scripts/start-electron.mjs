// `npm start`: the Electron desktop app. Its shell (main/, preload, packaging) is not built yet in
// this version of the console; say so plainly instead of failing with a missing-file error.
console.error(
  [
    'npm start: the Electron desktop app is not available in this build yet.',
    'Use the headless console instead — the same UI in your browser:',
    '',
    '  npm run serve',
    '',
    'then open the "Console:" URL it prints.',
  ].join('\n'),
)
process.exit(1)
