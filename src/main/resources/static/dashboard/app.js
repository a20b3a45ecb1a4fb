// Wires the dashboard's views together: tabs, the job list's clock, and the selected job.
import { JobList } from './joblist.js';
import { JobView } from './jobview.js';
import { CompareView } from './compare.js';
import { SweepsView } from './sweeps.js';
import { JobForm } from './form.js';
import { apiKey, download, getJson, setApiKey } from './api.js';

// Sign-in: the key stays in this tab's sessionStorage and goes as a bearer header with every request.
const signinStatus = document.getElementById('signin-status');
const signoutButton = document.getElementById('signout-button');

async function showCaller() {
  if (!apiKey()) {
    signinStatus.textContent = 'not signed in: paste an API key (an admin finds the first one in data/admin.key)';
    signoutButton.hidden = true;
    return;
  }
  try {
    const me = await getJson('/keys/me');
    signinStatus.textContent = `signed in as ${me.name} (${me.role})`;
    signoutButton.hidden = false;
  } catch (e) {
    signinStatus.textContent = e.status === 401 ? 'that key is unknown or revoked' : `sign-in problem: ${e.message}`;
  }
}

document.getElementById('signin').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = document.getElementById('signin-key');
  setApiKey(input.value.trim());
  input.value = '';
  showCaller();
});
signoutButton.addEventListener('click', () => {
  setApiKey('');
  showCaller();
});
document.addEventListener('trainyard:auth-problem', (e) => {
  if (e.detail === 401) signinStatus.textContent = 'not signed in, or the key was revoked: sign in with an API key';
});
showCaller();

// Links to an API resource (a model's JSON or ONNX) carry `data-download`: fetched with the key and
// saved, since following the link itself would go without it. Ctrl/middle clicks are left alone.
document.addEventListener('click', (e) => {
  const link = e.target instanceof Element ? e.target.closest('a[data-download]') : null;
  if (!link || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  download(link.getAttribute('href'), link.dataset.download).catch((error) => {
    link.title = `download failed: ${error.message}`;
    console.warn(error);
  });
});

const LIST_MS = 2000;
const COMPARE_MS = 3000;
const SWEEPS_MS = 3000;

const tabs = [...document.querySelectorAll('[role="tab"]')];

function showTab(id, focus = false) {
  for (const tab of tabs) {
    const on = tab.id === id;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    document.getElementById(tab.getAttribute('aria-controls')).hidden = !on;
    if (on && focus) tab.focus();
  }
  if (id === 'tab-compare') compare.refresh();
  if (id === 'tab-sweeps') sweeps.tick();
}

function currentTab() {
  return tabs.find((t) => t.getAttribute('aria-selected') === 'true').id;
}

tabs.forEach((tab, i) => {
  tab.addEventListener('click', () => showTab(tab.id));
  tab.addEventListener('keydown', (e) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
    if (step) showTab(tabs[(i + step + tabs.length) % tabs.length].id, true);
  });
});

function openJob(id) {
  list.select(id);
  history.replaceState(null, '', `#job=${encodeURIComponent(id)}`);
  showTab('tab-job');
  if (view.id !== id) view.open(id);
}

const list = new JobList({
  onSelect: openJob,
  onCompareChange: (ids) => {
    compare.set(ids);
    if (ids.length >= 2 && currentTab() === 'tab-job') showTab('tab-compare');
  },
});
const view = new JobView({ onJob: (job) => list.upsert(job) });
const compare = new CompareView({
  labelOf: (id) => list.label(id),
  statusOf: (id) => list.jobs.get(id)?.status,
  onClear: () => list.clearCompare(),
});
const sweeps = new SweepsView({
  onOpenJob: openJob,
  onOpen: (id) => history.replaceState(null, '', `#sweep=${encodeURIComponent(id)}`),
});
const form = new JobForm({
  onSubmitted: (job) => {
    list.upsert(job);
    openJob(job.id);
  },
});

// Timers that skip their work while the page is hidden: a background tab costs the server nothing.
function every(ms, work) {
  const run = async () => {
    if (!document.hidden) {
      try {
        await work();
      } catch (e) {
        console.warn(e);
      }
    }
    setTimeout(run, ms);
  };
  setTimeout(run, ms);
}

list.refresh();
form.loadDatasets();
every(LIST_MS, () => list.refresh());
every(COMPARE_MS, () => (currentTab() === 'tab-compare' && compare.live ? compare.refresh() : null));
every(SWEEPS_MS, () => (currentTab() === 'tab-sweeps' ? sweeps.tick() : null));
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) list.refresh();
});

// Deep links: #job=<id> and #sweep=<id>.
const link = /^#(job|sweep)=(.+)$/.exec(location.hash);
if (link && link[1] === 'job') openJob(decodeURIComponent(link[2]));
if (link && link[1] === 'sweep') {
  showTab('tab-sweeps');
  sweeps.open(decodeURIComponent(link[2]));
}
