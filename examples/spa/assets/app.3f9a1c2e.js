// The whole app: a router over the History API. Every path renders in the same shell (index.html),
// which the server answers for any path that is not a file (`/* /index.html 200` in _redirects).
const views = [
  [/^\/$/, () => ['Home', 'A single-page app served by tinyhttp-cli from its own _headers and _redirects.']],
  [/^\/blog\/([^/]+)$/, slug => ['Blog', `Post “${decodeURIComponent(slug)}”.`]],
  [/^\/guide\/$/, () => ['Guide', 'The guide (the old /docs redirects here).']],
  [/^\/settings\/profile$/, () => ['Profile settings', 'Your name, your avatar, your preferences.']],
]

function render(path) {
  const app = document.getElementById('app')
  let title = 'Not found'
  let text = `Nothing at ${path}.`
  for (const [re, view] of views) {
    const m = re.exec(path)
    if (m !== null) {
      ;[title, text] = view(...m.slice(1))
      break
    }
  }
  const h1 = document.createElement('h1')
  h1.textContent = title
  const p = document.createElement('p')
  p.textContent = text
  app.replaceChildren(h1, p)
  app.dataset.route = path
  app.dataset.state = 'ready'
  document.title = `${title} · Tiny SPA`
}

// Links inside the site change the view without a page load.
document.addEventListener('click', event => {
  const link = event.target instanceof Element ? event.target.closest('a[href^="/"]') : null
  if (link === null || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey) return
  event.preventDefault()
  history.pushState(null, '', link.getAttribute('href'))
  render(location.pathname)
})
addEventListener('popstate', () => render(location.pathname))
render(location.pathname)

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).then(
    () => (document.documentElement.dataset.sw = 'registered'),
    err => (document.documentElement.dataset.sw = `failed: ${err}`),
  )
}
