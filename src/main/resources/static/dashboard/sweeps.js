// Sweeps: the list, one sweep's leaderboard, and its best curves on one chart.
// Field names are read defensively: the sweep API is newer than the job API.
import { ApiError, el, fmtLoss, fmtParams, fmtTime, getJson, newestFirst, query } from './api.js';
import { LineChart, alignCurves, seriesStyle } from './charts.js';

const CURVES = 12; // the best this many jobs are drawn; a legend of 200 lines helps nobody
const POINTS = 300;
const PAGE = 100;

function counts(sweep) {
  const c = sweep.statusCounts || sweep.counts || {};
  const parts = [];
  for (const [status, word] of [['RUNNING', 'running'], ['QUEUED', 'queued'], ['SUCCEEDED', 'done'],
    ['FAILED', 'failed'], ['CANCELLED', 'cancelled']]) {
    if (c[status]) parts.push(`${c[status]} ${word}`);
  }
  if (sweep.deleted) parts.push(`${sweep.deleted} deleted`);
  return parts.join(' · ') || (sweep.finished ? 'finished' : '–');
}

export class SweepsView {
  constructor({ onOpenJob, onOpen = () => {} }) {
    this.onOpenJob = onOpenJob;
    this.onOpen = onOpen;
    this.selected = null;
    this.sweep = null;
    this.missing = null; // the selected sweep's id once the server said there is no such sweep (404)
    this.available = true;
    this.tbody = document.querySelector('#sweep-table tbody');
    this.sweeps = new Map(); // id → sweep, the first page and the older pages loaded
    this.rows = new Map(); // id → <tr>, updated in place (a rebuilt row would throw the focus to the page body)
    this.nextCursor = null;
    this.pagedBeyondFirst = false;
    this.generation = 0; // bumps on sign-out: a late answer read with the old key is dropped
    this.more = document.getElementById('sweeps-more');
    this.more.addEventListener('click', () => this.loadMore());
    this.chart = new LineChart(document.getElementById('sweep-chart'), { height: 320, log: true });
    const log = document.getElementById('sweep-log');
    log.addEventListener('change', () => this.chart.setLog(log.checked));
  }

  /** Signed out: the sweeps read with the old key go. */
  reset() {
    this.selected = null;
    this.missing = null;
    this.sweep = null;
    this.drawnFinal = false;
    this.generation++;
    this.sweeps.clear();
    this.rows.clear();
    this.nextCursor = null;
    this.pagedBeyondFirst = false;
    this.more.hidden = true;
    this.tbody.replaceChildren();
    this.chart.clear();
    document.getElementById('sweep-detail').hidden = true;
    const message = document.getElementById('sweeps-message');
    message.textContent = 'Sign in with an API key to see the sweeps.';
    message.hidden = false;
  }

  /** Called every few seconds while the Sweeps tab is shown. */
  async tick() {
    await this.refreshList();
    // A sweep that is not there (deleted, another owner's, a wrong link) will not appear by asking
    // again every 3 s: it is read again only when opened again.
    if (this.selected && this.selected !== this.missing
      && !(this.sweep && this.sweep.finished === true && this.drawnFinal)) {
      await this.refreshSweep(this.selected);
    }
  }

  /**
   * The first page, read again every tick; older pages ("Load older sweeps", by cursor like the job
   * list) are kept, or the sweeps beyond the newest hundred were out of the page's reach.
   */
  async refreshList() {
    const message = document.getElementById('sweeps-message');
    const generation = this.generation;
    try {
      const page = await getJson(`/sweeps${query({ limit: PAGE })}`);
      if (generation !== this.generation) return;
      this.mergeFirstPage(page);
      this.render();
    } catch (e) {
      if (generation !== this.generation) return;
      message.hidden = false;
      document.getElementById('sweep-table').hidden = true;
      this.more.hidden = true;
      message.textContent = e instanceof ApiError && e.status === 404
        ? 'This server has no sweeps yet.'
        : `Could not load sweeps: ${e.message}`;
    }
  }

  /** As the job list does: a known sweep ordered before the first page's last one but not on it is gone. */
  mergeFirstPage(page) {
    const items = page.items || [];
    const ids = new Set(items.map((sweep) => sweep.id));
    const last = page.nextCursor && items.length ? items[items.length - 1] : null;
    for (const [id, sweep] of this.sweeps) {
      if (!ids.has(id) && (!last || newestFirst(sweep, last) < 0)) this.sweeps.delete(id);
    }
    items.forEach((sweep) => this.sweeps.set(sweep.id, sweep));
    if (!this.pagedBeyondFirst || !page.nextCursor) {
      this.nextCursor = page.nextCursor || null;
      this.pagedBeyondFirst = this.pagedBeyondFirst && Boolean(page.nextCursor);
    }
  }

  async loadMore() {
    if (!this.nextCursor) return;
    const generation = this.generation;
    this.more.disabled = true;
    try {
      const page = await getJson(`/sweeps${query({ limit: PAGE, cursor: this.nextCursor })}`);
      if (generation !== this.generation) return;
      (page.items || []).forEach((sweep) => this.sweeps.set(sweep.id, sweep));
      this.nextCursor = page.nextCursor || null;
      this.pagedBeyondFirst = true;
      this.render();
    } catch (e) {
      const message = document.getElementById('sweeps-message');
      message.textContent = `Could not load older sweeps: ${e.message}`;
      message.hidden = false;
    } finally {
      this.more.disabled = false;
    }
  }

  /** Rows in the API's order, updated in place; only rows out of place move. */
  render() {
    const ordered = [...this.sweeps.values()].sort(newestFirst);
    const message = document.getElementById('sweeps-message');
    message.hidden = ordered.length > 0;
    message.textContent = 'No sweeps yet. POST /sweeps with a base spec and a grid runs one job per grid point.';
    document.getElementById('sweep-table').hidden = ordered.length === 0;
    let previous = null;
    for (const sweep of ordered) {
      let tr = this.rows.get(sweep.id);
      if (!tr) {
        tr = this.row(sweep);
        this.rows.set(sweep.id, tr);
      }
      this.fillRow(tr, sweep);
      const expected = previous ? previous.nextSibling : this.tbody.firstChild;
      if (expected !== tr) this.tbody.insertBefore(tr, expected);
      previous = tr;
    }
    for (const [id, tr] of this.rows) {
      if (!this.sweeps.has(id)) {
        tr.remove();
        this.rows.delete(id);
      }
    }
    this.more.hidden = !this.nextCursor;
  }

  row(s) {
    const open = el('button', { type: 'button', className: 'link' });
    open.addEventListener('click', () => this.open(s.id));
    return el('tr', {}, el('td', {}, open), el('td', { className: 'num' }), el('td', {}), el('td', {}), el('td', {}));
  }

  fillRow(tr, s) {
    const texts = [s.name || s.id.slice(0, 8), String(s.size ?? s.jobs ?? '–'), counts(s), s.selectBy || 'validation',
      fmtTime(s.createdAt)];
    const [openCell, ...cells] = tr.children;
    const open = openCell.firstChild;
    if (open.textContent !== texts[0]) open.textContent = texts[0];
    cells.forEach((cell, i) => {
      if (cell.textContent !== texts[i + 1]) cell.textContent = texts[i + 1];
    });
    tr.classList.toggle('selected', s.id === this.selected);
  }

  async open(id) {
    this.selected = id;
    this.missing = null;
    this.onOpen(id);
    this.sweep = null;
    this.drawnFinal = false;
    this.chart.clear('Loading…');
    for (const tr of this.tbody.children) tr.classList.remove('selected');
    await this.refreshSweep(id);
    this.refreshList();
  }

  async refreshSweep(id) {
    let sweep;
    try {
      sweep = await getJson(`/sweeps/${encodeURIComponent(id)}`);
    } catch (e) {
      if (id !== this.selected) return;
      if (e.status === 404) this.missing = id;
      document.getElementById('sweep-detail').hidden = false;
      document.getElementById('sweep-name').textContent = `Could not load the sweep: ${e.message}`;
      // Nothing of another sweep (or a "Loading…") stays under the message.
      document.getElementById('sweep-best').hidden = true;
      document.getElementById('sweep-warning').hidden = true;
      document.querySelector('#leaderboard tbody').replaceChildren();
      this.chart.clear(' ');
      return;
    }
    if (id !== this.selected) return;
    this.sweep = sweep;
    document.getElementById('sweep-detail').hidden = false;
    document.getElementById('sweep-name').textContent = `${sweep.name || sweep.id} — ${counts(sweep)}`;
    const warning = document.getElementById('sweep-warning');
    warning.hidden = !sweep.warning;
    warning.textContent = sweep.warning || '';
    const entries = sweep.leaderboard || [];
    const best = sweep.best;
    const bestLine = document.getElementById('sweep-best');
    bestLine.hidden = !best;
    if (best) {
      bestLine.textContent = `Best by ${sweep.selectBy || 'validation'} loss: ${best.label || fmtParams(best.parameters || best.params)}`
        + ` — train ${fmtLoss(best.trainLoss)}, validation ${fmtLoss(best.validationLoss)}, test ${fmtLoss(best.testLoss)}`
        + (best.bestIteration != null ? ` (its model: early stopping's best, iteration ${best.bestIteration})` : '');
    }
    const bestId = best?.jobId;
    document.querySelector('#leaderboard tbody').replaceChildren(...entries.map((e, i) => {
      const jobId = e.jobId || e.id;
      const open = el('button', { type: 'button', className: 'link' }, e.label || fmtParams(e.parameters || e.params) || jobId.slice(0, 8));
      open.addEventListener('click', () => this.onOpenJob(jobId));
      return el('tr', { className: jobId === bestId ? 'best-row' : '' },
        el('td', { className: 'num' }, String(e.rank ?? i + 1)),
        el('td', {}, open, e.error ? el('span', { className: 'sub error-text' }, e.error) : null,
          // The losses are the stored model's: with a restored best point, that point's, not the last.
          e.bestIteration != null ? el('span', { className: 'sub' }, `losses at iteration ${e.bestIteration} (restored best)`) : null),
        el('td', {}, el('span', { className: `badge ${String(e.status).toLowerCase()}` }, e.status)),
        el('td', { className: 'num' }, fmtLoss(e.trainLoss)),
        el('td', { className: 'num' }, fmtLoss(e.validationLoss)),
        el('td', { className: 'num' }, fmtLoss(e.testLoss)),
        el('td', { className: 'mono' }, e.modelId
          ? el('a', { href: `/models/${encodeURIComponent(e.modelId)}`, dataset: { download: `model-${e.modelId}.json` } }, e.modelId.slice(0, 8)) : '–'));
    }));
    // Failed members (diverged, most often) are left off the chart: their losses climb to 1e300 and the
    // log axis would squeeze every other curve into its bottom band. The leaderboard still lists them.
    const drawable = entries.filter((e) => e.status !== 'FAILED');
    await this.drawCurves(sweep, drawable.map((e) => e.jobId || e.id), entries.length - drawable.length);
  }

  async drawCurves(sweep, ranked, failed = 0) {
    let answer;
    try {
      answer = await getJson(`/sweeps/${encodeURIComponent(sweep.id)}/losses${query({ maxPoints: POINTS })}`);
    } catch (e) {
      this.chart.clear(`No curves: ${e.message}`);
      return;
    }
    if (sweep.id !== this.selected) return;
    const select = sweep.selectBy || answer.selectBy || 'validation';
    const byId = new Map((answer.jobs || answer.curves || []).map((c) => [c.jobId, c]));
    // What the chart shows, said above it: the selectBy loss, or train where no job has that one.
    const shown = ranked.some((id) => Array.isArray(byId.get(id)?.[select])) ? select : 'train';
    document.getElementById('sweep-chart-title').textContent = `${shown[0].toUpperCase()}${shown.slice(1)} loss`
      + ` of the best jobs${failed ? ` (${failed} failed, not drawn)` : ''}`;
    const chosen = ranked.filter((id) => byId.has(id)).slice(0, CURVES).map((id) => byId.get(id))
      .map((c) => ({ ...c, values: c[select] || c.train, iteration: c.iteration || [] }))
      .filter((c) => Array.isArray(c.values) && c.iteration.length > 0);
    const aligned = alignCurves(chosen);
    this.chart.update(chosen.length ? aligned[0] : [], chosen.map((c, i) => ({
      label: c.label || fmtParams(c.parameters) || c.jobId.slice(0, 8),
      ...seriesStyle(i),
      values: aligned[i + 1],
      width: i === 0 ? 2.5 : 1.5,
    })));
    this.drawnFinal = sweep.finished === true;
  }
}
