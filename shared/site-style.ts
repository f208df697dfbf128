/**
 * The site's CSS: readable on phones, no client framework. Shared so the gateway's own error pages
 * (403/429, rendered without a backend round trip) look like the backend's pages.
 */
export const SITE_CSS = `
*{box-sizing:border-box}body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1b1f24;background:#f7f8fa;line-height:1.5}
header{background:#1f3a5f;color:#fff;padding:.75rem 1rem}header a{color:#fff;text-decoration:none;margin-right:1rem}
header nav{max-width:60rem;margin:0 auto;display:flex;flex-wrap:wrap;align-items:center;gap:.25rem}
header .who{margin-right:.5rem;color:#dfe7f1;font-size:.9rem;overflow-wrap:anywhere}
form.inline{display:inline;margin:0}button.link{background:none;color:#fff;padding:0;text-decoration:underline}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:#fff;color:#1b1f24;padding:.25rem .5rem}
main{max-width:60rem;margin:1.5rem auto;padding:0 1rem;overflow-wrap:anywhere}a{color:#1f5fa8}
.card{background:#fff;border:1px solid #e2e5ea;border-radius:8px;padding:1rem;margin:.75rem 0}
form.stack{display:grid;gap:.75rem;max-width:26rem}label{display:grid;gap:.25rem;font-weight:600}
input,select,textarea{font:inherit;padding:.5rem;border:1px solid #6b7480;border-radius:6px;max-width:100%}
button{font:inherit;padding:.55rem 1rem;border:0;border-radius:6px;background:#1f5fa8;color:#fff;cursor:pointer}
.muted{color:#4f5966}.error{color:#a61b1b}.ok{color:#1d6b33}mark{background:#fff3b0}
.pager{display:flex;justify-content:space-between;gap:1rem;margin:1rem 0}
footer{max-width:60rem;margin:2rem auto;padding:0 1rem;color:#4f5966;font-size:.9rem}
code{overflow-wrap:anywhere}.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
ul.reasons{margin:.5rem 0 0;padding-left:1.25rem}.actions{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;margin:.5rem 0}
`;
