// One job, live: status and progress from GET /jobs/{id}/events (Server-Sent Events), or by polling
// GET /jobs/{id} where the stream is not available; loss and gradient curves grow with `since`.
import {
  doneFraction, el, fmtDuration, fmtInt, fmtLoss, fmtTime, getJson, isTerminal, postJson, query, readEvents,
  restoredBest, stoppedEarly,
} from './api.js';
import { LineChart, SET_STYLES, seriesStyle } from './charts.js';

const FIRST_POINTS = 1500; // the whole history, downsampled, when a job is opened
const CHUNK_POINTS = 300; // each incremental fetch, downsampled
const MAX_POINTS = 6000; // beyond this the curve is fetched again, downsampled, to stay light
const POLL_MS = 1000;
// A finished job without a single history point (cancelled while queued, failed in setup): nothing is coming.
const NO_HISTORY = 'No history: the job ended before its first point.';

export class JobView {
  constructor({ onJob }) {
    this.onJob = onJob;
    this.job = null;
    this.token = 0;
    this.stream = null;
    this.timer = null;
    this.fetching = null; // the token of the job whose history is being fetched
    this.again = false;
    this.losses = null;
    this.gradients = null;
    this.lossChart = new LineChart(document.getElementById('loss-chart'), { height: 280, log: true });
    this.gradientChart = new LineChart(document.getElementById('gradient-chart'), { height: 220, log: true });
    const logToggle = document.getElementById('loss-log');
    logToggle.addEventListener('change', () => this.lossChart.setLog(logToggle.checked));
    this.cancelButton = document.getElementById('job-cancel');
    this.cancelButton.addEventListener('click', () => this.cancel());
  }

  get id() {
    return this.job?.id ?? null;
  }

  async open(id) {
    this.close();
    const token = ++this.token;
    document.getElementById('job-none').hidden = true;
    document.getElementById('job-detail').hidden = false;
    this.losses = null;
    this.gradients = null;
    this.lossChart.clear('Loading…');
    this.gradientChart.clear('Loading…');
    let job;
    try {
      job = await getJson(`/jobs/${encodeURIComponent(id)}`);
    } catch (e) {
      if (token !== this.token) return;
      // A 401 is not "not found": a deep link opened in a new tab (signed out) is re-opened on sign-in.
      this.showProblem(e.status === 401
        ? 'Sign in to see this job'
        : e.status === 404 ? 'Job not found' : 'Could not load the job', `${id}: ${e.message}`);
      return;
    }
    if (token !== this.token) return;
    this.show(job);
    this.lossChart.clear();
    this.gradientChart.clear();
    await this.fetchHistory();
    if (token !== this.token || isTerminal(this.job.status)) return;
    this.follow(token);
  }

  close() {
    this.token++;
    this.stream?.close();
    this.stream = null;
    clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Shows a problem instead of a job (not found, a bad link): nothing of the job shown before stays
   * under it, and no job counts as open, so opening that job again reads it again.
   */
  showProblem(title, detail) {
    this.close();
    this.job = null;
    this.shownModel = null;
    document.getElementById('job-none').hidden = true;
    document.getElementById('job-detail').hidden = false;
    document.getElementById('job-name').textContent = title;
    document.getElementById('job-id').textContent = detail;
    const badge = document.getElementById('job-status');
    badge.textContent = '';
    badge.className = 'badge';
    this.cancelButton.hidden = true;
    document.getElementById('job-progress').value = 0;
    document.getElementById('job-progress-text').textContent = '';
    document.getElementById('job-facts').replaceChildren();
    document.getElementById('model-view').hidden = true;
    document.getElementById('job-error').hidden = true;
    showDiagnostics(null);
    this.setLive('');
    this.lossChart.clear(' ');
    this.gradientChart.clear(' ');
  }

  /** Shows no job (signed out: its data was read with the old key; or Back to no link) and stops following it. */
  reset() {
    this.close();
    this.job = null;
    this.shownModel = null;
    this.losses = null;
    this.gradients = null;
    this.lossChart.clear();
    this.gradientChart.clear();
    this.setLive('');
    document.getElementById('job-detail').hidden = true;
    document.getElementById('job-none').hidden = false;
  }

  /** Prefers the event stream (read with fetch, so the key goes along); falls back to polling when it breaks. */
  follow(token) {
    const controller = new AbortController();
    this.stream = { close: () => controller.abort() };
    this.setLive('live (event stream)');
    readEvents(`/jobs/${encodeURIComponent(this.id)}/events`, (name, data) => {
      if (token !== this.token) return;
      if (name === 'status') {
        this.show(JSON.parse(data));
        this.historySoon();
        if (isTerminal(this.job.status)) this.setLive('finished');
      } else if (name === 'progress') {
        const p = JSON.parse(data);
        this.show({
          ...this.job,
          progress: { ...this.job.progress, ...pick(p, ['iteration', 'iterations', 'fraction', 'iterationsPerSecond', 'etaSeconds']) },
          ...pick(p, ['trainLoss', 'validationLoss', 'testLoss']),
        });
        this.historySoon();
      }
    }, controller.signal).then(() => {
      if (token !== this.token) return;
      this.stream = null;
      if (!isTerminal(this.job?.status)) this.poll(token);
    }, () => {
      if (token !== this.token) return; // closed on purpose
      this.stream = null;
      this.poll(token);
    });
  }

  poll(token) {
    this.setLive(`live (polling every ${POLL_MS / 1000} s)`);
    const tick = async () => {
      if (token !== this.token) return;
      try {
        this.show(await getJson(`/jobs/${encodeURIComponent(this.id)}`));
        await this.fetchHistory();
        // Back after an outage: the "connection problem" line stayed although the data flowed again.
        if (token === this.token) this.setLive(`live (polling every ${POLL_MS / 1000} s)`);
      } catch (e) {
        // A refused key is not retried: signing out (app.js) has closed this view, so token is stale.
        if (token !== this.token) return;
        this.setLive(`connection problem: ${e.message.replace(/\.$/, '')}; retrying`);
      }
      if (token !== this.token) return;
      if (isTerminal(this.job.status)) {
        await this.fetchHistory(); // the last points were written with the final status
        this.setLive('finished');
      } else {
        this.timer = setTimeout(tick, document.hidden ? POLL_MS * 5 : POLL_MS);
      }
    };
    this.timer = setTimeout(tick, POLL_MS);
  }

  historySoon() {
    this.fetchHistory();
  }

  /** Coalesces history fetches per opened job: at most one in flight, and one more round if asked meanwhile. */
  async fetchHistory() {
    const token = this.token;
    if (this.fetching === token) {
      this.again = true;
      return;
    }
    this.fetching = token;
    const id = encodeURIComponent(this.id);
    try {
      do {
        this.again = false;
        const losses = this.losses;
        const gradients = this.gradients;
        const [l, g] = await Promise.all([
          getJson(`/jobs/${id}/losses${query(sinceParams(losses))}`),
          getJson(`/jobs/${id}/gradients${query(sinceParams(gradients))}`).catch(() => null),
        ]);
        if (token !== this.token) return;
        this.losses = append(losses, l, ['train', 'validation', 'test'], (x) => x);
        this.gradients = g ? append(gradients, g, null, (x) => x.layers) : gradients;
        if (this.losses.iteration.length > MAX_POINTS) this.losses = null; // refetch compactly next round
        if (this.gradients && this.gradients.iteration.length > MAX_POINTS) this.gradients = null;
        this.draw();
        if (!this.losses || !this.gradients) this.again = true;
      } while (this.again && token === this.token);
    } catch (e) {
      if (token === this.token) this.setLive(`could not read the history: ${e.message}`);
    } finally {
      if (this.fetching === token) this.fetching = null;
    }
  }

  draw() {
    const ended = isTerminal(this.job?.status);
    const l = this.losses;
    if (l && ended && l.iteration.length === 0) {
      this.lossChart.clear(NO_HISTORY);
    } else if (l) {
      const series = ['train', 'validation', 'test']
        .filter((name) => Array.isArray(l.columns[name]))
        .map((name) => ({ label: name, ...SET_STYLES[name], values: l.columns[name] }));
      this.lossChart.update(l.iteration, series);
    }
    const g = this.gradients;
    if (g && ended && g.iteration.length === 0) {
      this.gradientChart.clear(NO_HISTORY);
    } else if (g) {
      const series = Object.keys(g.columns).map((name, i) => ({
        label: name, ...seriesStyle(i), values: g.columns[name],
      }));
      this.gradientChart.update(g.iteration, series);
    }
  }

  show(job) {
    // A final status is final. The cancel answer is a snapshot taken before the worker stopped, and
    // it can arrive after the stream has already pushed CANCELLED: it must not bring back RUNNING.
    if (this.job?.id === job.id && isTerminal(this.job.status) && !isTerminal(job.status)) return;
    this.job = job;
    this.onJob(job);
    const p = job.progress || {};
    document.getElementById('job-name').textContent = job.name || 'unnamed job';
    document.getElementById('job-id').textContent = job.id;
    const badge = document.getElementById('job-status');
    badge.textContent = job.status;
    badge.className = `badge ${job.status.toLowerCase()}`;
    // After Cancel, the button goes once the job has stopped (often with a later event, not the POST's
    // answer); a hidden button would drop the keyboard focus to the page body, so the heading takes it.
    const refocus = isTerminal(job.status) && !this.cancelButton.hidden && this.cancelledBy === job.id
      && (document.activeElement === this.cancelButton || document.activeElement === document.body);
    this.cancelButton.hidden = isTerminal(job.status);
    if (refocus) document.getElementById('job-name').focus();
    const bar = document.getElementById('job-progress');
    bar.value = doneFraction(job);
    bar.className = job.status.toLowerCase();
    const parts = [`iteration ${fmtInt(p.iteration)} of ${fmtInt(p.iterations)}`];
    if (stoppedEarly(job)) parts.push('stopped early, complete');
    if (job.status === 'RUNNING') {
      parts.push(`${fmtInt(p.iterationsPerSecond)} it/s`, `ETA ${fmtDuration(p.etaSeconds)}`);
    }
    document.getElementById('job-progress-text').textContent = parts.join(' · ');

    const spec = job.spec || {};
    // The job's losses are the last point's; with a restored best point the model's (shown with the
    // model below) are another point's, so these say which they are.
    const at = restoredBest(job) ? ' (last point)' : '';
    const facts = [
      [`Train loss${at}`, fmtLoss(job.trainLoss)],
      [`Validation loss${at}`, fmtLoss(job.validationLoss)],
      [`Test loss${at}`, fmtLoss(job.testLoss)],
      ['Layers', (job.layerSizes || []).join(' → ')],
      ['Activation', `${spec.activation ?? '–'}${spec.bias ? ', bias' : ''}`],
      ['alpha · scale', `${spec.alpha ?? '–'} · ${spec.scale ?? '–'}`],
      ['Data', `${spec.dataset ?? 'inline'}${spec.normalize ? ', normalized' : ''}${spec.basisDegree > 1 ? `, degree ${spec.basisDegree}` : ''}`],
      ['Seed', spec.seed ?? '–'],
      ['Optimizer', optimizerText(spec)],
      ['Early stopping', spec.earlyStopping
        ? `patience ${spec.earlyStopping.patience} on ${spec.earlyStopping.monitor}`
          + (job.bestIteration != null ? ` · best point ${fmtInt(job.bestIteration)}${job.stoppedEarly ? ', stopped early' : ''}` : '')
        : 'off'],
      ['Created', fmtTime(job.createdAt)],
      ['Finished', fmtTime(job.finishedAt)],
    ];
    const dl = document.getElementById('job-facts');
    // A long fact (early stopping's) wraps rather than hiding its end behind an ellipsis.
    dl.replaceChildren(...facts.map(([k, v]) => el('div', {}, el('dt', {}, k),
      el('dd', { title: String(v), className: String(v).length > 24 ? 'wrap' : '' }, String(v)))));
    if (job.modelId) {
      dl.append(el('div', {}, el('dt', {}, 'Model'),
        el('dd', {}, el('a', { href: `/models/${encodeURIComponent(job.modelId)}`, className: 'mono', dataset: { download: `model-${job.modelId}.json` } }, job.modelId.slice(0, 8)))));
    }
    this.showModel(job.modelId);
    showDiagnostics(job.diagnostics);
    const error = document.getElementById('job-error');
    error.hidden = !job.error;
    error.textContent = job.error ? `${job.error.type}: ${job.error.detail ?? ''}` : '';
  }

  /** The trained model's lineage (where it came from) and its downloads; hidden until the job has a model. */
  async showModel(modelId) {
    const view = document.getElementById('model-view');
    if (!modelId) {
      view.hidden = true;
      this.shownModel = null;
      return;
    }
    if (this.shownModel === modelId) return;
    this.shownModel = modelId;
    const path = `/models/${encodeURIComponent(modelId)}`;
    let model;
    try {
      model = await getJson(path);
    } catch (e) {
      this.shownModel = null;
      return;
    }
    if (this.shownModel !== modelId) return;
    const lineage = model.lineage || {};
    document.getElementById('model-id').textContent = modelId.slice(0, 8);
    const json = document.getElementById('model-json');
    json.href = path;
    json.dataset.download = `model-${modelId}.json`;
    const onnx = document.getElementById('model-onnx');
    onnx.href = `${path}?format=onnx`;
    onnx.dataset.download = `model-${modelId}.onnx`;
    const job = this.job;
    const weightsOf = restoredBest(job) && job.modelId === modelId
      ? `iteration ${fmtInt(job.bestIteration)} (restored best)` : 'the last point';
    const facts = [
      // The model's own losses: with a restored best point, not the job's last ones above.
      ['Model train loss', fmtLoss(model.trainLoss)],
      ...(model.validationLoss !== undefined ? [['Model validation loss', fmtLoss(model.validationLoss)]] : []),
      ['Model test loss', fmtLoss(model.testLoss)],
      ['Weights of', weightsOf],
      ['Data set', lineage.datasetName ?? lineage.datasetId ?? '–'],
      ['Data digest', lineage.dataDigest ? `${lineage.dataDigest.slice(0, 12)}…` : '–', lineage.dataDigest],
      ['Inputs', (model.inputColumns || []).join(', ') || '–'],
      ['Version', lineage.version ?? '–'],
      ['Commit', lineage.commit ? lineage.commit.slice(0, 10) : '–', lineage.commit],
      ['Products', lineage.matrixProducts ?? '–'],
      ['Training', lineage.trainingSeconds != null ? fmtDuration(lineage.trainingSeconds) : '–'],
      ['Origin', lineage.imported ? 'imported' : (lineage.sweepId ? `sweep ${lineage.sweepId.slice(0, 8)}` : 'trained')],
    ];
    document.getElementById('model-lineage').replaceChildren(...facts.map(([k, v, title]) =>
      el('div', {}, el('dt', {}, k), el('dd', title ? { title, className: 'mono' } : {}, String(v)))));
    view.hidden = false;
  }

  async cancel() {
    const token = this.token;
    this.cancelledBy = this.id;
    this.cancelButton.disabled = true;
    try {
      const job = await postJson(`/jobs/${encodeURIComponent(this.id)}/cancel`);
      if (token === this.token && job) this.show(job);
    } catch (e) {
      this.setLive(`cancel failed: ${e.message}`);
    } finally {
      this.cancelButton.disabled = false;
      // A cancelled job hides the button, and a hidden button drops the focus to the page body.
      const lost = document.activeElement === this.cancelButton || document.activeElement === document.body;
      if (this.cancelButton.hidden && lost && token === this.token) document.getElementById('job-name').focus();
    }
  }

  setLive(text) {
    document.getElementById('job-live').textContent = text;
  }
}

function pick(object, keys) {
  const out = {};
  for (const key of keys) if (object[key] !== undefined) out[key] = object[key];
  return out;
}

function sinceParams(current) {
  if (!current || current.iteration.length === 0) return { maxPoints: FIRST_POINTS };
  return { since: current.iteration[current.iteration.length - 1], maxPoints: CHUNK_POINTS };
}

/**
 * Appends a fetched chunk to what is shown. `names` lists the columns of a losses answer (null for a
 * gradients answer, whose columns are its `layers`); a missing (null) column stays null.
 */
function append(current, answer, names, columnsOf) {
  const source = names ? Object.fromEntries(names.map((n) => [n, answer[n]])) : columnsOf(answer) || {};
  if (!current) {
    return { iteration: [...answer.iteration], columns: Object.fromEntries(Object.entries(source).map(([k, v]) => [k, v ? [...v] : null])) };
  }
  if (answer.iteration.length === 0) return current;
  current.iteration.push(...answer.iteration);
  for (const [k, v] of Object.entries(source)) {
    if (!v) continue;
    if (!current.columns[k]) current.columns[k] = [];
    current.columns[k].push(...v);
  }
  return current;
}

/** gd, momentum or adam with its parameters, and the batch size. */
function optimizerText(spec) {
  const o = spec.optimizer || { type: 'gd' };
  const params = o.type === 'momentum' ? ` (beta ${o.beta})` : o.type === 'adam' ? ` (${o.beta1}, ${o.beta2}, ${o.epsilon})` : '';
  return `${o.type}${params} · ${spec.batchSize ? `batches of ${spec.batchSize}` : 'full batch'}`;
}

/** The gradient-health table and its flags (API.md "Diagnostics"). */
function showDiagnostics(diagnostics) {
  const box = document.getElementById('job-diagnostics');
  if (!box) return;
  box.hidden = !diagnostics;
  if (!diagnostics) return;
  const num = (v) => (v == null ? '–' : Number(v).toPrecision(3));
  const share = (v) => (v == null ? '–' : `${Math.round(100 * v)}%`);
  const head = el('tr', {}, ...['matrix', '‖g‖', '‖W‖', 'update ratio', 'dead', 'saturated'].map((h) => el('th', {}, h)));
  const rows = (diagnostics.layers || []).map((l) => el('tr', {},
    el('td', { className: 'mono' }, l.name), el('td', { className: 'num' }, num(l.gradientNorm)),
    el('td', { className: 'num' }, num(l.weightNorm)), el('td', { className: 'num' }, num(l.updateRatio)),
    el('td', { className: 'num' }, share(l.deadShare)), el('td', { className: 'num' }, share(l.saturatedShare))));
  const flags = (diagnostics.flags || []).map((f) => el('li', { className: 'flag' },
    el('strong', {}, f.type + (f.layer != null ? ` (W${f.layer})` : '')), document.createTextNode(`: ${f.detail}`)));
  box.replaceChildren(el('h3', {}, 'Gradient health'), el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows)),
    flags.length ? el('ul', {}, ...flags) : el('p', { className: 'muted' }, 'No flags: no layer crossed a threshold for vanishing or exploding gradients, dead or saturated units.'));
}
