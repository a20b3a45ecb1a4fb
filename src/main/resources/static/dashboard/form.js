// The new-job form: builds a job spec, POSTs it, and shows a problem+json answer next to the fields.
import { ApiError, getJson, postJson } from './api.js';

const NUMBERS = { scale: 'decimal', alpha: 'decimal', validationFraction: 'decimal', iterations: 'integer', seed: 'integer', basisDegree: 'integer' };

export class JobForm {
  constructor({ onSubmitted }) {
    this.onSubmitted = onSubmitted;
    this.form = document.getElementById('job-form');
    this.problem = document.getElementById('form-problem');
    this.status = document.getElementById('form-status');
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
  }

  async loadDatasets() {
    const select = document.getElementById('f-dataset');
    try {
      const { items = [] } = await getJson('/datasets');
      select.replaceChildren(...items.map((d) => {
        const option = document.createElement('option');
        option.value = d.id;
        option.textContent = `${d.name || d.id} (${d.features} in, ${d.targets} out; ${d.trainRows} train / ${d.testRows} test rows)`;
        return option;
      }));
      // The banner of an earlier failed read (signed out, say) is stale now.
      if (this.datasetProblem) this.clearProblems();
      this.datasetProblem = false;
    } catch (e) {
      this.clearProblems(); // one banner, not one per failed read
      this.showProblem(`Could not load the data sets: ${e.message}`, []);
      this.datasetProblem = true;
    }
  }

  /** The spec from the fields; fields that cannot be numbers are reported here, before any request. */
  spec() {
    const data = new FormData(this.form);
    const errors = [];
    const spec = { dataset: data.get('dataset') };
    const name = data.get('name').trim();
    if (name) spec.name = name;
    const layers = data.get('layers').trim();
    spec.layers = layers === '' ? [] : layers.split(/[\s,]+/).filter(Boolean).map(Number);
    if (spec.layers.some((w) => !Number.isInteger(w))) errors.push({ field: 'layers', message: 'give whole numbers separated by commas, e.g. 50, 50' });
    spec.activation = data.get('activation');
    spec.bias = this.form.elements.bias.checked;
    spec.normalize = this.form.elements.normalize.checked;
    const optimizer = data.get('optimizer');
    if (optimizer && optimizer !== 'gd') spec.optimizer = { type: optimizer };
    const batch = String(data.get('batchSize') ?? '').trim();
    if (batch !== '') {
      const value = Number(batch);
      if (!Number.isInteger(value)) errors.push({ field: 'batchSize', message: 'must be a whole number, or empty for full batch' });
      else spec.batchSize = value;
    }
    const patience = String(data.get('earlyStopping') ?? '').trim();
    if (patience !== '') {
      const value = Number(patience);
      if (!Number.isInteger(value)) {
        errors.push({ field: 'earlyStopping', message: 'must be a whole number, or empty for no early stopping' });
      } else {
        spec.earlyStopping = { patience: value, monitor: data.get('monitor'), restoreBest: this.form.elements.restoreBest.checked };
      }
    }
    for (const [field, kind] of Object.entries(NUMBERS)) {
      const text = String(data.get(field) ?? '').trim();
      if (text === '') {
        if (field === 'alpha') spec.alpha = null; // required: let the server say so, like every client sees it
        continue;
      }
      const value = Number(text);
      if (!Number.isFinite(value) || (kind === 'integer' && !Number.isInteger(value))) {
        errors.push({ field, message: kind === 'integer' ? 'must be a whole number' : 'must be a number' });
      } else if (kind === 'integer' && !Number.isSafeInteger(value)) {
        // Beyond 2^53 a JavaScript number is not that integer: 9007199254740993 would be sent as …992,
        // a silently different seed. Refused here rather than submitted as another job.
        errors.push({ field, message: `must be at most ${Number.MAX_SAFE_INTEGER.toLocaleString('en')} in this form` });
      } else {
        spec[field] = value;
      }
    }
    return { spec, errors };
  }

  async submit() {
    this.clearProblems();
    this.datasetProblem = false;
    const { spec, errors } = this.spec();
    if (errors.length) {
      this.showProblem('Please correct the highlighted fields.', errors);
      return;
    }
    const button = document.getElementById('job-submit');
    button.disabled = true;
    this.status.textContent = 'Submitting…';
    try {
      const job = await postJson('/jobs', spec);
      this.status.textContent = `Queued ${job.name || job.id}.`;
      this.onSubmitted(job);
    } catch (e) {
      this.status.textContent = '';
      if (e instanceof ApiError) {
        this.showProblem(e.problem.detail || e.problem.title || e.message, e.problem.errors || [], e.problem.title);
      } else {
        this.showProblem(`The request failed: ${e.message}`, []);
      }
    } finally {
      button.disabled = false;
    }
  }

  clearProblems() {
    this.problem.hidden = true;
    this.problem.replaceChildren();
    for (const node of this.form.querySelectorAll('.field-error')) node.remove();
    for (const input of this.form.querySelectorAll('[aria-invalid]')) {
      input.removeAttribute('aria-invalid');
      const described = (input.getAttribute('aria-describedby') || '').split(' ').filter((id) => !id.startsWith('e-'));
      if (described.length) input.setAttribute('aria-describedby', described.join(' '));
      else input.removeAttribute('aria-describedby');
    }
  }

  /** The problem's detail on top; each `{field, message}` under its input, or in the list when no input matches. */
  showProblem(detail, errors, title) {
    const unplaced = [];
    for (const { field, message } of errors) {
      const base = String(field || '').split(/[.[]/)[0];
      const input = base && this.form.elements[base] && document.getElementById(`f-${base}`);
      if (!input) {
        unplaced.push(field ? `${field}: ${message}` : message);
        continue;
      }
      const id = `e-${base}`;
      let note = document.getElementById(id);
      if (!note) {
        note = document.createElement('small');
        note.id = id;
        note.className = 'field-error';
        input.closest('.field').append(note);
        input.setAttribute('aria-describedby', `${input.getAttribute('aria-describedby') || ''} ${id}`.trim());
      }
      note.textContent = note.textContent ? `${note.textContent}; ${message}` : message;
      input.setAttribute('aria-invalid', 'true');
    }
    const heading = document.createElement('strong');
    heading.textContent = title && title !== detail ? `${title}: ` : '';
    this.problem.append(heading, document.createTextNode(detail));
    if (unplaced.length) {
      const list = document.createElement('ul');
      for (const text of unplaced) {
        const li = document.createElement('li');
        li.textContent = text;
        list.append(li);
      }
      this.problem.append(list);
    }
    this.problem.hidden = false;
    this.form.querySelector('[aria-invalid="true"]')?.focus();
  }
}
