// Several jobs' curves on one chart: GET /jobs/compare when the server has it (one request),
// otherwise one downsampled GET /jobs/{id}/losses per ticked job (at most ten).
import { ApiError, getJson, isTerminal, query } from './api.js';
import { LineChart, alignCurves, seriesStyle } from './charts.js';

const POINTS = 500;

export class CompareView {
  constructor({ labelOf, statusOf, onClear }) {
    this.labelOf = labelOf;
    this.statusOf = statusOf;
    this.ids = [];
    this.serverCompare = true; // until the server says it has no /jobs/compare
    this.loading = false;
    this.pending = false;
    this.chart = new LineChart(document.getElementById('compare-chart'), { height: 380, log: true });
    this.series = document.getElementById('compare-series');
    this.series.addEventListener('change', () => this.refresh());
    const log = document.getElementById('compare-log');
    log.addEventListener('change', () => this.chart.setLog(log.checked));
    document.getElementById('compare-clear').addEventListener('click', onClear);
  }

  set(ids) {
    this.ids = ids;
    document.getElementById('compare-count').textContent = String(ids.length);
    this.refresh();
  }

  /** Worth re-reading only while one of the jobs can still change. */
  get live() {
    return this.ids.some((id) => !isTerminal(this.statusOf(id)));
  }

  async refresh() {
    const ids = this.ids;
    document.getElementById('compare-none').hidden = ids.length > 0;
    const note = document.getElementById('compare-note');
    if (ids.length === 0) {
      this.chart.clear('No jobs ticked.');
      note.textContent = '';
      return;
    }
    if (this.loading) {
      this.pending = true; // the ticked set or the series changed meanwhile: read again once this round ends
      return;
    }
    this.loading = true;
    this.pending = false;
    const series = this.series.value;
    try {
      const curves = await this.curves(ids, series);
      if (ids !== this.ids || series !== this.series.value) return;
      const drawn = curves.filter((c) => Array.isArray(c.values) && c.iteration.length > 0);
      const aligned = alignCurves(drawn);
      // No curve because no ticked job has this series: say so, not "waiting" for points that never come.
      if (drawn.length === 0 && curves.length > 0 && curves.every((c) => !Array.isArray(c.values))) {
        this.chart.clear(`None of these jobs has a ${series} loss.`);
      } else {
        this.chart.update(drawn.length ? aligned[0] : [], drawn.map((c, i) => ({
          label: this.name(c.jobId), ...seriesStyle(i), values: aligned[i + 1],
        })));
      }
      const missing = curves.filter((c) => !Array.isArray(c.values)).map((c) => this.name(c.jobId));
      note.textContent = missing.length ? `No ${series} loss for: ${missing.join(', ')}.` : '';
    } catch (e) {
      note.textContent = `Could not load the curves: ${e.message}`;
    } finally {
      this.loading = false;
      if (this.pending) this.refresh();
    }
  }

  async curves(ids, series) {
    if (this.serverCompare) {
      try {
        const answer = await getJson(`/jobs/compare${query({ ids: ids.join(','), series, maxPoints: POINTS })}`);
        return (answer.jobs || answer.curves || []).map((c) => ({
          jobId: c.jobId, iteration: c.iteration || [], values: c.values ?? c[series] ?? null,
        }));
      } catch (e) {
        // Older servers: /jobs/compare is read as a job id "compare" and is not found.
        if (!(e instanceof ApiError) || e.status !== 404) throw e;
        this.serverCompare = false;
      }
    }
    const answers = await Promise.all(ids.map((id) =>
      getJson(`/jobs/${encodeURIComponent(id)}/losses${query({ maxPoints: POINTS })}`)));
    return answers.map((l, i) => ({ jobId: ids[i], iteration: l.iteration, values: l[series] }));
  }

  name(id) {
    const label = this.labelOf(id);
    const same = this.ids.filter((other) => this.labelOf(other) === label).length > 1;
    return same ? `${label} (${id.slice(0, 6)})` : label;
  }
}
