// The job list: pages through GET /jobs with cursors, keeps itself live with a few requests per tick
// whatever its length (never one request per job), and updates rows in place.
import {
  doneFraction, el, fmtInt, fmtLoss, getJson, isTerminal, newestFirst, query, restoredBest, stoppedEarly,
} from './api.js';

const PAGE = 50;
const RUNNING_WINDOW = 200;
const MAX_COMPARED = 10;

export class JobList {
  constructor({ onSelect, onCompareChange }) {
    this.onSelect = onSelect;
    this.onCompareChange = onCompareChange;
    this.jobs = new Map(); // id → job body
    this.rows = new Map(); // id → <tr>
    this.running = new Set(); // ids seen RUNNING or QUEUED outside the first page at the last tick
    this.nextCursor = null;
    this.pagedBeyondFirst = false;
    this.filters = { status: '', name: '' };
    this.selected = null;
    this.compared = new Set();
    this.generation = 0; // bumps when the filters change; late answers for old filters are dropped
    this.tbody = document.querySelector('#job-table tbody');
    this.more = document.getElementById('jobs-more');
    this.empty = document.getElementById('jobs-empty');
    this.count = document.getElementById('jobs-count');
    this.error = document.getElementById('jobs-error');

    const form = document.getElementById('job-filters');
    let debounce;
    form.addEventListener('input', () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => this.setFilters(new FormData(form)), 250);
    });
    form.addEventListener('submit', (e) => e.preventDefault());
    this.more.addEventListener('click', () => this.loadMore());
  }

  setFilters(data) {
    this.filters = { status: data.get('status') || '', name: (data.get('name') || '').trim() };
    this.forget();
    this.refresh();
  }

  /** Signed out: forgets every job read with the old key and says why the list is empty. */
  reset(message) {
    this.forget();
    this.error.textContent = message;
    this.error.classList.add('muted');
    this.error.hidden = false;
    this.render();
  }

  /** Drops every job shown; answers still on their way (other filters, or the old key) are dropped too. */
  forget() {
    this.generation++;
    this.jobs.clear();
    this.running.clear();
    this.rows.forEach((row) => row.remove());
    this.rows.clear();
    this.nextCursor = null;
    this.pagedBeyondFirst = false;
  }

  /** One tick: the first page, the running window, and the few jobs that just left it. */
  async refresh() {
    const generation = this.generation;
    try {
      const first = await getJson(`/jobs${query({ ...this.filters, limit: PAGE })}`);
      if (generation !== this.generation) return;
      this.mergeFirstPage(first);
      if (!this.filters.status) await this.refreshActive(new Set(first.items.map((j) => j.id)), generation);
      this.error.hidden = true;
      this.error.classList.remove('muted');
    } catch (e) {
      if (generation !== this.generation) return; // signed out (or filters changed) meanwhile: not this list's error
      // Signed out is not a failure: the advice to sign in, in grey, not a red "could not load".
      this.error.textContent = e.status === 401 ? e.message : `Could not load jobs: ${e.message}`;
      this.error.classList.toggle('muted', e.status === 401);
      this.error.hidden = false;
    }
    if (generation === this.generation) this.render();
  }

  mergeFirstPage(page) {
    const ids = new Set(page.items.map((j) => j.id));
    // A known job that the first page should hold but does not was deleted or left the filter. When
    // there are more pages, only the jobs ordered before the first page's last one can be judged; a
    // job after it (even in the same millisecond) belongs to an older page.
    const last = page.nextCursor && page.items.length ? page.items[page.items.length - 1] : null;
    for (const [id, job] of this.jobs) {
      if (!ids.has(id) && (!last || newestFirst(job, last) < 0)) this.jobs.delete(id);
    }
    page.items.forEach((j) => this.jobs.set(j.id, j));
    if (!this.pagedBeyondFirst || !page.nextCursor) {
      this.nextCursor = page.nextCursor;
      this.pagedBeyondFirst = this.pagedBeyondFirst && Boolean(page.nextCursor);
    }
  }

  /**
   * Older pages are not re-read; but a job there can still be running (a big sweep queues many at
   * once). One request for every running job keeps their progress live; jobs that stopped running
   * since the last tick are read one by one — at most a handful, the workers that just finished.
   */
  async refreshActive(firstIds, generation) {
    const running = await getJson(`/jobs${query({ status: 'RUNNING', name: this.filters.name, limit: RUNNING_WINDOW })}`);
    if (generation !== this.generation) return;
    const now = new Set();
    for (const job of running.items) {
      if (this.jobs.has(job.id) || firstIds.has(job.id)) this.jobs.set(job.id, job);
      if (!firstIds.has(job.id)) now.add(job.id);
    }
    const left = [...this.running].filter((id) => !now.has(id) && !firstIds.has(id) && this.jobs.has(id)).slice(0, 8);
    const updated = await Promise.allSettled(left.map((id) => getJson(`/jobs/${encodeURIComponent(id)}`)));
    if (generation !== this.generation) return;
    updated.forEach((r) => r.status === 'fulfilled' && this.jobs.set(r.value.id, r.value));
    // Queued jobs on older pages start later; remember them so they are watched once they run.
    for (const job of this.jobs.values()) {
      if (!firstIds.has(job.id) && !isTerminal(job.status) && job.status !== 'RUNNING') now.add(job.id);
    }
    this.running = now;
  }

  async loadMore() {
    if (!this.nextCursor) return;
    const generation = this.generation;
    this.more.disabled = true;
    try {
      const page = await getJson(`/jobs${query({ ...this.filters, limit: PAGE, cursor: this.nextCursor })}`);
      if (generation !== this.generation) return;
      page.items.forEach((j) => this.jobs.set(j.id, j));
      this.nextCursor = page.nextCursor;
      this.pagedBeyondFirst = true;
      this.render();
    } catch (e) {
      this.error.textContent = `Could not load older jobs: ${e.message}`;
      this.error.hidden = false;
    } finally {
      this.more.disabled = false;
    }
  }

  /** A job the page learnt about elsewhere (just submitted, or its detail view updated). */
  upsert(job) {
    if (!this.matches(job)) return;
    this.jobs.set(job.id, job);
    this.render();
  }

  matches(job) {
    const { status, name } = this.filters;
    return (!status || job.status === status) && (!name || (job.name || '').toLowerCase().includes(name.toLowerCase()));
  }

  select(id) {
    this.selected = id;
    for (const [rowId, row] of this.rows) row.classList.toggle('selected', rowId === id);
  }

  toggleCompare(id, on) {
    if (on && this.compared.size >= MAX_COMPARED) {
      // Keep the overlay readable.
      this.rows.get(id).querySelector('input').checked = false;
      this.error.textContent = `Compare at most ${MAX_COMPARED} jobs at once.`;
      this.error.hidden = false;
      return;
    }
    if (on) this.compared.add(id);
    else this.compared.delete(id);
    this.onCompareChange([...this.compared]);
  }

  clearCompare() {
    this.compared.clear();
    this.rows.forEach((row) => { row.querySelector('input').checked = false; });
    this.onCompareChange([]);
  }

  label(id) {
    const job = this.jobs.get(id);
    return job ? job.name || job.id.slice(0, 8) : id.slice(0, 8);
  }

  render() {
    const ordered = [...this.jobs.values()].sort(newestFirst);
    let previous = null;
    for (const job of ordered) {
      let row = this.rows.get(job.id);
      if (!row) {
        row = this.createRow(job);
        this.rows.set(job.id, row);
      }
      this.fillRow(row, job);
      // Move only rows that are out of place: cheap with hundreds of rows.
      const expected = previous ? previous.nextSibling : this.tbody.firstChild;
      if (expected !== row) this.tbody.insertBefore(row, expected);
      previous = row;
    }
    for (const [id, row] of this.rows) {
      if (!this.jobs.has(id)) {
        row.remove();
        this.rows.delete(id);
      }
    }
    // "No jobs yet" only when the list was read: signed out (or failing), there may well be jobs.
    this.empty.hidden = ordered.length > 0 || !this.error.hidden;
    // With a filter, an empty list says nothing about whether there are jobs at all.
    const filtered = Boolean(this.filters.status || this.filters.name);
    if (this.empty.dataset.filtered !== String(filtered)) {
      this.empty.dataset.filtered = String(filtered);
      this.empty.replaceChildren(...(filtered
        ? ['No jobs match these filters.']
        : ['No jobs yet. Submit one with ', el('em', {}, 'New job'), '.']));
    }
    this.more.hidden = !this.nextCursor;
    const active = ordered.filter((j) => j.status === 'RUNNING').length;
    this.count.textContent = `${ordered.length}${this.nextCursor ? '+' : ''} shown${active ? `, ${active} running` : ''}`;
  }

  createRow(job) {
    const checkbox = el('input', { type: 'checkbox', 'aria-label': `Compare ${job.name || job.id}` });
    checkbox.checked = this.compared.has(job.id);
    checkbox.addEventListener('change', () => this.toggleCompare(job.id, checkbox.checked));
    const open = el('button', { type: 'button', className: 'link job-open' });
    open.addEventListener('click', () => this.onSelect(job.id));
    const progress = el('progress', { max: 1, value: 0 });
    const row = el('tr', { dataset: { jobId: job.id } },
      el('td', {}, checkbox),
      // The loss shows twice: in its column, and under the name where a phone-wide list hides the column.
      el('td', { className: 'name-cell' }, open, el('span', { className: 'sub muted' }),
        el('span', { className: 'sub muted narrow-only' })),
      el('td', {}, el('span', { className: 'badge' })),
      el('td', { className: 'progress-cell' }, progress, el('span', { className: 'sub muted' })),
      el('td', { className: 'num loss' }));
    row.addEventListener('click', (e) => {
      if (e.target.closest('input,button')) return;
      this.onSelect(job.id);
    });
    if (job.id === this.selected) row.classList.add('selected');
    return row;
  }

  fillRow(row, job) {
    const [, nameCell, statusCell, progressCell, lossCell] = row.children;
    const [open, specLine, lossLine] = nameCell.children;
    const name = job.name || job.id.slice(0, 8);
    if (open.textContent !== name) {
      open.textContent = name;
      open.title = name;
    }
    const sizes = job.layerSizes || [];
    const kind = sizes.length === 2 ? 'linear' : job.spec?.activation ?? '';
    const sub = `${sizes.join('–')} · ${kind} · α ${job.spec?.alpha ?? ''}`;
    if (specLine.textContent !== sub) specLine.textContent = sub;
    const badge = statusCell.firstChild;
    if (badge.textContent !== job.status) {
      badge.textContent = job.status;
      badge.className = `badge ${job.status.toLowerCase()}`;
    }
    const p = job.progress || {};
    const fraction = doneFraction(job);
    const bar = progressCell.firstChild;
    bar.value = fraction;
    bar.className = job.status.toLowerCase();
    // Early stopping's finish is complete, and says where it stopped rather than a "100%" it never ran.
    const text = stoppedEarly(job) ? `stopped early at ${fmtInt(p.iteration)}` : `${Math.floor(fraction * 100)}%`;
    bar.setAttribute('aria-label', `${name}: ${stoppedEarly(job) ? `done, ${text}` : `${Math.round(fraction * 100)}%`}`);
    progressCell.lastChild.textContent = text;
    // With a restored best point the model is another point's: the last point's loss says it is that.
    const restored = restoredBest(job);
    const note = restored ? `last point; model: iteration ${fmtInt(job.bestIteration)}` : '';
    const loss = fmtLoss(job.trainLoss);
    if (lossCell.firstChild?.textContent !== loss || lossCell.children.length !== (restored ? 1 : 0)) {
      lossCell.replaceChildren(loss, ...(restored ? [el('span', { className: 'sub muted' }, note)] : []));
    }
    lossLine.textContent = `train loss ${loss}${restored ? ` (${note})` : ''}`;
  }
}
