// hedgesim's teaching page. The server is stateless: this browser keeps the whole state (scenario, its branch of
// added events and changed parameters, the current step, the selected agent) and asks `hedgesim serve` for a
// fresh run of the scenario and its branch whenever the branch changes. Playing only moves through the run
// already computed.

import { ApiError, getJSON, postJSON } from './js/api.js';
import { stepAtOrAfter, stepOfEvent } from './js/time.js';
import { createCharts } from './js/charts.js';
import { renderAlignment } from './js/alignment.js';
import { createLessons } from './js/lessons.js';

const $ = (id) => document.getElementById(id);

// Okabe–Ito colours (distinguishable with colour-blindness), given to hedgers in the model's order.
const PALETTE = ['#E69F00', '#56B4E9', '#009E73', '#CC79A7', '#D55E00', '#0072B2', '#999933', '#882255'];
const EXPLAIN_STEPS_BEFORE = 4; // the default "why" window: this many steps before the current date
const PARAMETER_DEBOUNCE_MS = 450;
const FIXED_PARAMETERS = ['step_days']; // the server refuses them in a branch: they move the time grid
const DEFAULT_REPLICATES = 8; // the server's default too
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/; // dates are shown and typed as ISO 8601, whatever the browser's locale
const DEFAULT_SCENARIO = 'scenarios/veto-2019.toml'; // the one the README and the lessons start from
const CHARTED_VARIABLES = ['signal', 'substance']; // the two fixed charts; "More" offers the other hedger variables
const DEFAULT_MORE_VARIABLE = 'courting';

const state = {
  scenarios: [],
  scenario: null, // the summary from /api/scenarios of the loaded scenario
  model: null, // /api/model of it
  replicates: DEFAULT_REPLICATES,
  seed: null, // null: the scenario's own seed
  events: [], // the branch's added events, as /api/run takes them
  parameters: {}, // the branch's changed parameters only
  run: null, // the last /api/run answer
  step: 0,
  timer: null, // the playing interval, or null when paused
  selected: null, // agent id of the "why did it move?" panel
  explanation: null, // the last /api/explain answer
  attribution: null, // the last /api/attribute answer
  pending: 0, // requests in flight
  runs: 0, // runs received, for the tests
  classEvents: false, // whether state.events hold events the class fired (then replacing them asks first)
};

let runSeq = 0; // only the answer to the newest request is shown, whatever order answers arrive in
let explainSeq = 0;
let attributeSeq = 0;
let charts = null;
let lessons = null;

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

function hasBranch() {
  return state.events.length > 0 || Object.keys(state.parameters).length > 0;
}

function colourOf(id) {
  const hedgers = state.model ? state.model.agents.filter((a) => a.kind === 'hedger') : [];
  const i = hedgers.findIndex((a) => a.id === id);
  return PALETTE[(i < 0 ? 0 : i) % PALETTE.length];
}

function agentById(id) {
  return state.model ? state.model.agents.find((a) => a.id === id) : undefined;
}

function dates() {
  return state.run ? state.run.dates : [];
}

function currentDate() {
  return dates()[state.step] || '';
}

/// The body of POST /api/run for the current scenario and branch; /api/explain adds agent, from and to.
function runRequest() {
  const body = { scenario: state.scenario.file, replicates: state.replicates };
  if (state.seed !== null) body.seed = state.seed;
  if (Object.keys(state.parameters).length) body.parameters = { ...state.parameters };
  if (state.events.length) body.events = state.events.map((e) => ({ ...e, targets: [...e.targets] }));
  return body;
}

function setText(id, text) {
  $(id).textContent = text;
}

// ---------------------------------------------------------------------------------------------------------------
// Errors and the busy indicator

/// Shows a failure to the user: the server's message verbatim, after what the page was doing.
function showError(context, error) {
  const message = error instanceof Error ? error.message : String(error);
  const status = error instanceof ApiError && error.status ? ` (HTTP ${error.status})` : '';
  setText('error-context', `${context} failed${status}:`);
  setText('error-message', message);
  $('error').hidden = false;
  console.warn(context, error); // shown to the user above; logged for the developer tools
}

function clearError() {
  $('error').hidden = true;
  setText('error-context', '');
  setText('error-message', '');
}

function setPending(delta) {
  state.pending += delta;
  document.body.classList.toggle('busy', state.pending > 0);
  setText('status', state.pending > 0 ? `computing ${state.replicates} replicates…` : '');
}

/// Runs `work` (a promise-returning function) with the busy indicator on.
async function busy(work) {
  setPending(+1);
  try {
    return await work();
  } finally {
    setPending(-1);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Scenarios and runs

async function loadScenarioList() {
  state.scenarios = await busy(() => getJSON('api/scenarios'));
  const select = $('scenario');
  select.replaceChildren();
  // The shipped scenarios, then the teacher's own (hedgesim serve --scenarios DIR), each group labelled.
  const groups = { shipped: null, yours: null };
  for (const s of state.scenarios) {
    const source = s.source === 'yours' ? 'yours' : 'shipped';
    if (!groups[source]) {
      groups[source] = document.createElement('optgroup');
      groups[source].label = source === 'yours' ? 'Your scenarios' : 'Shipped scenarios';
      select.append(groups[source]);
    }
    const text = s.error ? `${s.file} (broken: ${s.error})` : `${s.name}: ${s.title}`;
    const option = new Option(source === 'yours' && !s.error ? `${text} (${s.file})` : text, s.file);
    option.disabled = Boolean(s.error);
    option.title = s.error || s.file;
    groups[source].append(option);
  }
}

/// Loads a scenario's model and sets the page up for it, with the given branch; then runs it.
async function openScenario(file, branch = {}) {
  pause();
  if (!state.model || state.scenario.file !== file) {
    const model = await busy(() => getJSON(`api/model?scenario=${encodeURIComponent(file)}`));
    state.model = model;
    state.scenario = model.scenario;
    state.run = null;
    renderNoRun();
    state.step = 0;
    state.seed = null;
    state.explanation = null;
    state.attribution = null;
    // The explanation's window belonged to the old scenario's dates: "Explain" starts from this one's.
    $('explain-from').value = '';
    $('explain-to').value = '';
    if (state.selected && !agentById(state.selected)) state.selected = null;
    $('scenario').value = file;
    setText('scenario-title', model.scenario.title);
    $('seed').value = '';
    $('seed').placeholder = String(model.scenario.seed);
    buildEventForm();
    buildParameterSliders();
    fillMoreVariables();
    fillExplainAgents();
    renderExplanation();
    renderAttribution();
  }
  state.events = (branch.events || []).map((e) => ({ ...e, targets: [...(e.targets || [])] }));
  state.classEvents = false; // these came with the scenario or the lesson step, not from the class
  state.parameters = { ...(branch.parameters || {}) };
  syncParameterSliders();
  renderAddedEvents();
  return runNow('Running the scenario');
}

/// Asks the server for the scenario and its branch; true when the new run is shown, false on an error,
/// 'stale' when a newer request overtook this one.
async function runNow(context) {
  const seq = ++runSeq;
  try {
    const run = await busy(() => postJSON('api/run', runRequest()));
    if (seq !== runSeq) return 'stale';
    state.run = run;
    state.runs += 1;
    state.step = Math.min(state.step, run.dates.length - 1);
    renderRun();
    return true;
  } catch (e) {
    if (seq !== runSeq) return 'stale';
    showError(context, e);
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

function view() {
  return {
    model: state.model,
    scenario: state.scenario,
    run: state.run,
    step: state.step,
    hasBranch: hasBranch(),
    selected: state.selected,
    colourOf,
  };
}

function renderRun() {
  if (!state.run) return;
  const scrub = $('scrub');
  scrub.max = String(state.run.dates.length - 1);
  charts.render(view());
  renderLegend();
  renderBranchSummary();
  renderTime();
}

/// Everything that depends on the current step: the scrubber, the date, the map, the charts' current line.
function renderTime() {
  if (!state.run) return;
  const last = state.run.dates.length - 1;
  $('scrub').value = String(state.step);
  setText('current-date', currentDate());
  setText('map-date', currentDate());
  setText('step-label', `week ${state.step} of ${last}`);
  $('step-back').disabled = state.step === 0;
  $('step-forward').disabled = state.step === last;
  renderAlignment($('agents'), view());
  charts.setStep(state.step);
  renderCurrentEvents();
  $('event-date').value = currentDate();
}

/// The events that act in the step ending at the current date: what just happened.
function renderCurrentEvents() {
  const list = $('now-events');
  list.replaceChildren();
  const happening = state.run.events.filter(
    (e) => stepOfEvent(e.date, state.run.dates[0], state.scenario.step_days) === state.step,
  );
  for (const e of happening) {
    const li = document.createElement('li');
    li.className = e.added ? 'added' : 'scenario';
    li.textContent = `${e.date} · ${e.label || e.type}${e.added ? ' (added by you)' : ''}`;
    list.append(li);
  }
  $('now-events-box').classList.toggle('empty', happening.length === 0);
  setText('now-events-title', happening.length ? 'This week:' : 'This week: no events');
}

/// One legend for all the charts; a click selects the agent.
function renderLegend() {
  const legend = $('chart-legend');
  legend.replaceChildren();
  for (const id of state.run.agents) {
    const chip = document.createElement('button');
    chip.type = 'button';
    chip.className = `legend-chip${id === state.selected ? ' selected' : ''}`;
    chip.dataset.agent = id;
    chip.style.setProperty('--agent-colour', colourOf(id));
    const agent = agentById(id);
    chip.textContent = agent ? agent.name : id;
    chip.title = `Why did ${agent ? agent.name : id} move?`;
    legend.append(chip);
  }
  const key = document.createElement('span');
  key.className = 'legend-key';
  key.innerHTML = hasBranch()
    ? '<span class="solid"></span> scenario <span class="dashed"></span> your branch <span class="marker added"></span> your events <span class="marker"></span> scenario events'
    : '<span class="solid"></span> scenario <span class="marker"></span> scenario events';
  legend.append(key);
}

/// The selected agent is highlighted on the map, the charts and the legend.
function renderSelection() {
  if (!state.run) return;
  charts.render(view());
  renderLegend();
  renderAlignment($('agents'), view());
}

/// A new scenario whose run has not arrived (or failed): nothing of the previous scenario may stay on screen.
function renderNoRun() {
  charts.clear();
  $('agents').replaceChildren();
  $('chart-legend').replaceChildren();
  $('now-events').replaceChildren();
  $('scrub').max = '0';
  setText('current-date', '—');
  setText('map-date', '—');
  setText('step-label', '');
}

function renderBranchSummary() {
  const nEvents = state.events.length;
  const nParams = Object.keys(state.parameters).length;
  const text = hasBranch()
    ? `Your branch: ${nEvents} added event${nEvents === 1 ? '' : 's'}, ${nParams} changed parameter${nParams === 1 ? '' : 's'} (dashed lines)`
    : 'No branch yet: fire an event or move a parameter to compare with the scenario.';
  setText('branch-summary', text);
  $('branch-summary').classList.toggle('active', hasBranch());
}

// ---------------------------------------------------------------------------------------------------------------
// The "More" chart: any other hedger variable over time

/// The hedger variables of the model that have no chart of their own, as /api/model describes them.
function moreVariables() {
  return state.model.variables.filter((v) => v.kind === 'hedger' && !CHARTED_VARIABLES.includes(v.name));
}

/// Offers the model's other hedger variables, labelled with their meaning; keeps the choice where it can.
function fillMoreVariables() {
  const select = $('more-variable');
  const previous = charts.variableOf('more');
  select.replaceChildren();
  for (const v of moreVariables()) select.append(new Option(v.meaning, v.name));
  const names = moreVariables().map((v) => v.name);
  const chosen = [previous, DEFAULT_MORE_VARIABLE].find((n) => names.includes(n)) || names[0] || DEFAULT_MORE_VARIABLE;
  select.value = chosen;
  charts.setVariable('more', chosen);
}

function wireMoreVariable() {
  $('more-variable').addEventListener('change', () => {
    charts.setVariable('more', $('more-variable').value);
    if (state.run) charts.render(view());
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Time: play, pause, step, scrub

function setStep(step) {
  if (!state.run) return;
  state.step = Math.max(0, Math.min(step, state.run.dates.length - 1));
  renderTime();
}

function playDelayMs() {
  return Number($('speed').value) || 300;
}

function play() {
  if (!state.run || state.timer) return;
  if (state.step >= state.run.dates.length - 1) setStep(0); // play again from the start
  state.timer = setInterval(() => {
    if (state.step >= state.run.dates.length - 1) pause();
    else setStep(state.step + 1);
  }, playDelayMs());
  document.body.classList.add('playing');
}

function pause() {
  if (state.timer) clearInterval(state.timer);
  state.timer = null;
  document.body.classList.remove('playing');
}

function wireTimeControls() {
  $('play').addEventListener('click', play);
  $('pause').addEventListener('click', pause);
  $('to-start').addEventListener('click', () => {
    pause();
    setStep(0);
  });
  $('step-back').addEventListener('click', () => {
    pause();
    setStep(state.step - 1);
  });
  $('step-forward').addEventListener('click', () => {
    pause();
    setStep(state.step + 1);
  });
  $('scrub').addEventListener('input', () => {
    pause();
    setStep(Number($('scrub').value));
  });
  $('speed').addEventListener('change', () => {
    if (state.timer) {
      pause();
      play();
    }
  });
  // Keyboard for the classroom: space plays or pauses, the arrows step (not while typing in a field). A button
  // keeps the focus after a click (Pause, say): the arrows still step then, and space is the button's own.
  document.addEventListener('keydown', (e) => {
    if (e.target.closest('input, select, textarea')) return;
    if (e.target.closest('button') && e.key === ' ') return;
    if (e.key === ' ') {
      e.preventDefault();
      if (state.timer) pause();
      else play();
    } else if (e.key === 'ArrowRight') {
      pause();
      setStep(state.step + 1);
    } else if (e.key === 'ArrowLeft') {
      pause();
      setStep(state.step - 1);
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Fire an event

/// The agents an event type allows: "hedger", "patron" (any patron), "veto_player" (a patron whose consent
/// accession needs) or a bloc id (the patrons of that bloc).
function agentsOfKinds(kinds) {
  return state.model.agents.filter((a) => kinds.includes(a.kind) ||
    (a.kind === 'patron' && (kinds.includes(a.bloc) || (a.veto_player && kinds.includes('veto_player')))));
}

function selectedEventType() {
  return state.model.event_types.find((t) => t.name === $('event-type').value);
}

function buildEventForm() {
  const typeSelect = $('event-type');
  typeSelect.replaceChildren();
  for (const t of state.model.event_types) typeSelect.append(new Option(t.name.replaceAll('_', ' '), t.name));
  $('event-date').min = state.scenario.start;
  $('event-date').max = state.scenario.end;
  fillEventParties();
}

/// Actor choices and target checkboxes for the chosen event type, filtered by the kinds it allows.
function fillEventParties() {
  const type = selectedEventType();
  if (!type) return;
  setText('event-description', type.description);
  const actor = $('event-actor');
  const previousActor = actor.value;
  actor.replaceChildren();
  for (const a of agentsOfKinds(type.actor_kinds)) actor.append(new Option(`${a.name} (${a.id})`, a.id));
  if ([...actor.options].some((o) => o.value === previousActor)) actor.value = previousActor;

  const targets = $('event-targets');
  targets.replaceChildren();
  for (const a of agentsOfKinds(type.target_kinds)) {
    const label = document.createElement('label');
    label.className = 'target';
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = a.id;
    box.name = 'target';
    label.append(box, ` ${a.id}`);
    label.title = a.name;
    targets.append(label);
  }
}

function readEventForm() {
  const type = $('event-type').value;
  const actor = $('event-actor').value;
  const targets = [...$('event-targets').querySelectorAll('input:checked')].map((b) => b.value);
  const label = $('event-label').value.trim() || `${type.replaceAll('_', ' ')} by ${actor} (added in class)`;
  return { date: $('event-date').value, type, actor, targets, label };
}

/// Adds the form's event to the branch and re-runs; the server checks it, and a refused event is taken out
/// again so the branch stays runnable.
async function fireEvent() {
  clearError();
  const event = readEventForm();
  if (!ISO_DATE.test(event.date)) {
    showError('Firing the event', new Error(`the date '${event.date}' must be written YYYY-MM-DD, e.g. 2019-10-18`));
    return;
  }
  state.events.push(event);
  renderAddedEvents();
  const ok = await runNow('Firing the event');
  if (ok === false) {
    state.events = state.events.filter((e) => e !== event);
    renderAddedEvents();
    return;
  }
  state.classEvents = true;
  $('event-label').value = '';
  if (ok === true) refreshExplanation();
}

function renderAddedEvents() {
  const list = $('added-events');
  list.replaceChildren();
  state.events.forEach((e, i) => {
    const li = document.createElement('li');
    const what = document.createElement('span');
    what.className = 'what';
    what.textContent = `${e.date} · ${e.type.replaceAll('_', ' ')} · ${e.actor} → ${e.targets.join(', ')}`;
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = e.label;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'remove-event';
    remove.textContent = 'Remove';
    remove.dataset.index = String(i);
    li.append(what, label, remove);
    list.append(li);
  });
  $('no-added-events').hidden = state.events.length > 0;
}

async function removeEvent(index) {
  clearError();
  state.events.splice(index, 1);
  renderAddedEvents();
  if ((await runNow('Removing the event')) === true) refreshExplanation();
}

/// Downloads the branch as a patch of the scenario (POST /api/save-branch): a .toml file to keep beside the
/// scenario and run with hedgesim, so that what the class tried can be studied after the lesson.
async function saveBranch() {
  clearError();
  try {
    const saved = await busy(() => postJSON('api/save-branch', runRequest()));
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([saved.text], { type: 'application/toml' }));
    link.download = saved.file;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  } catch (error) {
    showError('Saving the branch', error);
  }
}

async function resetBranch() {
  clearError();
  state.events = [];
  state.parameters = {};
  syncParameterSliders();
  renderAddedEvents();
  if ((await runNow('Resetting the branch')) === true) refreshExplanation();
}

function wireEventForm() {
  $('event-type').addEventListener('change', fillEventParties);
  $('fire').addEventListener('click', fireEvent);
  $('added-events').addEventListener('click', (e) => {
    const button = e.target.closest('.remove-event');
    if (button) removeEvent(Number(button.dataset.index));
  });
  $('reset-branch').addEventListener('click', resetBranch);
  $('save-branch').addEventListener('click', saveBranch);
}

// ---------------------------------------------------------------------------------------------------------------
// Parameters

let parameterTimer = null;

function editableParameters() {
  return state.model.parameters.filter((p) => !FIXED_PARAMETERS.includes(p.name));
}

/// A slider's resolution: whole numbers for day counts and wide ranges, else 1/200 of the range.
function sliderStep(p) {
  const range = p.max - p.min;
  if (p.unit === 'days' || range >= 200) return 1;
  return Number((range / 200).toPrecision(2));
}

function formatValue(v) {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

function buildParameterSliders() {
  const box = $('parameters');
  box.replaceChildren();
  for (const p of editableParameters()) {
    const row = document.createElement('div');
    row.className = 'param';
    row.dataset.name = p.name;
    const head = document.createElement('div');
    head.className = 'param-head';
    const name = document.createElement('label');
    name.className = 'param-name';
    name.htmlFor = `param-${p.name}`;
    name.textContent = p.name.replaceAll('_', ' ');
    const value = document.createElement('input');
    value.type = 'number';
    value.className = 'param-value';
    value.id = `param-value-${p.name}`;
    value.min = p.min;
    value.max = p.max;
    value.step = 'any';
    const unit = document.createElement('span');
    unit.className = 'param-unit';
    unit.textContent = p.unit === '1' ? '' : p.unit;
    head.append(name, value, unit);
    const slider = document.createElement('input');
    slider.type = 'range';
    slider.id = `param-${p.name}`;
    slider.min = p.min;
    slider.max = p.max;
    slider.step = sliderStep(p);
    const meaning = document.createElement('div');
    meaning.className = 'param-meaning';
    meaning.textContent = `${p.meaning} · default ${formatValue(p.value)}, ${formatValue(p.min)} to ${formatValue(p.max)}`;
    row.append(head, slider, meaning);
    box.append(row);
    slider.addEventListener('input', () => setParameter(p, Number(slider.value)));
    value.addEventListener('change', () => setParameter(p, Number(value.value)));
  }
  syncParameterSliders();
}

/// Shows the branch's parameter values (the scenario's where unchanged) on the sliders.
function syncParameterSliders() {
  if (!state.model) return;
  for (const p of editableParameters()) {
    const v = p.name in state.parameters ? state.parameters[p.name] : p.value;
    const slider = $(`param-${p.name}`);
    if (!slider) continue;
    slider.value = String(v);
    $(`param-value-${p.name}`).value = formatValue(v);
    slider.closest('.param').classList.toggle('changed', p.name in state.parameters);
  }
  const n = Object.keys(state.parameters).length;
  setText('params-changed', n ? `${n} changed` : 'all at the scenario values');
}

/// A parameter moved: the branch takes the new value (or drops it when back at the scenario's), and is re-run
/// once the slider has rested for a moment.
function setParameter(p, value) {
  if (!Number.isFinite(value)) return;
  if (value === p.value) delete state.parameters[p.name];
  else state.parameters[p.name] = value;
  syncParameterSliders();
  clearTimeout(parameterTimer);
  parameterTimer = setTimeout(async () => {
    clearError();
    if ((await runNow(`Running the branch with ${p.name} = ${value}`)) === true) refreshExplanation();
  }, PARAMETER_DEBOUNCE_MS);
}

function wireParameters() {
  $('params-reset').addEventListener('click', async () => {
    clearError();
    clearTimeout(parameterTimer);
    state.parameters = {};
    syncParameterSliders();
    if ((await runNow('Resetting the parameters')) === true) refreshExplanation();
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Why did it move?

/// Selects an agent and explains it over `from`..`to`: by default the few steps up to the current date.
function selectAgent(id, { step = state.step, from, to } = {}) {
  if (!agentById(id)) return Promise.resolve();
  state.selected = id;
  if (step !== state.step) setStep(step);
  $('explain-from').value = from || dates()[Math.max(0, state.step - EXPLAIN_STEPS_BEFORE)] || '';
  $('explain-to').value = to || currentDate();
  $('explain-agent').value = id;
  renderSelection();
  return explainNow();
}

/// The body of /api/explain and /api/attribute: the branch, the selected agent and the window.
function windowRequest() {
  const body = { ...runRequest(), agent: state.selected };
  if ($('explain-from').value) body.from = $('explain-from').value;
  if ($('explain-to').value) body.to = $('explain-to').value;
  return body;
}

async function explainNow() {
  if (!state.selected || !state.scenario) return;
  const seq = ++explainSeq;
  $('explain').classList.add('loading');
  try {
    const answer = await busy(() => postJSON('api/explain', windowRequest()));
    if (seq !== explainSeq) return;
    state.explanation = answer;
    renderExplanation();
  } catch (e) {
    if (seq === explainSeq) showError(`Explaining ${state.selected}`, e);
  } finally {
    if (seq === explainSeq) $('explain').classList.remove('loading');
  }
}

/// After the branch changed: the shown explanation is out of date, fetch it again for the same window.
function refreshExplanation() {
  if (state.selected && state.explanation) explainNow();
  if (state.selected && state.attribution) attributeNow();
}

/// Which events mattered to the selected agent's mean signal over the window (POST /api/attribute: the
/// branch run with events removed; knock-out and Shapley values with intervals over the replicates).
async function attributeNow() {
  if (!state.selected || !state.scenario) return;
  const seq = ++attributeSeq;
  $('attribution').classList.add('loading');
  try {
    const answer = await busy(() => postJSON('api/attribute', windowRequest()));
    if (seq !== attributeSeq) return;
    state.attribution = answer;
    renderAttribution();
  } catch (e) {
    if (seq === attributeSeq) showError(`Finding which events mattered to ${state.selected}`, e);
  } finally {
    if (seq === attributeSeq) $('attribution').classList.remove('loading');
  }
}

/// Events shown: the largest Shapley values; the others are counted in the note.
const ATTRIBUTION_ROWS = 8;

/// A signed number with three decimals; "0.000" rather than "−0.000" for what rounds to zero.
function signed(x) {
  if (Math.abs(x) < 0.0005) return '0.000';
  return (x >= 0 ? '+' : '−') + Math.abs(x).toFixed(3);
}

function withInterval(e) {
  return `${signed(e.value)} [${signed(e.low)}, ${signed(e.high)}]`;
}

function renderAttribution() {
  const a = state.attribution;
  $('attribution').hidden = !a;
  if (!a) return;
  const agent = agentById(a.agent);
  setText('attribution-title', `Which events mattered to ${agent ? agent.name : a.agent}'s mean signal, ${a.from} to ${a.to} (your branch)`);
  const shown = a.events.slice(0, ATTRIBUTION_ROWS);
  const rest = a.events.length - shown.length;
  setText(
    'attribution-note',
    `Mean signal ${signed(a.all_events)} with every event, ${signed(a.no_events)} with none. ` +
      `Shapley value: the event's share of that difference, averaged over every order the events could have come in; ` +
      `knock-out: what removing the event alone changes; interaction: their difference, near 0 when the event acts alone. ` +
      `${a.method}, ${a.replicates} replicates, 95 % intervals in brackets.` +
      (rest > 0 ? ` The ${rest} smaller event${rest === 1 ? ' is' : 's are'} not shown.` : ''),
  );
  const largest = Math.max(1e-12, ...shown.map((e) => Math.abs(e.shapley.value)));
  const items = shown.map((e) => {
    const li = document.createElement('li');
    if (e.added) li.classList.add('added');
    const name = document.createElement('div');
    name.className = 'event';
    name.textContent = `${e.date} · ${e.label}${e.added ? ' (your event)' : ''}`;
    const numbers = document.createElement('div');
    numbers.className = 'numbers';
    const bar = document.createElement('span');
    bar.className = `bar ${e.shapley.value < 0 ? 'east' : 'west'}`;
    bar.style.width = `${(80 * Math.abs(e.shapley.value)) / largest}px`;
    numbers.append(
      bar,
      ` Shapley ${withInterval(e.shapley)} · knock-out ${withInterval(e.knockout)} · interaction ${signed(e.interaction.value)}`,
    );
    li.append(name, numbers);
    return li;
  });
  $('attribution-list').replaceChildren(...items);
}

function renderExplanation() {
  const x = state.explanation;
  const agent = x ? agentById(x.agent) : null;
  setText('explain-title', x ? `Why did ${agent ? agent.name : x.agent} move, ${x.from || 'start'} to ${x.to || 'end'}?` : 'Why did it move?');
  setText('explain-baseline', x ? x.baseline : 'Click a state on the map or a line on the charts.');
  setText('explain-branch', x ? x.branch : '');
  setText('explain-branch-title', hasBranch() ? 'Your branch' : 'Your branch (nothing added: same as the scenario)');
  $('explain').classList.toggle('same', Boolean(x) && x.baseline === x.branch);
}

function wireExplain() {
  const agentSelect = $('explain-agent');
  $('explain-go').addEventListener('click', () => {
    clearError();
    state.selected = agentSelect.value;
    renderSelection();
    explainNow();
  });
  $('explain-now').addEventListener('click', () => selectAgent(agentSelect.value));
  $('attribute-go').addEventListener('click', () => {
    clearError();
    state.selected = agentSelect.value;
    renderSelection();
    attributeNow();
  });
  // The map, the legend and the charts all pick an agent the same way.
  $('agents').addEventListener('click', (e) => {
    const g = e.target.closest('[data-agent]');
    if (g) selectAgent(g.dataset.agent);
  });
  $('chart-legend').addEventListener('click', (e) => {
    const chip = e.target.closest('[data-agent]');
    if (chip) selectAgent(chip.dataset.agent);
  });
}

function fillExplainAgents() {
  const select = $('explain-agent');
  select.replaceChildren();
  for (const a of state.model.agents) select.append(new Option(`${a.name} (${a.id})`, a.id));
  if (state.selected) select.value = state.selected;
  $('explain-from').min = $('explain-to').min = state.scenario.start;
  $('explain-from').max = $('explain-to').max = state.scenario.end;
}

/// Whether the page may replace the branch: yes when the class fired no event of its own into it, else what
/// the teacher answers when asked. Opening another scenario or a lesson step replaces the branch.
function mayDiscardClassEvents(action) {
  const own = state.classEvents ? state.events.length : 0;
  if (own === 0) return true;
  return window.confirm(
    `${action} will discard the ${own === 1 ? 'event' : `${own} events`} your class fired into this branch. Continue?`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Lessons

let applying = Promise.resolve();

/// Puts the page in a lesson step's state. Steps apply one after the other, never interleaved.
function applyLessonState(s) {
  applying = applying.catch(() => {}).then(() => applyOneState(s));
  return applying;
}

async function applyOneState(s) {
  if (!s.scenario) throw new Error('the lesson step has no "scenario"');
  clearError();
  // Lessons quote numbers of the default run: the scenario's seed and the default number of replicates.
  state.seed = null;
  $('seed').value = '';
  state.replicates = DEFAULT_REPLICATES;
  $('replicates').value = String(DEFAULT_REPLICATES);
  const ok = await openScenario(s.scenario, { events: s.events || [], parameters: s.parameters || {} });
  if (ok !== true) return;
  if (s.date) setStep(stepAtOrAfter(s.date, state.run.dates));
  if (s.agent) await selectAgent(s.agent, { from: s.from, to: s.to });
  else refreshExplanation(); // the one shown was of the previous branch
}

// ---------------------------------------------------------------------------------------------------------------
// Start

function wireRunInputs() {
  $('scenario').addEventListener('change', async () => {
    clearError();
    if (!mayDiscardClassEvents(`Opening ${$('scenario').value}`)) {
      $('scenario').value = state.scenario.file; // the class keeps its branch
      return;
    }
    try {
      await openScenario($('scenario').value, {});
    } catch (e) {
      showError(`Loading ${$('scenario').value}`, e);
    }
  });
  $('replicates').addEventListener('change', () => {
    clearError();
    state.replicates = Number($('replicates').value);
    runNow('Running with the new number of replicates').then((ok) => ok === true && refreshExplanation());
  });
  $('seed').addEventListener('change', () => {
    clearError();
    const text = $('seed').value.trim();
    state.seed = text === '' ? null : Number(text);
    runNow('Running with the new seed').then((ok) => ok === true && refreshExplanation());
  });
  $('error-close').addEventListener('click', clearError);
}

function wireTabs() {
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    tab.addEventListener('click', () => showTab(tab.id));
  }
}

function showTab(tabId) {
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    const selected = tab.id === tabId;
    tab.setAttribute('aria-selected', String(selected));
    $(tab.getAttribute('aria-controls')).hidden = !selected;
  }
}

/// Read-only accessors for the end-to-end tests (copies, so a test cannot change the page's state).
function exposeForTests() {
  const copy = (x) => (x === null || x === undefined ? x : JSON.parse(JSON.stringify(x)));
  window.hedgesim = Object.freeze({
    get step() {
      return state.step;
    },
    get date() {
      return currentDate();
    },
    get playing() {
      return state.timer !== null;
    },
    get scenario() {
      return state.scenario ? state.scenario.file : null;
    },
    get run() {
      return copy(state.run);
    },
    get model() {
      return copy(state.model);
    },
    get events() {
      return copy(state.events);
    },
    get parameters() {
      return copy(state.parameters);
    },
    get selected() {
      return state.selected;
    },
    get explanation() {
      return copy(state.explanation);
    },
    get attribution() {
      return copy(state.attribution);
    },
    get pending() {
      return state.pending;
    },
    get runs() {
      return state.runs;
    },
    get lessonCount() {
      return lessons ? lessons.count : 0;
    },
    get lesson() {
      return lessons ? lessons.current : null;
    },
    get moreVariable() {
      return charts ? charts.variableOf('more') : null;
    },
    datasetCounts() {
      const count = (id) => window.Chart.getChart($(id))?.data.datasets.length ?? 0;
      return { signal: count('chart-signal'), substance: count('chart-substance'), more: count('chart-more') };
    },
  });
}

async function init() {
  exposeForTests();
  charts = createCharts({
    signal: { canvas: $('chart-signal'), variable: 'signal', labels: true },
    substance: { canvas: $('chart-substance'), variable: 'substance' },
    more: { canvas: $('chart-more'), variable: DEFAULT_MORE_VARIABLE },
  }, {
    onPickAgent: (id, step) => selectAgent(id, { step }),
    onHoverEvent: (ev) => {
      setText('event-hover', ev ? `${ev.date} · ${ev.actor} → ${ev.targets.join(', ')} · ${ev.label || ev.type}${ev.added ? ' (added by you)' : ''}` : '');
    },
    dateOf: (x) => dates()[Math.round(x)] || '',
  });
  wireTimeControls();
  wireEventForm();
  wireParameters();
  wireMoreVariable();
  wireExplain();
  wireRunInputs();
  wireTabs();
  lessons = createLessons({
    applyState: applyLessonState,
    onError: showError,
    mayLeave: (what) => mayDiscardClassEvents(what),
  });
  renderExplanation();
  try {
    await loadScenarioList();
    const loadable = state.scenarios.filter((s) => !s.error);
    const first = loadable.find((s) => s.file === DEFAULT_SCENARIO) || loadable[0];
    if (!first) throw new Error('the server lists no scenario that loads');
    await openScenario(first.file, {});
  } catch (e) {
    showError('Loading the scenarios', e);
  }
  await lessons.init();
  document.body.classList.add('ready');
}

init();
