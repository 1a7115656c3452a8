// End-to-end test of the teaching page: starts `hedgesim serve` on a free port, drives the page in headless
// Chromium (playwright-core with the system's browser) and checks what is really rendered: the DOM, and the
// Chart.js charts' datasets and annotations.
//
//   cd web && HEDGESIM_BINARY=../build/release/src/cli/hedgesim npm test
//
// Environment: HEDGESIM_BINARY (required), CHROMIUM (default /usr/bin/chromium), HEDGESIM_SCREENSHOTS (default
// web/tests/screenshots-out).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(webDir, '..');
const screenshotDir = path.resolve(process.env.HEDGESIM_SCREENSHOTS || path.join(webDir, 'tests', 'screenshots-out'));
const VETO_DATE = '2019-10-18'; // France's veto in scenarios/veto-2019.toml
const VETO_LABEL = 'Test veto: France blocks talks with North Macedonia and Albania';

let server = null;
let serverExit = null; // resolves to {code, signal} when the server exits
let serverStderr = '';
let baseUrl = '';
let browser = null;
let page = null;
const pageErrors = [];
// The page asks with confirm() before discarding the class's events: the tests answer (accept unless a test
// says otherwise) and keep what was asked.
let dialogAnswer = 'accept';
const dialogs = [];

// ---------------------------------------------------------------------------------------------------------------
// Helpers

/// A teacher's scenario directory (hedgesim serve --scenarios DIR): a patch of the shipped veto-2019 without
/// the veto (its base named by an absolute path), and a broken file.
function teachersDir() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hedgesim-e2e-class-'));
  const base = path.join(repoRoot, 'scenarios', 'veto-2019.toml');
  const text = `[scenario]\nextends = "${base}"\nname = "class-demo"\n\n[[patch]]\nevent = "fra-veto-2019"\nremove = true\n`;
  writeFileSync(path.join(dir, 'class-demo.toml'), text);
  writeFileSync(path.join(dir, 'broken.toml'), '[scenario]\nname = "broken"\n');
  return dir;
}

/// Starts `hedgesim serve --port 0 --scenarios DIR` and resolves to the address it prints on stdout.
function startServer(binary) {
  server = spawn(binary, ['serve', '--port', '0', '--root', repoRoot, '--scenarios', teachersDir()],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  serverExit = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));
  server.stderr.on('data', (d) => {
    serverStderr += d;
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`hedgesim serve printed no address within 10 s; stdout: ${out} stderr: ${serverStderr}`)), 10000);
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/open (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    server.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${binary}: ${e.message}`));
    });
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hedgesim serve exited with ${code} before printing its address: ${serverStderr}`));
    });
  });
}

async function screenshot(name) {
  const file = path.join(screenshotDir, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/// Waits until no request of the page is in flight.
async function settled() {
  await page.waitForFunction(() => window.hedgesim && window.hedgesim.pending === 0);
}

async function openScenario(file) {
  const runsBefore = await page.evaluate(() => window.hedgesim.runs);
  await page.selectOption('#scenario', file);
  await page.waitForFunction(
    ([f, n]) => window.hedgesim.scenario === f && window.hedgesim.runs > n && window.hedgesim.pending === 0,
    [file, runsBefore],
  );
}

/// Scrubs the time slider to `step` as a user dragging it would (an `input` event on the range).
async function scrubTo(step) {
  await page.evaluate((s) => {
    const scrub = document.getElementById('scrub');
    scrub.value = String(s);
    scrub.dispatchEvent(new Event('input', { bubbles: true }));
  }, step);
}

/// What Chart.js really draws on a canvas: datasets (agent, side, y values) and annotations.
function chartState(canvasId) {
  return page.evaluate((id) => {
    const chart = window.Chart.getChart(document.getElementById(id));
    if (!chart) return null;
    return {
      datasets: chart.data.datasets.map((d) => ({
        agent: d.agent, side: d.side, dash: d.borderDash, width: d.borderWidth, y: d.data.map((p) => p.y),
      })),
      annotations: Object.fromEntries(
        Object.entries(chart.options.plugins.annotation.annotations).map(([k, a]) => [k, { value: a.value, colour: a.borderColor }]),
      ),
    };
  }, canvasId);
}

function dataset(state, agent, side) {
  const d = state.datasets.find((x) => x.agent === agent && x.side === side);
  assert.ok(d, `the chart has no ${side} dataset for ${agent}`);
  return d;
}

async function text(selector) {
  return (await page.textContent(selector)).trim();
}

/// The signal change `explain` reports: "Signal, ... went from +0.60 to +0.43: a change of -0.17, ...".
function signalChange(explanation) {
  const m = explanation.match(/^Signal, .*?a change of ([-+]?[0-9.]+)/m);
  assert.ok(m, `no signal change in the explanation:\n${explanation}`);
  return Number(m[1]);
}

// ---------------------------------------------------------------------------------------------------------------
// Setup

before(async () => {
  const binary = process.env.HEDGESIM_BINARY;
  if (!binary)
    throw new Error(
      'HEDGESIM_BINARY is not set: give the hedgesim executable to test against, e.g. ' +
        'cd web && HEDGESIM_BINARY=../build/release/src/cli/hedgesim npm test',
    );
  mkdirSync(screenshotDir, { recursive: true });
  baseUrl = await startServer(binary);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // As root Chromium needs --no-sandbox; the others keep it from calling home, which a closed network refuses.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(30000); // generous: ctest may run this next to other tests, or against a sanitizer build
  page.on('pageerror', (e) => pageErrors.push(`page error: ${e.message}`));
  page.on('dialog', async (d) => {
    dialogs.push({ type: d.type(), message: d.message() });
    if (dialogAnswer === 'accept') await d.accept();
    else await d.dismiss();
  });
  page.on('console', (m) => {
    // The browser logs every HTTP 400 the tests provoke on purpose; anything else logged as an error is a bug.
    if (m.type() === 'error' && !/status of 400/.test(m.text())) pageErrors.push(`console: ${m.text()}`);
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
});

// ---------------------------------------------------------------------------------------------------------------
// Tests, in order: each builds on the page state the previous one left.

test('the page loads, lists the shipped scenarios and draws the default one', async () => {
  await page.goto(baseUrl);
  await page.waitForFunction(() => document.body.classList.contains('ready'));
  const options = await page.$$eval('#scenario option', (os) => os.map((o) => o.value));
  for (const file of ['scenarios/veto-2019.toml', 'scenarios/no-veto-2019.toml'])
    assert.ok(options.includes(file), `#scenario lacks ${file}: ${options}`);
  const listed = await (await fetch(`${baseUrl}api/scenarios`)).json();
  assert.deepEqual(options, listed.map((s) => s.file), 'the select lists exactly what /api/scenarios lists');

  assert.equal(await page.inputValue('#scenario'), 'scenarios/veto-2019.toml');
  const run = await page.evaluate(() => window.hedgesim.run);
  assert.equal(run.agents.length, 6);
  const signal = await chartState('chart-signal');
  assert.equal(signal.datasets.length, 6, 'no branch: one solid line per hedger');
  assert.ok(signal.datasets.every((d) => d.side === 'baseline' && d.y.length === run.dates.length));
  assert.deepEqual(dataset(signal, 'SRB', 'baseline').y, run.baseline.signal[run.agents.indexOf('SRB')]);
  // Every agent of the model is on the map: six hedger lanes, two western patrons, the rival.
  const onMap = await page.$$eval('#agents [data-agent]', (gs) => gs.map((g) => g.dataset.agent).sort());
  assert.deepEqual(onMap, ['ALB', 'BIH', 'EU', 'FRA', 'KOS', 'MKD', 'MNE', 'RUS', 'SRB']);
  assert.equal(await page.$$eval('#agents .signal-dot', (n) => n.length), 6);
  assert.equal(await page.$$eval('#agents .substance-ring', (n) => n.length), 6);
  assert.equal(await text('#current-date'), run.dates[0]);
  // "More": every other hedger variable of /api/model, labelled with its meaning; courting by default.
  const model = await (await fetch(`${baseUrl}api/model?scenario=scenarios/veto-2019.toml`)).json();
  const others = model.variables.filter((v) => v.kind === 'hedger' && !['signal', 'substance'].includes(v.name));
  assert.deepEqual(others.map((v) => v.name).sort(),
    ['accession', 'belief@EU', 'belief@FRA', 'belief@RUS', 'complying', 'conditionality', 'courting', 'display',
      'engagement@EU', 'engagement@FRA', 'engagement@RUS', 'grievance', 'opinion', 'payoff_comply', 'payoff_court',
      'position', 'trust@EU', 'trust@FRA', 'trust@RUS', 'uncertainty@EU', 'uncertainty@FRA', 'uncertainty@RUS',
      'veto@EU', 'veto@FRA', 'veto@RUS']);
  const picker = await page.$$eval('#more-variable option', (os) => os.map((o) => [o.value, o.textContent]));
  assert.deepEqual(picker, others.map((v) => [v.name, v.meaning]));
  assert.equal(await page.inputValue('#more-variable'), 'courting');
  const more = await chartState('chart-more');
  assert.equal(more.datasets.length, 6);
  assert.deepEqual(dataset(more, 'MNE', 'baseline').y, run.baseline.courting[run.agents.indexOf('MNE')]);
  assert.ok(await page.isHidden('#error'), 'no error on load');
});

test('veto-2019: play advances the current date, pause stops it', async () => {
  await openScenario('scenarios/no-veto-2019.toml');
  await openScenario('scenarios/veto-2019.toml');
  const start = await text('#current-date');
  await page.click('#play');
  await page.waitForFunction((d) => document.getElementById('current-date').textContent > d, start);
  await page.waitForFunction(() => window.hedgesim.step >= 14); // past the veto and Russia's answer
  await page.click('#pause');
  const paused = await text('#current-date');
  const pausedStep = await page.evaluate(() => window.hedgesim.step);
  assert.ok(paused > start, `the date advanced from ${start} to ${paused}`);
  await page.waitForTimeout(900); // three playing intervals
  assert.equal(await text('#current-date'), paused, 'the date stays put while paused');
  assert.equal(await page.evaluate(() => window.hedgesim.playing), false);
  // The current-date line of both charts and the map follow the step.
  for (const id of ['chart-signal', 'chart-substance', 'chart-more'])
    assert.equal((await chartState(id)).annotations.now.value, pausedStep, `${id}'s current-date line`);
  assert.equal(await text('#map-date'), paused);
  // The scenario's events are drawn as markers, France's veto between the steps around its date.
  const signal = await chartState('chart-signal');
  const run = await page.evaluate(() => window.hedgesim.run);
  const veto = run.events.findIndex((e) => e.type === 'accession_veto' && e.date === VETO_DATE);
  assert.ok(veto >= 0, 'veto-2019 has the veto of 2019-10-18');
  const marker = signal.annotations[`event${veto}`].value;
  assert.ok(run.dates[Math.floor(marker)] <= VETO_DATE && VETO_DATE < run.dates[Math.floor(marker) + 1]);
  assert.equal((await chartState('chart-more')).annotations[`event${veto}`].value, marker, 'the same markers on "More"');
  // Step buttons.
  await page.click('#step-forward');
  assert.equal(await page.evaluate(() => window.hedgesim.step), pausedStep + 1);
  await page.click('#step-back');
  assert.equal(await page.evaluate(() => window.hedgesim.step), pausedStep);
  await screenshot('01-overview-after-play.png');
});

test('scrubbing moves to a date before the veto', async () => {
  const dates = await page.evaluate(() => window.hedgesim.run.dates);
  const before = dates.filter((d) => d < VETO_DATE).length - 1; // the last recorded date before the veto
  await scrubTo(before);
  assert.equal(await text('#current-date'), dates[before]);
  assert.ok(dates[before] < VETO_DATE && dates[before + 1] > VETO_DATE, `${dates[before]} is the last date before the veto`);
  assert.equal((await chartState('chart-signal')).annotations.now.value, before);
  // On no-veto-2019 the same date is reachable, and it has no veto.
  await openScenario('scenarios/no-veto-2019.toml');
  await scrubTo(before);
  assert.equal(await text('#current-date'), dates[before]);
  const run = await page.evaluate(() => window.hedgesim.run);
  assert.ok(!run.events.some((e) => e.type === 'accession_veto'), 'no-veto-2019 has no veto');
});

test('no-veto-2019: firing a veto by FRA at MKD and ALB makes a branch that departs only after it', async () => {
  await page.click('#tab-events');
  await page.selectOption('#event-type', 'accession_veto');
  assert.match(await text('#event-description'), /blocks the opening of accession talks/);
  const actors = await page.$$eval('#event-actor option', (os) => os.map((o) => o.value));
  assert.deepEqual(actors, ['FRA'], 'only veto players may veto');
  const targets = await page.$$eval('#event-targets input', (is) => is.map((i) => i.value));
  assert.deepEqual(targets, ['ALB', 'BIH', 'KOS', 'MNE', 'MKD', 'SRB'], 'only hedgers can be vetoed');
  const dates = await page.evaluate(() => window.hedgesim.run.dates);
  assert.equal(await page.inputValue('#event-date'), await text('#current-date'), 'the date defaults to the current date');

  await page.selectOption('#event-actor', 'FRA');
  await page.check('#event-targets input[value="MKD"]');
  await page.check('#event-targets input[value="ALB"]');
  await page.fill('#event-date', VETO_DATE);
  await page.fill('#event-label', VETO_LABEL);
  await page.click('#fire');
  await settled();
  assert.ok(await page.isHidden('#error'), `no error: ${await text('#error')}`);

  const counts = await page.evaluate(() => window.hedgesim.datasetCounts());
  assert.deepEqual(counts, { signal: 12, substance: 12, more: 12 }, 'a dashed branch line per hedger on top of the solid ones');
  const signal = await chartState('chart-signal');
  const mkdBase = dataset(signal, 'MKD', 'baseline');
  const mkdBranch = dataset(signal, 'MKD', 'branch');
  assert.ok(mkdBranch.dash.length > 0 && mkdBase.dash.length === 0, 'branch dashed, baseline solid');
  // Common random numbers: identical up to the veto, different after it.
  for (const d of signal.datasets.filter((x) => x.side === 'branch')) {
    const base = dataset(signal, d.agent, 'baseline');
    dates.forEach((date, k) => {
      if (date <= VETO_DATE) assert.equal(d.y[k], base.y[k], `${d.agent} signal on ${date}, before the veto`);
    });
  }
  const after = dates.map((date, k) => (date > VETO_DATE ? mkdBranch.y[k] - mkdBase.y[k] : 0));
  assert.ok(Math.min(...after) < -0.02, `MKD's branch signal moves toward Moscow after the veto (min diff ${Math.min(...after)})`);
  const run = await page.evaluate(() => window.hedgesim.run);
  for (const agent of ['MKD', 'ALB']) {
    const i = run.agents.indexOf(agent);
    const k = dates.findIndex((date) => date > VETO_DATE);
    assert.ok(run.branch.grievance[i][k] > run.baseline.grievance[i][k] + 0.05, `${agent}'s grievance jumps with the veto`);
  }
  // The added event: in the run, as a red marker on the charts, and in the list with a remove button.
  const added = run.events.filter((e) => e.added);
  assert.deepEqual(added.map((e) => [e.date, e.type, e.actor, [...e.targets].sort(), e.label]), [
    [VETO_DATE, 'accession_veto', 'FRA', ['ALB', 'MKD'], VETO_LABEL],
  ]);
  const marker = Object.values(signal.annotations).find((a) => a.colour === '#c62828');
  assert.ok(marker, 'a red marker for the added event');
  assert.equal(await page.$$eval('#added-events li', (l) => l.length), 1);
  assert.match(await text('#added-events'), new RegExp(VETO_LABEL));
  // The map shows the scenario as ghosts next to the branch.
  assert.equal(await page.$$eval('#agents .ghost-signal', (n) => n.length), 6);

  // "More" with courting: 12 lines too, and the veto makes MKD court Moscow more, only after it.
  assert.equal(await page.inputValue('#more-variable'), 'courting');
  const more = await chartState('chart-more');
  assert.equal(more.datasets.length, 12);
  const courtBase = dataset(more, 'MKD', 'baseline');
  const courtBranch = dataset(more, 'MKD', 'branch');
  assert.ok(courtBranch.dash.length > 0 && courtBase.dash.length === 0, 'branch dashed, baseline solid');
  assert.deepEqual(courtBranch.y, run.branch.courting[run.agents.indexOf('MKD')]);
  assert.ok(Object.values(more.annotations).some((a) => a.colour === '#c62828'), 'the added event on "More" too');
  dates.forEach((date, k) => {
    if (date <= VETO_DATE) assert.equal(courtBranch.y[k], courtBase.y[k], `MKD courting on ${date}, before the veto`);
    else assert.ok(courtBranch.y[k] > courtBase.y[k], `MKD courts more on ${date}, after the veto (${courtBranch.y[k]} vs ${courtBase.y[k]})`);
  });
});

test('the branch with its fired veto is saved as a scenario file that extends the scenario', async () => {
  await page.click('#tab-events');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save-branch')]);
  assert.equal(download.suggestedFilename(), 'no-veto-2019-branch.toml');
  const saved = readFileSync(await download.path(), 'utf8');
  assert.match(saved, /^extends = "no-veto-2019.toml"$/m);
  assert.match(saved, /^type = "accession_veto"$/m, 'the veto the class fired');
  assert.ok(saved.includes(VETO_LABEL), 'with its label');
  assert.ok(await page.isHidden('#error'), `no error: ${await text('#error')}`);
});

test('the "More" picker redraws its chart with another variable of the run', async () => {
  const run = await page.evaluate(() => window.hedgesim.run);
  const model = await page.evaluate(() => window.hedgesim.model);
  const srb = run.agents.indexOf('SRB');
  await page.selectOption('#more-variable', 'engagement@RUS');
  assert.equal(await page.evaluate(() => window.hedgesim.moreVariable), 'engagement@RUS');
  const more = await chartState('chart-more');
  assert.equal(more.datasets.length, 12);
  assert.deepEqual(dataset(more, 'SRB', 'baseline').y, run.baseline['engagement@RUS'][srb]);
  assert.deepEqual(dataset(more, 'SRB', 'branch').y, run.branch['engagement@RUS'][srb]);
  assert.notDeepEqual(dataset(more, 'SRB', 'branch').y, run.branch.courting[srb]);
  // The y axis spans the variable's range from /api/model, and is titled with its name.
  const spec = model.variables.find((v) => v.name === 'engagement@RUS');
  const axis = await page.evaluate(() => {
    const y = window.Chart.getChart(document.getElementById('chart-more')).scales.y;
    return { min: y.min, max: y.max, title: y.options.title.text };
  });
  assert.deepEqual(axis, { min: spec.min, max: spec.max, title: 'engagement@RUS' });
  // The other charts are untouched, and the choice survives a fresh run.
  assert.deepEqual(dataset(await chartState('chart-signal'), 'SRB', 'branch').y, run.branch.signal[srb]);
  const runs = await page.evaluate(() => window.hedgesim.runs);
  await page.evaluate(() => document.getElementById('replicates').dispatchEvent(new Event('change')));
  await page.waitForFunction((n) => window.hedgesim.runs > n && window.hedgesim.pending === 0, runs);
  assert.deepEqual(dataset(await chartState('chart-more'), 'SRB', 'baseline').y, run.baseline['engagement@RUS'][srb]);
  // Back to courting for the rest of the tests and their screenshots.
  await page.selectOption('#more-variable', 'courting');
  assert.deepEqual(dataset(await chartState('chart-more'), 'MKD', 'branch').y, run.branch.courting[run.agents.indexOf('MKD')]);
});

test('why did MKD move: the branch explanation differs, with the veto\'s grievance and a deeper fall toward Moscow', async () => {
  const dates = await page.evaluate(() => window.hedgesim.run.dates);
  const k = dates.indexOf('2019-12-05');
  await scrubTo(k);
  await page.click('#agents [data-agent="MKD"]');
  await page.waitForFunction(() => window.hedgesim.explanation && window.hedgesim.explanation.agent === 'MKD');
  await settled();
  assert.equal(await page.evaluate(() => window.hedgesim.selected), 'MKD');
  assert.equal(await page.$$eval('#agents .lane.selected', (l) => l.map((g) => g.dataset.agent).join()), 'MKD');
  const charted = await chartState('chart-signal');
  assert.equal(charted.annotations.now.value, k, 'selecting keeps the current-date line');
  assert.ok(dataset(charted, 'MKD', 'branch').width > dataset(charted, 'SRB', 'branch').width, 'MKD is drawn bold');
  const x = await page.evaluate(() => window.hedgesim.explanation);
  assert.equal(x.to, '2019-12-05', 'the window ends at the current date');
  assert.equal(x.from, dates[k - 4], 'and starts a few steps before');
  let baseline = await text('#explain-baseline');
  let branch = await text('#explain-branch');
  assert.equal(baseline, x.baseline.trim());
  assert.equal(branch, x.branch.trim());
  assert.match(branch, /^North Macedonia \(MKD\)/);
  assert.notEqual(branch, baseline, 'the veto changes the explanation');

  // Widen the window to cover the veto itself.
  await page.fill('#explain-from', '2019-10-01');
  await page.fill('#explain-to', '2019-12-31');
  await page.click('#explain-go');
  await page.waitForFunction(() => window.hedgesim.explanation.from === '2019-10-01');
  await settled();
  baseline = await text('#explain-baseline');
  branch = await text('#explain-branch');
  assert.match(await text('#explain-title'), /North Macedonia.*2019-10-01 to 2019-12-31/);
  assert.notEqual(branch, baseline);
  assert.ok(signalChange(branch) < signalChange(baseline) - 0.02,
    `with the veto MKD's signal falls further toward Moscow (${signalChange(branch)} vs ${signalChange(baseline)})`);
  // The veto acts through grievance: the branch reports it, the scenario has none.
  assert.match(branch, /grievance toward the West 0\.[1-9]/);
  assert.match(baseline, /grievance toward the West 0 /);
  await screenshot('02-veto-fired-explained.png');
});

test('which events mattered to MKD: the veto the class fired comes first, pulling its signal toward Moscow', async () => {
  // The window of the test above (2019-10-01 to 2019-12-31); the branch is no-veto-2019 with the fired veto.
  await page.click('#attribute-go');
  await page.waitForFunction(() => window.hedgesim.attribution && window.hedgesim.attribution.agent === 'MKD');
  await settled();
  assert.ok(await page.isHidden('#error'), `no error: ${await text('#error')}`);
  const a = await page.evaluate(() => window.hedgesim.attribution);
  assert.equal(a.from, '2019-10-01');
  assert.equal(a.to, '2019-12-31');
  const top = a.events[0];
  assert.ok(top.added, `the largest Shapley value is the fired veto's, got ${top.label}`);
  assert.equal(top.label, VETO_LABEL);
  assert.ok(top.shapley.high < 0, `it pulls MKD's mean signal toward Moscow: ${JSON.stringify(top.shapley)}`);
  assert.ok(top.knockout.high < 0, 'and so does removing it alone');
  const sum = a.events.reduce((s, e) => s + e.shapley.value, 0);
  assert.ok(Math.abs(sum - (a.all_events - a.no_events)) < 1e-9, 'the Shapley values add up to all minus none');
  assert.match(await text('#attribution-title'), /North Macedonia.*2019-10-01 to 2019-12-31/);
  const rows = await page.$$eval('#attribution-list li', (lis) => lis.map((li) => li.textContent));
  assert.equal(rows.length, Math.min(8, a.events.length));
  assert.ok(rows[0].includes(VETO_LABEL) && rows[0].includes('(your event)'), rows[0]);
  await screenshot('03-which-events-mattered.png');
});

test('clicking a line on the chart selects its agent and moves to that date', async () => {
  const dates = await page.evaluate(() => window.hedgesim.run.dates);
  const k = dates.indexOf('2019-11-21');
  // Where SRB's branch line is drawn at step k, in the canvas's CSS pixels.
  const position = await page.evaluate((step) => {
    const chart = window.Chart.getChart(document.getElementById('chart-signal'));
    const d = chart.data.datasets.find((x) => x.agent === 'SRB' && x.side === 'branch');
    return { x: chart.scales.x.getPixelForValue(step), y: chart.scales.y.getPixelForValue(d.data[step].y) };
  }, k);
  await page.locator('#chart-signal').click({ position });
  await page.waitForFunction(() => window.hedgesim.explanation && window.hedgesim.explanation.agent === 'SRB');
  await settled();
  assert.equal(await page.evaluate(() => window.hedgesim.selected), 'SRB');
  assert.equal(await page.evaluate(() => window.hedgesim.step), k);
  assert.match(await text('#explain-branch'), /^Serbia \(SRB\)/);
  assert.match(await text('#explain-title'), /Serbia/);

  // The same on the "More" chart (courting): MKD's branch line, where it lies farthest from every other line.
  const target = await page.evaluate(() => {
    const chart = window.Chart.getChart(document.getElementById('chart-more'));
    const sets = chart.data.datasets;
    const mine = sets.find((x) => x.agent === 'MKD' && x.side === 'branch');
    let best = { step: -1, gap: -1 };
    mine.data.forEach((p, step) => {
      const gap = Math.min(...sets.filter((x) => x !== mine).map((x) => Math.abs(x.data[step].y - p.y)));
      if (gap > best.gap) best = { step, gap };
    });
    const { step } = best;
    return { step, x: chart.scales.x.getPixelForValue(step), y: chart.scales.y.getPixelForValue(mine.data[step].y) };
  });
  await page.locator('#chart-more').click({ position: { x: target.x, y: target.y } });
  await page.waitForFunction(() => window.hedgesim.explanation && window.hedgesim.explanation.agent === 'MKD');
  await settled();
  assert.equal(await page.evaluate(() => window.hedgesim.selected), 'MKD');
  assert.equal(await page.evaluate(() => window.hedgesim.step), target.step);
});

test('a request the server refuses shows its message verbatim, and the branch stays runnable', async () => {
  // The form can produce a bad event: no target ticked.
  await page.click('#tab-events');
  await page.selectOption('#event-type', 'accession_veto');
  await page.selectOption('#event-actor', 'FRA');
  for (const box of await page.$$('#event-targets input')) await box.uncheck();
  await page.fill('#event-date', '2019-11-20');
  await page.fill('#event-label', 'a veto of nobody');
  const events = await page.evaluate(() => window.hedgesim.events);
  await page.click('#fire');
  await settled();
  assert.ok(await page.isVisible('#error'), 'the error box is shown');
  // The same request sent directly: the page must show exactly the server's message.
  const body = {
    scenario: 'scenarios/no-veto-2019.toml',
    replicates: 8,
    events: [...events, { date: '2019-11-20', type: 'accession_veto', actor: 'FRA', targets: [], label: 'a veto of nobody' }],
  };
  const response = await fetch(`${baseUrl}api/run`, { method: 'POST', body: JSON.stringify(body) });
  assert.equal(response.status, 400);
  const { error } = await response.json();
  assert.match(error, /targets/);
  assert.equal(await text('#error-message'), error);
  assert.match(await text('#error-context'), /400/);
  assert.deepEqual(await page.evaluate(() => window.hedgesim.events), events, 'the refused event is not kept');

  // An unknown event type, sent by the page's own fetch: the API answers 400 with a message.
  const unknown = await page.evaluate(async () => {
    const r = await fetch('api/run', {
      method: 'POST',
      body: JSON.stringify({ scenario: 'scenarios/no-veto-2019.toml', events: [{ date: '2019-10-18', type: 'accession_vetoo', actor: 'FRA', targets: ['MKD'], label: 'x' }] }),
    });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(unknown.status, 400);
  assert.match(unknown.body.error, /unknown event type 'accession_vetoo' \(did you mean 'accession_veto'\?\)/);

  // Too many replicates through the header input.
  await page.click('#error-close');
  assert.ok(await page.isHidden('#error'));
  await page.fill('#replicates', '500');
  await page.dispatchEvent('#replicates', 'change');
  await settled();
  assert.equal(await text('#error-message'), "'replicates' must be a whole number from 1 to 200, got 500");
  await page.fill('#replicates', '8');
  await page.dispatchEvent('#replicates', 'change');
  await settled();
  assert.ok(await page.isHidden('#error'), 'fixing the input clears the error');
  assert.equal(await page.evaluate(() => window.hedgesim.datasetCounts().signal), 12, 'the branch still runs');
});

test('parameter sliders re-run the branch; remove, reset to defaults and reset branch undo it', async () => {
  await page.click('#tab-params');
  const params = await page.$$eval('#parameters .param', (ps) => ps.map((p) => p.dataset.name));
  const model = await page.evaluate(() => window.hedgesim.model);
  assert.deepEqual(params, model.parameters.map((p) => p.name).filter((n) => n !== 'step_days'), 'every parameter but step_days');
  assert.match(await text('#parameters [data-name="court_bias"] .param-meaning'), /utility of courting the eastern pole/);
  const runs = await page.evaluate(() => window.hedgesim.runs);
  const courtingOf = (run) => Math.max(...run.branch.courting[run.agents.indexOf('MKD')]);
  const courtingBefore = courtingOf(await page.evaluate(() => window.hedgesim.run));
  await page.fill('#param-value-court_bias', '-6');
  await page.dispatchEvent('#param-value-court_bias', 'change');
  await page.waitForFunction((n) => window.hedgesim.runs > n && window.hedgesim.pending === 0, runs);
  assert.deepEqual(await page.evaluate(() => window.hedgesim.parameters), { court_bias: -6 });
  // Leaders who (almost) never choose to court Moscow, veto or not.
  const courtingAfter = courtingOf(await page.evaluate(() => window.hedgesim.run));
  assert.ok(courtingAfter < courtingBefore - 0.05, `MKD courts less at court_bias = -6 (${courtingAfter} < ${courtingBefore})`);
  assert.ok(await page.$eval('#parameters [data-name="court_bias"]', (p) => p.classList.contains('changed')));
  await page.click('#params-reset');
  await settled();
  assert.deepEqual(await page.evaluate(() => window.hedgesim.parameters), {});
  const courtBias = model.parameters.find((p) => p.name === 'court_bias').value;
  assert.equal(Number(await page.inputValue('#param-value-court_bias')), courtBias, 'back to the model default');

  // Removing the added event leaves no branch.
  await page.click('#tab-events');
  await page.click('#added-events .remove-event');
  await settled();
  assert.deepEqual(await page.evaluate(() => window.hedgesim.datasetCounts()), { signal: 6, substance: 6, more: 6 });
  assert.equal(await page.$$eval('#added-events li', (l) => l.length), 0);

  // Dragging a slider (debounced) makes a branch again; "reset branch" drops it.
  await page.click('#tab-params');
  const runsBeforeSlide = await page.evaluate(() => window.hedgesim.runs);
  await page.evaluate(() => {
    const slider = document.getElementById('param-engagement_signal_pull');
    for (const v of ['0.8', '1.0', '1.2']) {
      slider.value = v;
      slider.dispatchEvent(new Event('input', { bubbles: true }));
    }
  });
  await page.waitForFunction(() => window.hedgesim.datasetCounts().signal === 12 && window.hedgesim.pending === 0);
  assert.equal(await page.evaluate(() => window.hedgesim.runs), runsBeforeSlide + 1, 'one run for the whole drag');
  assert.deepEqual(await page.evaluate(() => window.hedgesim.parameters), { engagement_signal_pull: 1.2 });
  await page.click('#tab-events');
  await page.click('#reset-branch');
  await settled();
  assert.deepEqual(await page.evaluate(() => window.hedgesim.parameters), {});
  assert.deepEqual(await page.evaluate(() => window.hedgesim.datasetCounts()), { signal: 6, substance: 6, more: 6 });
  assert.equal(await page.inputValue('#param-value-engagement_signal_pull'), '0.5');
  assert.ok(await page.isHidden('#error'));
});

test('a lesson loads and applies the state of its steps', async () => {
  const index = JSON.parse(readFileSync(path.join(webDir, 'lessons', 'index.json'), 'utf8'));
  assert.ok(Array.isArray(index.lessons) && index.lessons.length > 0, 'web/lessons/index.json names no lesson');
  const lessons = index.lessons.map((file) => ({ file, ...JSON.parse(readFileSync(path.join(webDir, 'lessons', file), 'utf8')) }));
  await page.click('#tab-lessons');
  const offered = await page.$$eval('#lesson-select option', (os) => os.map((o) => o.value).filter(Boolean));
  assert.deepEqual(offered, index.lessons);

  /// Waits until step n of `lesson` is applied, then checks the page against the step's state.
  async function checkStep(lesson, n) {
    const step = lesson.steps[n];
    const s = step.state;
    const where = `${lesson.file} step ${n + 1}`;
    await page.waitForFunction(
      ([want, file, n]) => {
        const h = window.hedgesim;
        return h.lesson && h.lesson.file === file && h.lesson.step === n && h.scenario === want.scenario &&
          h.pending === 0 && JSON.stringify(h.events) === JSON.stringify(want.events || []) &&
          (!want.agent || (h.explanation && h.explanation.agent === want.agent &&
            (!want.from || h.explanation.from === want.from) && (!want.to || h.explanation.to === want.to)));
      },
      [s, lesson.file, n],
    );
    assert.ok(await page.isHidden('#error'), `${where}: no error, got: ${await text('#error')}`);
    assert.equal(await text('#lesson-prompt'), step.prompt.trim(), where);
    if (step.question) assert.equal(await text('#lesson-question'), step.question.trim(), where);
    assert.equal(await text('#lesson-step-label'), `Step ${n + 1} of ${lesson.steps.length}`);
    assert.equal(await page.inputValue('#scenario'), s.scenario, where);
    assert.deepEqual(await page.evaluate(() => window.hedgesim.parameters), s.parameters || {}, where);
    const dates = await page.evaluate(() => window.hedgesim.run.dates);
    if (s.date) {
      const want = dates.find((d) => d >= s.date) || dates.at(-1);
      assert.equal(await text('#current-date'), want, `${where}: the page moved to ${s.date}`);
      assert.equal((await chartState('chart-signal')).annotations.now.value, dates.indexOf(want), where);
    }
    if (s.agent) {
      assert.equal(await page.evaluate(() => window.hedgesim.selected), s.agent, where);
      const agent = (await page.evaluate(() => window.hedgesim.model)).agents.find((a) => a.id === s.agent);
      assert.ok((await text('#explain-baseline')).startsWith(`${agent.name} (${agent.id})`), `${where}: explanation shown`);
      assert.ok((await text('#explain-branch')).startsWith(`${agent.name} (${agent.id})`), where);
    }
    const branch = (s.events || []).length > 0 || Object.keys(s.parameters || {}).length > 0;
    const counts = await page.evaluate(() => window.hedgesim.datasetCounts());
    assert.deepEqual(counts, branch ? { signal: 12, substance: 12, more: 12 } : { signal: 6, substance: 6, more: 6 }, where);
  }

  // The first lesson step by step with its buttons, forth and back.
  const first = lessons[0];
  await page.selectOption('#lesson-select', first.file);
  await checkStep(first, 0);
  assert.ok(await page.isDisabled('#lesson-prev'));
  if (first.steps.length > 1) {
    await page.click('#lesson-next');
    await checkStep(first, 1);
    await screenshot('03-lesson-step.png');
    await page.click('#lesson-prev');
    await checkStep(first, 0);
  } else {
    await screenshot('03-lesson-step.png');
  }
  // Every step of every lesson applies without an error.
  for (const lesson of lessons) {
    await page.selectOption('#lesson-select', lesson.file);
    await checkStep(lesson, 0);
    for (let n = 1; n < lesson.steps.length; n += 1) {
      await page.click('#lesson-next');
      await checkStep(lesson, n);
    }
    assert.ok(await page.isDisabled('#lesson-next'), 'no next step after the last');
  }
});

test('two browsers at once keep their own simulation state', async () => {
  // The server holds no session: each browser keeps its branch and sends it with every request.
  const mine = await page.evaluate(() => ({ events: window.hedgesim.events, run: window.hedgesim.run }));
  const other = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page2 = await other.newPage();
  await page2.goto(baseUrl);
  await page2.waitForFunction(() => window.hedgesim && window.hedgesim.run && window.hedgesim.pending === 0);
  assert.deepEqual(await page2.evaluate(() => window.hedgesim.events), [], 'a new browser starts without a branch');
  await page2.click('#tab-events');
  await page2.selectOption('#event-type', 'arms_offer');
  await page2.selectOption('#event-actor', 'RUS');
  await page2.check('#event-targets input[value="MNE"]');
  await page2.fill('#event-date', '2019-11-01');
  await page2.fill('#event-label', 'S-400 for Podgorica');
  await page2.click('#fire');
  await page2.waitForFunction(() => window.hedgesim.events.length === 1 && window.hedgesim.pending === 0);
  assert.equal((await page2.evaluate(() => window.hedgesim.events))[0].type, 'arms_offer');
  // The first browser did not see any of it, even after asking the server for a fresh run.
  assert.deepEqual(await page.evaluate(() => window.hedgesim.events), mine.events);
  const runsBefore = await page.evaluate(() => window.hedgesim.runs);
  await page.evaluate(() => document.getElementById('replicates').dispatchEvent(new Event('change')));
  await page.waitForFunction((n) => window.hedgesim.runs > n && window.hedgesim.pending === 0, runsBefore);
  const again = await page.evaluate(() => window.hedgesim.run);
  assert.ok(!again.events.some((e) => e.type === 'arms_offer' && e.added), "the other browser's event is not in mine");
  assert.deepEqual(again, mine.run);
  await other.close();
});

test('the teacher\'s own scenarios are listed under "Your scenarios", a broken one with its error, and run', async () => {
  const groups = await page.$$eval('#scenario optgroup', (gs) => gs.map((g) => ({
    label: g.label, options: [...g.querySelectorAll('option')].map((o) => ({ value: o.value, text: o.textContent, disabled: o.disabled })),
  })));
  assert.deepEqual(groups.map((g) => g.label), ['Shipped scenarios', 'Your scenarios']);
  assert.ok(groups[0].options.every((o) => o.value.startsWith('scenarios/')));
  const yours = groups[1].options;
  assert.deepEqual(yours.map((o) => o.value), ['yours/broken.toml', 'yours/class-demo.toml']);
  assert.ok(yours[0].disabled && /broken\.toml:1:1: \[scenario\] is missing the required key/.test(yours[0].text), yours[0].text);
  assert.ok(!yours[1].disabled && yours[1].text.startsWith('class-demo: '), yours[1].text);
  await openScenario('yours/class-demo.toml');
  assert.equal(await page.evaluate(() => window.hedgesim.model.scenario.name), 'class-demo');
  assert.ok(await page.isHidden('#error'), `no error: ${await text('#error')}`);
});

test('opening another scenario or a lesson asks before discarding the events the class fired', async () => {
  await openScenario('scenarios/no-veto-2019.toml');
  assert.equal(dialogs.length, 0, 'nothing fired yet: no question');
  await page.click('#tab-events');
  await page.selectOption('#event-type', 'accession_veto');
  await page.selectOption('#event-actor', 'FRA');
  await page.check('#event-targets input[value="MKD"]');
  await page.fill('#event-date', VETO_DATE);
  await page.fill('#event-label', VETO_LABEL);
  await page.click('#fire');
  await settled();
  assert.equal((await page.evaluate(() => window.hedgesim.events)).length, 1);
  // Dismissed: the scenario, the lesson and the class's event all stay.
  dialogAnswer = 'dismiss';
  try {
    await dismissedKeepsEverything();
  } finally {
    dialogAnswer = 'accept';
  }
  // Accepted: the other scenario opens without the class's event.
  await openScenario('scenarios/veto-2019.toml');
  assert.equal(dialogs.length, 3);
  assert.deepEqual(await page.evaluate(() => window.hedgesim.events), []);
  // Nothing of the class's left: no question the next time.
  await openScenario('scenarios/no-veto-2019.toml');
  assert.equal(dialogs.length, 3);
});

async function dismissedKeepsEverything() {
  await page.selectOption('#scenario', 'scenarios/veto-2019.toml');
  await settled();
  assert.equal(dialogs.length, 1);
  assert.match(dialogs[0].message, /will discard the event your class fired into this branch/);
  assert.equal(await page.inputValue('#scenario'), 'scenarios/no-veto-2019.toml', 'the selector is put back');
  assert.equal(await page.evaluate(() => window.hedgesim.scenario), 'scenarios/no-veto-2019.toml');
  assert.equal((await page.evaluate(() => window.hedgesim.events)).length, 1);
  await page.click('#tab-lessons');
  const before = await page.inputValue('#lesson-select');
  const lesson = (await page.$$eval('#lesson-select option', (os) => os.map((o) => o.value).filter(Boolean)))
    .find((l) => l !== before);
  await page.selectOption('#lesson-select', lesson);
  await settled();
  assert.equal(dialogs.length, 2);
  assert.equal(await page.inputValue('#lesson-select'), before, 'the lesson was not opened');
  assert.equal(await page.evaluate(() => window.hedgesim.scenario), 'scenarios/no-veto-2019.toml');
  assert.equal((await page.evaluate(() => window.hedgesim.events)).length, 1);
}

test('after clicking Pause the arrow keys still step, and space still plays', async () => {
  await openScenario('scenarios/veto-2019.toml');
  await page.click('#play');
  await page.waitForFunction(() => window.hedgesim.step >= 2);
  await page.click('#pause'); // the focus stays on the Pause button
  const step = await page.evaluate(() => window.hedgesim.step);
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => window.hedgesim.step), step + 1);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.evaluate(() => window.hedgesim.step), step - 1);
  await page.evaluate(() => document.activeElement.blur()); // focus on the page, not a button: space plays
  await page.keyboard.press(' ');
  assert.equal(await page.evaluate(() => window.hedgesim.playing), true);
  await page.click('#pause');
});

test('dates and numbers read the same in every browser locale: ISO dates, decimal points', async () => {
  for (const locale of ['de-DE', 'en-US']) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale });
    const p = await context.newPage();
    await p.goto(baseUrl);
    await p.waitForFunction(() => window.hedgesim && window.hedgesim.run && window.hedgesim.pending === 0);
    await p.evaluate(() => document.getElementById('step-forward').click());
    const iso = /^\d{4}-\d{2}-\d{2}$/;
    assert.match((await p.textContent('#current-date')).trim(), iso, locale);
    assert.match((await p.textContent('#map-date')).trim(), iso, locale);
    assert.match(await p.inputValue('#event-date'), iso, `${locale}: the event form's date`);
    const ticks = await p.evaluate(() => {
      const chart = window.Chart.getChart(document.getElementById('chart-signal'));
      return { x: chart.scales.x.ticks.map((t) => t.label).filter(Boolean), y: chart.scales.y.ticks.map((t) => t.label) };
    });
    assert.ok(ticks.x.length > 0 && ticks.x.every((t) => iso.test(t)), `${locale}: x ticks ${ticks.x}`);
    assert.ok(ticks.y.includes('0.5') && !ticks.y.some((t) => String(t).includes(',')), `${locale}: y ticks ${ticks.y}`);
    await context.close();
  }
});

test('"Why did it move?" is in view at 1400 x 900 without scrolling', async () => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.selectOption('#explain-agent', 'MKD');
  await page.click('#explain-go');
  await settled();
  assert.ok(await page.isHidden('#error'), `no error (the window follows the scenario): ${await text('#error')}`);
  assert.ok((await text('#explain-baseline')).startsWith('North Macedonia (MKD)'), await text('#explain-baseline'));
  const viewport = page.viewportSize();
  const title = await page.locator('#explain-title').boundingBox();
  const body = await page.locator('#explain-baseline').boundingBox();
  assert.ok(title.y + title.height <= viewport.height, `the title ends at ${title.y + title.height}`);
  assert.ok(body.y + 60 <= viewport.height, `the explanation starts at ${body.y}`);
  assert.ok(title.x + title.width <= viewport.width, 'and is not off to the side');
  await screenshot('05-why-in-view.png');
});

test('the page raised no script errors', () => {
  assert.deepEqual(pageErrors, []);
});

test('the server stops cleanly on SIGTERM', async () => {
  await browser.close();
  browser = null;
  server.kill('SIGTERM');
  const { code, signal } = await serverExit;
  assert.equal(signal, null, `killed by ${signal}; stderr: ${serverStderr}`);
  assert.equal(code, 0, `exit code; stderr: ${serverStderr}`);
});
