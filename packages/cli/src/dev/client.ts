/**
 * The browser side of `--dev`: the script served at `/__tinyhttp/dev.js`.
 *
 * @module
 */

/**
 * The live-reload client, plain ES2017 that every current browser runs as it is. It connects to
 * `ws(s)://<host>/__tinyhttp/dev` and, on a `{"type":"change","paths":[…],"css":true|false}` message,
 * swaps the stylesheets in place when only CSS changed (a clone of each `<link rel="stylesheet">` with a
 * cache-busting query is inserted after it, and the old one removed once the new one loaded: no flash,
 * no reload; when none of the page's links names a changed file, e.g. an `@import`ed one, every
 * same-origin stylesheet is refreshed) and reloads the page otherwise. A lost connection is retried with
 * back-off (250 ms doubling to 5 s, with jitter); once it is back (the server restarted) the page reloads,
 * since files may have changed meanwhile. It writes no markup (no `innerHTML`): it runs under
 * `require-trusted-types-for 'script'` too.
 *
 * @example
 * ```ts
 * ctx.res.body = DEV_CLIENT_SOURCE // with Content-Type: text/javascript
 * ```
 */
export const DEV_CLIENT_SOURCE = `// tinyhttp-cli --dev: live reload. Not served without --dev.
(function () {
  'use strict'
  if (window.__tinyhttpDev) return
  window.__tinyhttpDev = true
  var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/__tinyhttp/dev'
  var delay = 250
  var wasOpen = false

  function sameOrigin(link) {
    try { return new URL(link.href, location.href).origin === location.origin } catch (e) { return false }
  }

  function pathOf(link) {
    try { return decodeURIComponent(new URL(link.href, location.href).pathname) } catch (e) { return '' }
  }

  function refresh(link) {
    var next = link.cloneNode(false)
    var target = new URL(link.href, location.href)
    target.searchParams.set('__tinyhttp', Date.now().toString(36))
    next.href = target.href
    var done = function () { if (link.parentNode) link.parentNode.removeChild(link) }
    next.addEventListener('load', done)
    next.addEventListener('error', done)
    link.parentNode.insertBefore(next, link.nextSibling)
  }

  function swapStyles(paths) {
    var links = Array.prototype.filter.call(document.querySelectorAll('link[rel~="stylesheet"][href]'), sameOrigin)
    if (links.length === 0) return false
    var named = links.filter(function (link) { return paths.indexOf(pathOf(link)) >= 0 })
    ;(named.length > 0 ? named : links).forEach(refresh)
    return true
  }

  function onMessage(event) {
    var message
    try { message = JSON.parse(event.data) } catch (e) { return }
    if (!message || message.type !== 'change') return
    var paths = Array.isArray(message.paths) ? message.paths : []
    if (message.css === true && swapStyles(paths)) return
    location.reload()
  }

  function retry() {
    var wait = delay + Math.floor(Math.random() * delay / 4)
    delay = Math.min(delay * 2, 5000)
    setTimeout(connect, wait)
  }

  function connect() {
    var socket
    try { socket = new WebSocket(url) } catch (e) { retry(); return }
    socket.onopen = function () {
      // Back after a lost connection: the server restarted, files may have changed meanwhile.
      if (wasOpen) { location.reload(); return }
      wasOpen = true
      delay = 250
    }
    socket.onmessage = onMessage
    socket.onclose = function () { retry() }
  }

  connect()
})()
`
