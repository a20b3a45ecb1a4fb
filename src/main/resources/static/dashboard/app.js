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
  // Only the key in use can be dropped: a late answer to a request sent with an earlier key says
  // nothing about this one.
  if (e.detail.status !== 401 || !apiKey() || e.detail.key !== apiKey()) return;
  // A key refused mid-session (revoked meanwhile) is no key, as at sign-in: dropping it stops every
  // timer, the stream and the job's polling from sending it again, and signing out clears what it read,
  // so a job it showed RUNNING is not left on screen as if still live.
  setApiKey('');
  signedOut();
  signinStatus.textContent = 'the key was refused (revoked or unknown): sign in again';
  signoutButton.hidden = true;
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

/**
 * The page's own view changes are history entries (pushState), so Back returns to the job or sweep
 * shown before, not to the page before the dashboard. Following a link already in the address bar
 * (Back, a typed link) adds none.
 */
function remember(hash) {
  if (location.hash !== hash) history.pushState(null, '', hash);
}

function openJob(id) {
  list.select(id);
  remember(`#job=${encodeURIComponent(id)}`);
  showTab('tab-job');
  if (view.id !== id) view.open(id);
}

// In one column (a phone) the job view is below the list, out of sight: a tap that opens a job
// brings the view up, or it seemed that nothing happened.
const oneColumn = window.matchMedia('(max-width: 960px)');

function openJobInSight(id) {
  openJob(id);
  if (oneColumn.matches) {
    document.getElementById('job-name').focus({ preventScroll: true });
    document.getElementById('panel-job').scrollIntoView({ block: 'start' });
  }
}

const list = new JobList({
  onSelect: openJobInSight,
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
  onOpenJob: openJobInSight,
  onOpen: (id) => remember(`#sweep=${encodeURIComponent(id)}`),
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
// Read once even signed out: the list then says why it is empty (no request goes without a key: api.js
// answers the 401 itself). The timers only poll with a key.
list.refresh();
form.loadDatasets();
every(LIST_MS, () => (apiKey() ? list.refresh() : null));
every(COMPARE_MS, () => (apiKey() && currentTab() === 'tab-compare' && compare.live ? compare.refresh() : null));
every(SWEEPS_MS, () => (apiKey() && currentTab() === 'tab-sweeps' ? sweeps.tick() : null));
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && apiKey()) list.refresh();
});

/** The id in a deep link, or null when it cannot be one (empty, or a broken %-escape such as %E0%A4%A). */
function linkedId(encoded) {
  try {
    return decodeURIComponent(encoded) || null;
  } catch {
    return null; // URIError: decodeURIComponent throws on malformed escapes
  }
}

// Deep links: #job=<id> and #sweep=<id>, when the page loads, when the address bar changes them, and
// on Back and Forward (the page's own changes go through history.pushState, which fires no hashchange).
function followLink() {
  const link = /^#(job|sweep)=(.*)$/.exec(location.hash);
  if (!link) {
    // Back to the page as it was before any job was opened.
    if (view.id) {
      view.reset();
      list.select(null);
    }
    return;
  }
  const id = linkedId(link[2]);
  if (id === null) {
    list.select(null);
    showTab('tab-job');
    view.showProblem('Bad link', `"${location.hash}" names no ${link[1]}: the text after "=" is not a valid`
      + ` ${link[1]} id (a broken %-escape). Open the ${link[1]} from the list instead.`);
  } else if (link[1] === 'job') {
    openJob(id);
  } else {
    showTab('tab-sweeps');
    sweeps.open(id);
  }
}
followLink();
window.addEventListener('hashchange', followLink);
