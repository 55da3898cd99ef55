/**
 * `npm start`: the reference server on embedded PGlite in `.data/` (nothing to install; data survives a
 * restart), with the demo users and job types, a worker in the same process, and a page at `/` saying what
 * this is and how to sign in as each demo user.
 */

import { loadUsers } from '../server/auth/tokens.js';
import { ConfigError, readConfig, startServer, stopOnSignals } from '../server/main.js';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

let config: ReturnType<typeof readConfig>;
try {
  config = readConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Configuration error: ${error.message}`);
  process.exit(2);
}
const users = await loadUsers(config.usersFile);

const rows = users
  .map(
    (user) => `<tr><td>${escapeHtml(user.name)} (<code>${escapeHtml(user.id)}</code>)</td>
<td>${user.permissions.map((p) => `<code>${escapeHtml(p)}</code>`).join(' ')}</td>
<td><code>${escapeHtml(user.token)}</code></td>
<td><button type="button" data-token="${escapeHtml(user.token)}">Use in this browser</button></td></tr>`,
  )
  .join('\n');

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Job tracker kit — reference server</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}</style></head>
<body>
<h1>Job tracker kit — reference server</h1>
<p>This is the reference implementation of the job tracker API (<code>openapi.yaml</code>), running on embedded
PGlite with a worker in the same process. The full demo app comes later; for now, call the API.</p>
<h2>Demo users</h2>
<p>Send a token as <code>Authorization: Bearer &lt;token&gt;</code>, or press a button to keep it in the
<code>job_session</code> cookie so the links below work in this browser.</p>
<table><tr><th>User</th><th>Permissions</th><th>Token</th><th></th></tr>
${rows}
</table>
<p id="signed-in"></p>
<h2>Try</h2>
<ul>
<li><a href="/api/me">/api/me</a> — who you are</li>
<li><a href="/api/job-types">/api/job-types</a> — the demo job types and their parameters</li>
<li><a href="/api/jobs">/api/jobs</a> — your jobs (everyone's for the supervisor)</li>
<li><a href="/api/jobs/facets">/api/jobs/facets</a> — counts per status and type</li>
<li><a href="/api/jobs/export">/api/jobs/export</a> — the list as CSV</li>
</ul>
<p>Launch a job:</p>
<pre>curl -X POST http://localhost:${config.port}/api/jobs -H 'Authorization: Bearer ${escapeHtml(users[0]?.token ?? '')}' \\
  -H 'Content-Type: application/json' \\
  -d '{"type":"product-import","params":{"fileName":"products.csv","file":"sku,name,price,stock\\nA-1,Chair,19.90,4\\nA-2,Desk,twelve,1\\n"}}'</pre>
<script type="module">
const show = () => {
  const token = document.cookie.match(/(?:^|; )job_session=([^;]*)/)?.[1];
  document.getElementById('signed-in').textContent = token ? 'Signed in with token ' + decodeURIComponent(token) : 'Not signed in.';
};
for (const button of document.querySelectorAll('button[data-token]')) {
  button.addEventListener('click', () => {
    document.cookie = 'job_session=' + encodeURIComponent(button.dataset.token) + '; path=/; SameSite=Lax';
    show();
  });
}
show();
</script>
</body></html>`;

const server = await startServer(config, (app) => {
  app.get('/', (c) => c.html(page));
});
console.log(`Job tracker demo: open ${server.url}/ (API at ${server.url}/api, data in ${config.dataDir})`);
stopOnSignals(server);
