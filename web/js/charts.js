// The stacked time charts of the hedgers' variables (signal, substance, and one the student picks: "More"),
// drawn with Chart.js (loaded as a UMD <script>, hence window.Chart) and chartjs-plugin-annotation for the event
// markers and the current-date line. Every chart is drawn the same way; only its variable differs.
//
// x is the step number (0 .. steps), so that an event between two recorded dates can sit at its fractional
// position; tick labels show the dates.

import { eventPosition } from './time.js';

const Chart = window.Chart;

const SCENARIO_EVENT_COLOUR = 'rgba(70, 70, 70, 0.45)';
const ADDED_EVENT_COLOUR = '#c62828';
const NOW_COLOUR = '#111';

/// Colour `hex` ("#rrggbb") with opacity `alpha`.
export function withAlpha(hex, alpha) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

function shorten(text, max) {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/// The range of a variable's y axis, from its entry in /api/model's `variables` (name, min, max).
function axisOf(spec) {
  const min = spec && Number.isFinite(spec.min) ? spec.min : -1;
  const max = spec && Number.isFinite(spec.max) ? spec.max : 1;
  const stepSize = (max - min) / 4;
  // Chart.js rounds ticks such as 0.25 to one decimal: show as many decimals as the step needs.
  const decimals = Number.isInteger(stepSize * 10) ? 0 : Number.isInteger(stepSize * 100) ? 2 : 3;
  const format = decimals ? (v) => v.toFixed(decimals) : Chart.Ticks.formatters.numeric;
  return { min, max, stepSize, format };
}

function baseOptions(callbacks) {
  return {
    animation: false,
    locale: 'en-US', // "0.5", not the browser's "0,5": the page reads the same in every classroom, like its ISO dates
    responsive: true,
    maintainAspectRatio: false,
    parsing: false,
    normalized: true,
    interaction: { mode: 'nearest', intersect: false, axis: 'xy' },
    layout: { padding: { top: 4, right: 12 } },
    scales: {
      x: {
        type: 'linear',
        min: 0,
        max: 1,
        ticks: { font: { size: 13 }, maxRotation: 0, autoSkipPadding: 16 },
        grid: { color: 'rgba(0,0,0,0.06)' },
      },
      y: {
        min: -1,
        max: 1,
        ticks: { stepSize: 0.5, font: { size: 13 } },
        title: { display: true, text: '', font: { size: 14, weight: 'bold' } },
        grid: { color: (c) => (c.tick && c.tick.value === 0 ? 'rgba(0,0,0,0.35)' : 'rgba(0,0,0,0.07)') },
      },
    },
    plugins: {
      legend: { display: false }, // one HTML legend serves all charts
      tooltip: {
        titleFont: { size: 14 },
        bodyFont: { size: 14 },
        callbacks: {
          title: (items) => (items.length ? callbacks.dateOf(items[0].parsed.x) : ''),
          label: (item) => {
            const ds = item.dataset;
            const side = ds.side === 'branch' ? 'your branch' : 'scenario';
            const v = item.parsed.y;
            const sign = ds.signed && v >= 0 ? '+' : '';
            return ` ${ds.agent} ${ds.variable} ${sign}${v.toFixed(3)} (${side})`;
          },
        },
      },
      annotation: { annotations: {} },
    },
    onClick: (evt, _elements, chart) => {
      // A click picks the nearest line's agent and moves time to the clicked date: "why did it move here?"
      const hits = chart.getElementsAtEventForMode(evt, 'nearest', { intersect: false, axis: 'xy' }, true);
      const step = Math.round(chart.scales.x.getValueForPixel(evt.x));
      if (hits.length) callbacks.onPickAgent(chart.data.datasets[hits[0].datasetIndex].agent, step);
    },
  };
}

function makeChart(canvas, callbacks) {
  return new Chart(canvas, {
    type: 'line',
    data: { datasets: [] },
    options: baseOptions(callbacks),
  });
}

/// One line per hedger and side: the scenario (solid) and, when there is a branch, the branch (dashed) on top.
/// None when the run lacks the variable.
function datasetsOf(view, variable, signed) {
  const { run, colourOf, hasBranch, selected } = view;
  const sets = [];
  const sides = hasBranch ? ['baseline', 'branch'] : ['baseline'];
  for (const side of sides) {
    if (!run[side] || !run[side][variable]) continue;
    run.agents.forEach((id, i) => {
      const isSelected = id === selected;
      const colour = colourOf(id);
      sets.push({
        label: side === 'branch' ? `${id} (your branch)` : id,
        agent: id,
        side,
        variable,
        signed,
        data: run[side][variable][i].map((y, k) => ({ x: k, y })),
        borderColor: side === 'baseline' && hasBranch ? withAlpha(colour, 0.55) : colour,
        backgroundColor: colour,
        borderWidth: isSelected ? 4.5 : side === 'branch' ? 2.5 : 2,
        borderDash: side === 'branch' ? [7, 4] : [],
        pointRadius: 0,
        pointHoverRadius: 5,
        order: isSelected ? 0 : side === 'branch' ? 1 : 2, // smaller order is drawn on top
      });
    });
  }
  return sets;
}

function eventAnnotations(view, withLabels, onHoverEvent) {
  const { run, scenario } = view;
  const annotations = {};
  run.events.forEach((ev, i) => {
    const x = eventPosition(ev.date, run.dates[0], scenario.step_days);
    const added = ev.added;
    annotations[`event${i}`] = {
      type: 'line',
      scaleID: 'x',
      value: x,
      borderColor: added ? ADDED_EVENT_COLOUR : SCENARIO_EVENT_COLOUR,
      borderWidth: added ? 2.5 : 1.2,
      borderDash: added ? [] : [4, 4],
      drawTime: 'beforeDatasetsDraw',
      label: {
        display: added && withLabels,
        content: shorten(`+ ${ev.label || ev.type}`, 34),
        position: 'start',
        backgroundColor: ADDED_EVENT_COLOUR,
        color: '#fff',
        font: { size: 12, weight: 'bold' },
        padding: 4,
      },
      enter: () => onHoverEvent(ev),
      leave: () => onHoverEvent(null),
    };
  });
  return annotations;
}

function nowAnnotation(step) {
  return {
    type: 'line',
    scaleID: 'x',
    value: step,
    borderColor: NOW_COLOUR,
    borderWidth: 2,
    drawTime: 'afterDatasetsDraw',
  };
}

/**
 * The charts' controller. `panels`: { key: { canvas, variable, labels } }, one chart per key showing that hedger
 * variable (`labels`: whether the added events' markers carry their labels). `callbacks`: onPickAgent(id, step),
 * onHoverEvent(event | null), dateOf(x).
 */
export function createCharts(panels, callbacks) {
  const charts = {};
  const variables = {};
  const labels = {};
  for (const [key, panel] of Object.entries(panels)) {
    charts[key] = makeChart(panel.canvas, callbacks);
    variables[key] = panel.variable;
    labels[key] = Boolean(panel.labels);
  }

  function render(view) {
    const steps = view.run.dates.length - 1;
    const specs = (view.model && view.model.variables) || [];
    for (const [key, chart] of Object.entries(charts)) {
      const variable = variables[key];
      const axis = axisOf(specs.find((v) => v.name === variable));
      chart.data.datasets = datasetsOf(view, variable, axis.min < 0);
      const x = chart.options.scales.x;
      x.max = steps;
      x.ticks.stepSize = Math.max(1, Math.ceil(steps / 8));
      x.ticks.callback = (v) => (Number.isInteger(v) && view.run.dates[v] ? view.run.dates[v] : '');
      const y = chart.options.scales.y;
      y.min = axis.min;
      y.max = axis.max;
      y.ticks.stepSize = axis.stepSize;
      y.ticks.callback = axis.format;
      y.title.text = variable;
      chart.options.plugins.annotation.annotations = {
        ...eventAnnotations(view, labels[key], callbacks.onHoverEvent),
        now: nowAnnotation(view.step),
      };
      chart.update('none');
    }
  }

  /// Shows another variable on chart `key`, from the next render on.
  function setVariable(key, variable) {
    if (key in charts) variables[key] = variable;
  }

  function variableOf(key) {
    return variables[key];
  }

  function setStep(step) {
    for (const chart of Object.values(charts)) {
      const now = chart.options.plugins.annotation.annotations.now;
      if (!now) continue;
      now.value = step;
      chart.update('none');
    }
  }

  function clear() {
    for (const chart of Object.values(charts)) {
      chart.data.datasets = [];
      chart.options.plugins.annotation.annotations = {};
      chart.update('none');
    }
  }

  return { render, setVariable, variableOf, setStep, clear, charts };
}
