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
    return false;
  }
  try {
    const me = await getJson('/keys/me');
    signinStatus.textContent = `signed in as ${me.name} (${me.role})`;
    signoutButton.hidden = false;
    return true;
  } catch (e) {
    if (e.status === 401) {
      // A refused key is no key: dropping it stops every timer from sending it again (a 401 every 2 s).
      setApiKey('');
      signinStatus.textContent = 'that key is unknown or revoked: sign in with another one';
    } else {
      signinStatus.textContent = `sign-in problem: ${e.message}`;
    }
    return false;
  }
}

document.getElementById('signin').addEventListener('submit', async (e) => {
  e.preventDefault();
  const input = document.getElementById('signin-key');
  const key = input.value.trim();
  if (!key) return; // an empty box is not a sign-out: that is the Sign out button, which also stops the views
  // Another key may see other jobs: what the old one read goes first.
  if (apiKey() && apiKey() !== key) signedOut();
  setApiKey(key);
  input.value = '';
  // What the page read signed out (nothing, and a "sign in" banner) is read again with the key.
  if (await showCaller()) signedIn();
});
signoutButton.addEventListener('click', () => {
  setApiKey('');
  signedOut();
  showCaller();
});
document.addEventListener('trainyard:auth-problem', (e) => {
  // Only someone who gave a key can have had it revoked; a fresh visitor keeps the "paste a key" text.
  if (e.detail === 401 && apiKey()) signinStatus.textContent = 'the key was refused (revoked?): sign in again';
});
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
    // The form was just hidden with the focused button in it: the new job's heading takes the focus.
    document.getElementById('job-name').focus();
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

/** Signed in: the list, the data sets and the views read again, now with the key. */
function signedIn() {
  list.refresh();
  form.loadDatasets();
  // A deep link followed signed out (a new tab starts so: the key is per tab) was refused: read it again.
  if (/^#(job|sweep)=/.test(location.hash)) followLink();
  else if (currentTab() === 'tab-sweeps') sweeps.tick();
}

/**
 * Signed out: everything that used the key stops (the open job's stream or polling, the timers below
 * skip their work), and what it showed goes, so nothing read with the old key stays on screen.
 */
function signedOut() {
  view.reset();
  list.reset('Sign in with an API key to see the jobs.');
  list.clearCompare();
  sweeps.reset();
  history.replaceState(null, '', location.pathname);
}

showCaller();
// Read once even signed out: the list then says why it is empty. The timers only poll with a key.
list.refresh();
form.loadDatasets();
every(LIST_MS, () => (apiKey() ? list.refresh() : null));
every(COMPARE_MS, () => (apiKey() && currentTab() === 'tab-compare' && compare.live ? compare.refresh() : null));
every(SWEEPS_MS, () => (apiKey() && currentTab() === 'tab-sweeps' ? sweeps.tick() : null));
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && apiKey()) list.refresh();
});

// Deep links: #job=<id> and #sweep=<id>, when the page loads and when the address bar changes them
// (the page's own changes go through history.replaceState, which fires no hashchange).
function followLink() {
  const link = /^#(job|sweep)=(.+)$/.exec(location.hash);
  if (link && link[1] === 'job') openJob(decodeURIComponent(link[2]));
  if (link && link[1] === 'sweep') {
    showTab('tab-sweeps');
    sweeps.open(decodeURIComponent(link[2]));
  }
}
followLink();
window.addEventListener('hashchange', followLink);
