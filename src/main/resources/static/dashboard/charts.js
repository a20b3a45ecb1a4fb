// A thin wrapper over uPlot (global from its webjar): line charts over the iteration axis that can
// grow point by point, switch between linear and log scale, and keep their size in step with the page.
import { fmtLoss } from './api.js';

export const SET_COLORS = { train: '#2563eb', validation: '#d97706', test: '#059669' };

// Distinguishable on white, in this order, for overlays and per-layer lines.
export const PALETTE = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#db2777',
  '#65a30d', '#475569', '#b45309', '#4f46e5', '#0d9488'];

function tick(v) {
  if (v === null || v === undefined) return '';
  const abs = Math.abs(v);
  if (abs === 0) return '0';
  if (abs >= 1e5 || abs < 1e-2) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}

/**
 * On a log axis, labels and grid lines at 1, 2 and 5 per decade when there is room, at each decade
 * when there is less, and at every k-th decade on short charts spanning many: never a crowded axis.
 */
function logSplits(u, splits) {
  const { min, max } = u.scales.y;
  const decades = Math.max(Math.log10(max / min), 1e-9);
  const perDecade = (u.over.clientHeight || u.height) / decades;
  const every = perDecade >= 30 ? 1 : Math.ceil(30 / perDecade);
  return splits.map((v) => {
    if (!(v > 0)) return null;
    const exponent = Math.floor(Math.log10(v) + 1e-9);
    const lead = Math.round(v / 10 ** exponent);
    if (lead === 1) return exponent % every === 0 ? v : null;
    return perDecade >= 90 && (lead === 2 || lead === 5) ? v : null;
  });
}

/** Log axes cannot show zero or negative values: leave a gap there instead. */
function positive(values) {
  return values.map((v) => (v === null || v === undefined || !(v > 0) || !Number.isFinite(v) ? null : v));
}

function finite(values) {
  return values.map((v) => (v === null || v === undefined || !Number.isFinite(v) ? null : v));
}

export class LineChart {
  /**
   * @param container element the chart lives in; its data-points and data-last-iteration
   *        attributes always tell how much it shows (handy for tests and debugging)
   */
  constructor(container, { height = 260, log = true, empty = 'Waiting for the first points…' } = {}) {
    this.container = container;
    this.height = height;
    this.log = log;
    this.empty = empty;
    this.plot = null;
    this.signature = null;
    this.x = [];
    this.series = [];
    this.placeholder = document.createElement('p');
    this.placeholder.className = 'chart-empty';
    this.placeholder.textContent = empty;
    container.append(this.placeholder);
    new ResizeObserver(() => {
      if (this.plot && this.container.clientWidth > 0) {
        this.plot.setSize({ width: this.container.clientWidth, height: this.height });
      }
    }).observe(container);
  }

  /**
   * Shows the columns: `x` the iterations, each series `{label, color, values, dash}` aligned with
   * them (null for a gap).
   */
  update(x, series) {
    this.x = x;
    this.series = series;
    this.container.dataset.points = String(x.length);
    this.container.dataset.lastIteration = String(x.length ? x[x.length - 1] : -1);
    if (x.length === 0 || series.length === 0) {
      this.destroyPlot();
      this.placeholder.hidden = false;
      return;
    }
    this.placeholder.hidden = true;
    const data = [x, ...series.map((s) => (this.log ? positive(s.values) : finite(s.values)))];
    const signature = JSON.stringify([this.log, series.map((s) => [s.label, s.color, Boolean(s.dash)])]);
    if (this.plot && signature === this.signature) {
      this.plot.setData(data);
    } else {
      this.destroyPlot();
      this.signature = signature;
      this.plot = new uPlot(this.options(series), data, this.container);
    }
  }

  setLog(log) {
    this.log = log;
    this.signature = null;
    this.update(this.x, this.series);
  }

  clear(message) {
    this.placeholder.textContent = message || this.empty;
    this.update([], []);
  }

  destroyPlot() {
    if (this.plot) {
      this.plot.destroy();
      this.plot = null;
      this.signature = null;
    }
  }

  options(series) {
    const axis = { stroke: '#475569', grid: { stroke: '#e2e8f0', width: 1 }, ticks: { stroke: '#cbd5e1', width: 1 } };
    return {
      width: this.container.clientWidth || 600,
      height: this.height,
      scales: {
        x: { time: false },
        y: this.log ? { distr: 3, log: 10 } : { distr: 1 },
      },
      axes: [
        { ...axis, label: 'iteration', labelSize: 18, values: (u, splits) => splits.map(tick) },
        this.log
          ? { ...axis, size: 56, values: (u, splits) => splits.map(tick), filter: logSplits,
            grid: { ...axis.grid, filter: logSplits }, ticks: { ...axis.ticks, filter: logSplits } }
          : { ...axis, size: 56, values: (u, splits) => splits.map(tick) },
      ],
      series: [
        { label: 'iteration', value: (u, v) => (v === null || v === undefined ? '–' : v.toLocaleString('en')) },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: s.width || 1.75,
          dash: s.dash ? [6, 4] : undefined,
          spanGaps: true,
          points: { show: false },
          value: (u, v) => fmtLoss(v),
        })),
      ],
      cursor: { drag: { x: true, y: false } },
      legend: { live: true },
    };
  }
}

/**
 * Aligns curves with different iterations on one x axis (uPlot needs one shared column):
 * `curves` is `[{iteration, values}]`; answers `[x, values1, values2, …]` with nulls for gaps.
 */
export function alignCurves(curves) {
  if (curves.length === 0) return [[]];
  return uPlot.join(curves.map((c) => [c.iteration, c.values]));
}
