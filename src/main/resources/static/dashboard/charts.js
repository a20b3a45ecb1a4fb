// A thin wrapper over uPlot (global from its webjar): line charts over the iteration axis that can
// grow point by point, switch between linear and log scale, and keep their size in step with the page.
import { fmtLoss } from './api.js';

// The same rules as the server's plots (PlotRenderer.SeriesStyle): Okabe–Ito colours without the yellow
// that vanishes on white, and dash patterns, in cycles of 7 and 4. Both lengths are coprime, so the i-th and
// j-th series share a (colour, dash) only when i ≡ j mod 28, and neighbours differ in both.
export const PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000'];
const DASHES = [null, [9, 4], [2.5, 3], [12, 4, 3, 4]];

/** Colour and dash of the i-th series of a chart. */
export function seriesStyle(i) {
  return { color: PALETTE[i % PALETTE.length], dash: DASHES[i % DASHES.length] };
}

// train, validation and test look as they do in the server's loss plots (series 0, 1 and 2).
export const SET_STYLES = { train: seriesStyle(0), validation: seriesStyle(1), test: seriesStyle(2) };

/**
 * One tick label with `digits` significant digits. With `si`, thousands and up read 120k, 1.5M (the
 * iteration axis); otherwise large and tiny values read 1e5, 2.5e-3 (the loss axes).
 */
function tick(v, digits, si) {
  if (v === null || v === undefined) return '';
  const abs = Math.abs(v);
  if (abs === 0) return '0';
  if (si && abs >= 1e3 && abs < 1e15) {
    const [unit, suffix] = abs >= 1e12 ? [1e12, 'T'] : abs >= 1e9 ? [1e9, 'G'] : abs >= 1e6 ? [1e6, 'M'] : [1e3, 'k'];
    return `${Number((v / unit).toPrecision(digits))}${suffix}`;
  }
  if (abs >= 1e5 || abs < 1e-2) {
    const [mantissa, exponent] = v.toExponential(Math.max(0, digits - 3)).split('e');
    return `${Number(mantissa)}e${Number(exponent)}`;
  }
  return String(Number(v.toPrecision(digits)));
}

/**
 * An axis's labels: as short as they can be while distinct ticks keep distinct labels (1e5 alone would
 * label 100000, 110000 and 120000 alike). The iteration axis uses k/M suffixes once it passes 100,000.
 */
export function tickLabels(splits, si = false) {
  const shown = splits.filter((v) => v !== null && v !== undefined);
  const big = si && shown.some((v) => Math.abs(v) >= 1e5);
  let labels = [];
  for (let digits = 3; digits <= 17; digits += 1) {
    labels = splits.map((v) => tick(v, digits, big));
    const texts = labels.filter((t, i) => splits[i] !== null && splits[i] !== undefined);
    if (new Set(texts).size === new Set(shown).size) break;
  }
  return labels;
}

/**
 * The y splits of a log chart, in decades (log10 of the value): at 1, 2 and 5 per decade when there is
 * room, at each decade when there is less, and at every k-th decade on short charts spanning many: never
 * a crowded axis. A curve inside a decade or two still gets at least three (1-2-5). The zero line, when
 * there is one, is split and labelled too.
 */
function logSplits(height, { min, max, zero }) {
  const low = zero === null ? min : zero + 1;
  const perDecade = height / Math.max(max - low, 1);
  const every = perDecade >= 30 ? 1 : Math.ceil(30 / perDecade);
  const pick = (withTwoAndFive) => {
    const splits = zero === null ? [] : [zero];
    for (let decade = low; decade <= max; decade += 1) {
      if (decade % every === 0 || withTwoAndFive) splits.push(decade);
      if (withTwoAndFive && decade < max) splits.push(decade + Math.log10(2), decade + Math.log10(5));
    }
    return splits;
  };
  const splits = pick(perDecade >= 90);
  return splits.length - (zero === null ? 0 : 1) >= 3 ? splits : pick(true);
}

/**
 * A log chart's columns and range: log10 of each value, drawn on a linear axis. uPlot's own log scale
 * cannot go much below 1e-15 (its scale minimum rounds to 0 and its tick loop runs until the page throws
 * "Invalid array length"), and a vanishing gradient is 1e-13 and smaller: the values it dropped are what a
 * gradient chart is for. The axis reaches from the decade of the smallest positive value to that of the
 * largest; zeros get a line of their own one decade below, labelled 0, so they read as zeros, not as a
 * curve that ended. Negative values cannot be shown: gaps.
 */
function logColumns(seriesValues) {
  let low = Infinity;
  let high = -Infinity;
  let zeros = false;
  for (const values of seriesValues) {
    for (const v of values) {
      if (!plottable(v)) continue;
      if (v > 0) {
        const decade = Math.log10(v);
        low = Math.min(low, decade);
        high = Math.max(high, decade);
      } else if (v === 0) {
        zeros = true;
      }
    }
  }
  if (low === Infinity) [low, high] = [0, 0]; // nothing positive: one decade from 1 to 10
  const min = Math.floor(low);
  const max = Math.max(Math.ceil(high), min + 1);
  const zero = zeros ? min - 1 : null;
  const columns = seriesValues.map((values) => values.map((v) => {
    if (!plottable(v) || v < 0) return null;
    return v === 0 ? zero : Math.log10(v);
  }));
  return { columns, range: { min: zero ?? min, max, zero } };
}

// Iterations are whole numbers: the x axis steps 1, 2, 5, 10, … and never shows 0.5 or ±5e-9.
const WHOLE_STEPS = [];
for (let e = 0; e <= 9; e += 1) WHOLE_STEPS.push(10 ** e, 2 * 10 ** e, 5 * 10 ** e);

/**
 * Beyond this a curve has diverged and its value means nothing; uPlot also gives up labelling an axis whose
 * values have more than 17 digits, and one point at 1e305 flattens every other curve. Such points are left
 * out like non-finite ones: the curve ends where it leaves the chart.
 */
const OFF_CHART = 1e15;

function plottable(v) {
  return v !== null && v !== undefined && Number.isFinite(v) && Math.abs(v) <= OFF_CHART;
}

/** True when a series has at most two points to draw, too few for a visible line. */
function sparse(values) {
  let n = 0;
  for (const v of values) {
    if (plottable(v)) n += 1;
    if (n > 2) return false;
  }
  return true;
}

function finite(values) {
  return values.map((v) => (plottable(v) ? v : null));
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
   * them (null for a gap; `dash` an array of dash lengths, or null for a solid line). With more than three
   * series the legend lists them in the order their lines end, top to bottom, not in the order given.
   */
  update(x, series) {
    if (series.length > 3) {
      const end = (s) => {
        for (let i = s.values.length - 1; i >= 0; i -= 1) {
          const v = s.values[i];
          if (plottable(v) && (!this.log || v >= 0)) return v;
        }
        return -Infinity;
      };
      series = [...series].sort((a, b) => end(b) - end(a));
    }
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
    let columns;
    if (this.log) {
      const scaled = logColumns(series.map((s) => s.values));
      columns = scaled.columns;
      this.range = scaled.range;
    } else {
      columns = series.map((s) => finite(s.values));
      this.range = null;
    }
    const data = [x, ...columns];
    const signature = JSON.stringify([this.log, series.map((s) => [s.label, s.color, s.dash, sparse(s.values)])]);
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

  /** A plotted value as the value it stands for (log charts plot log10 of it, and zeros on their line). */
  valueOf(v) {
    if (!this.log || v === null || v === undefined) return v;
    return v === this.range.zero ? 0 : 10 ** v;
  }

  options(series) {
    const axis = { stroke: '#475569', grid: { stroke: '#e2e8f0', width: 1 }, ticks: { stroke: '#cbd5e1', width: 1 } };
    return {
      width: this.container.clientWidth || 600,
      height: this.height,
      scales: {
        // a single point gets a range around it instead of a zero-width one
        x: { time: false, range: (u, min, max) => (min === max ? [Math.max(0, min - 1), Math.max(0, min - 1) + 2] : [min, max]) },
        // log: the columns are log10 of the values (logColumns), on a range read at every update
        y: this.log ? { distr: 1, range: () => [this.range.min, this.range.max] } : { distr: 1 },
      },
      axes: [
        { ...axis, label: 'iteration', labelSize: 18, incrs: WHOLE_STEPS, values: (u, splits) => tickLabels(splits, true) },
        this.log
          ? {
            ...axis,
            size: 56,
            splits: (u) => logSplits(u.over.clientHeight || u.height, this.range),
            values: (u, splits) => tickLabels(splits.map((s) => 10 ** s))
              .map((label, i) => (splits[i] === this.range.zero ? '0' : label)),
          }
          : { ...axis, size: 56, values: (u, splits) => tickLabels(splits) },
      ],
      series: [
        { label: 'iteration', value: (u, v) => (v === null || v === undefined ? '–' : v.toLocaleString('en')) },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: s.width || 1.75,
          dash: s.dash || undefined,
          spanGaps: true,
          // one or two points make no line: show them as dots so a short or diverged run is not an empty chart
          points: sparse(s.values) ? { show: true, size: 9, fill: s.color } : { show: false },
          value: (u, v) => fmtLoss(this.valueOf(v)),
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
