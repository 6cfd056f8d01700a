// The "starting" page: the engine's start steps as they happen, and a fatal failure with its fix.
// Plain script (it must show before, and without, the renderer build); talks to main only through
// window.c2d's startup members (main/preload/c2d-bridge.ts). Text only: no innerHTML.
'use strict'
;(function () {
  var c2d = window.c2d
  function render(state) {
    var list = document.getElementById('steps')
    list.textContent = ''
    state.steps.forEach(function (s) {
      var li = document.createElement('li')
      li.dataset.state = s.state
      li.dataset.step = s.step
      li.textContent = s.label + (s.state === 'skipped' ? ' (not used)' : '')
      if (s.message) {
        var m = document.createElement('span')
        m.className = 'message'
        m.textContent = s.message
        li.appendChild(m)
      }
      list.appendChild(li)
    })
    document.getElementById('phase').textContent =
      state.phase === 'failed'
        ? 'The console could not start.'
        : state.phase === 'ready'
          ? 'Ready.'
          : 'Starting…'
    var failure = document.getElementById('failure')
    failure.hidden = !state.failure
    if (state.failure) {
      document.getElementById('failure-title').textContent = state.failure.title
      document.getElementById('failure-message').textContent = state.failure.message
      document.getElementById('failure-fix').textContent = state.failure.fix
    }
  }
  if (!c2d || typeof c2d.onStartup !== 'function') return
  c2d.onStartup(render)
  c2d.startupState().then(render, function () {})
})()
