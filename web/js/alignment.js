// The alignment map: all agents at the current step on one axis from the western seats (+1, left) to the
// rival's seat (-1, right). Each hedger has a lane with its signal (filled dot: what its leaders say) and its
// substance (hollow ring: trade and security ties); the western patrons stand at the western end with their
// détente with the rival, the rival at the eastern end with its attention and its engagement with each hedger.
// With a branch, the branch is drawn and the scenario shows as a faded ghost.

const NS = 'http://www.w3.org/2000/svg';

const WIDTH = 1000;
const TOP = 58; // below the axis heading
const LANE = 42;
const X = { label: 10, west: 258, axisL: 400, axisR: 772, rival: 862 };
const WEST_COLOUR = '#1f4e9c';
const RIVAL_COLOUR = '#b3261e';

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, v);
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return node;
}

function text(x, y, content, attrs = {}) {
  return svg('text', { x, y, ...attrs }, content);
}

function signed(v) {
  return `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`;
}

/// x of a value on the alignment axis: +1 (the West) at the left end, -1 (the rival) at the right.
function xOf(v) {
  return X.axisL + ((1 - v) / 2) * (X.axisR - X.axisL);
}

/// The value of `variable` for hedger `i` at `step` on one side of the run.
function hedgerValue(run, side, variable, i, step) {
  const rows = run[side][variable];
  return rows ? rows[i][step] : NaN;
}

function patronValue(run, side, agent, variable, step) {
  const p = run[side].patrons && run[side].patrons[agent];
  return p && p[variable] ? p[variable][step] : NaN;
}

function axisHeading(westSeats, rivalSeat) {
  const g = svg('g', { class: 'axis-heading' });
  g.append(text(X.axisL, 22, `◀ ${westSeats}`, { 'text-anchor': 'start', class: 'pole pole-west' }));
  g.append(text(X.axisR, 22, `${rivalSeat} ▶`, { 'text-anchor': 'end', class: 'pole pole-rival' }));
  for (const v of [1, 0.5, 0, -0.5, -1]) {
    const x = xOf(v);
    g.append(text(x, 44, v === 0 ? '0' : signed(v).replace('.00', ''), { 'text-anchor': 'middle', class: 'tick' }));
  }
  return g;
}

function gridLines(nLanes) {
  const g = svg('g', { class: 'grid' });
  const bottom = TOP + nLanes * LANE;
  for (const v of [1, 0.5, 0, -0.5, -1])
    g.append(svg('line', { x1: xOf(v), x2: xOf(v), y1: TOP - 6, y2: bottom, class: v === 0 ? 'grid-zero' : 'grid-line' }));
  return g;
}

function meter(x, y, width, value, max, colour, ghostValue) {
  const g = svg('g', { class: 'meter' });
  g.append(svg('rect', { x, y, width, height: 9, rx: 3, class: 'meter-track' }));
  const fill = Math.max(0, Math.min(1, value / max)) * width;
  g.append(svg('rect', { x, y, width: fill, height: 9, rx: 3, fill: colour }));
  if (ghostValue !== undefined && Number.isFinite(ghostValue) && Math.abs(ghostValue - value) > 1e-9) {
    const gx = x + Math.max(0, Math.min(1, ghostValue / max)) * width;
    g.append(svg('line', { x1: gx, x2: gx, y1: y - 3, y2: y + 12, class: 'meter-ghost' }));
  }
  return g;
}

/// A western patron's box: its name, seat and détente with the rival (the scenario's as a tick on a branch).
function westBox(agent, view, y, height) {
  const { run, step, hasBranch, selected } = view;
  const side = hasBranch ? 'branch' : 'baseline';
  const detente = patronValue(run, side, agent.id, 'detente', step);
  const ghost = hasBranch ? patronValue(run, 'baseline', agent.id, 'detente', step) : undefined;
  const g = svg('g', { class: `agent west${agent.id === selected ? ' selected' : ''}`, 'data-agent': agent.id });
  g.append(svg('title', {}, `${agent.name} (${agent.id}), ${agent.seat}: détente with the rival ${detente.toFixed(3)}`));
  g.append(svg('rect', { x: X.west, y, width: X.axisL - X.west - 22, height, rx: 8, class: 'agent-box' }));
  g.append(text(X.west + 10, y + 22, agent.id, { class: 'box-id', fill: WEST_COLOUR }));
  g.append(text(X.west + 10, y + 40, agent.seat, { class: 'box-seat' }));
  g.append(text(X.west + 10, y + height - 30, `détente ${detente.toFixed(2)}`, { class: 'box-value' }));
  g.append(meter(X.west + 10, y + height - 22, X.axisL - X.west - 42, detente, 1, WEST_COLOUR, ghost));
  return g;
}

/// The rival's box: attention spent above baseline, and one line to each hedger as thick as its engagement.
function rivalBox(agent, view, nLanes) {
  const { run, step, hasBranch, selected } = view;
  const side = hasBranch ? 'branch' : 'baseline';
  const attention = patronValue(run, side, agent.id, 'attention', step);
  const ghost = hasBranch ? patronValue(run, 'baseline', agent.id, 'attention', step) : undefined;
  const y = TOP;
  const height = nLanes * LANE - 6;
  const g = svg('g', { class: `agent rival${agent.id === selected ? ' selected' : ''}`, 'data-agent': agent.id });
  g.append(svg('title', {}, `${agent.name} (${agent.id}), ${agent.seat}: attention above baseline ${attention.toFixed(3)}`));
  g.append(svg('rect', { x: X.rival, y, width: WIDTH - X.rival - 4, height, rx: 8, class: 'agent-box' }));
  g.append(text(X.rival + 10, y + 22, agent.id, { class: 'box-id', fill: RIVAL_COLOUR }));
  g.append(text(X.rival + 10, y + 42, agent.seat, { class: 'box-seat' }));
  g.append(text(X.rival + 10, y + 70, 'attention', { class: 'box-label' }));
  g.append(text(X.rival + 10, y + 88, attention.toFixed(2), { class: 'box-value' }));
  g.append(meter(X.rival + 10, y + 96, WIDTH - X.rival - 28, attention, 1, RIVAL_COLOUR, ghost));
  g.append(text(X.rival + 10, y + height - 30, 'lines: its', { class: 'box-label' }));
  g.append(text(X.rival + 10, y + height - 12, 'engagement', { class: 'box-label' }));
  return g;
}

/// The rival's engagement with hedger i: a line from the lane's eastern end to the rival's box.
function engagementLine(view, i, yMid) {
  const { run, step, hasBranch, rival } = view;
  const side = hasBranch ? 'branch' : 'baseline';
  const e = rival ? hedgerValue(run, side, `engagement@${rival.id}`, i, step) : NaN;
  const g = svg('g', { class: 'engagement' });
  if (!Number.isFinite(e)) return g;
  g.append(svg('line', {
    x1: X.axisR + 8, x2: X.rival, y1: yMid, y2: yMid,
    stroke: RIVAL_COLOUR, 'stroke-width': 1 + 14 * e, 'stroke-opacity': 0.25 + 0.6 * Math.min(1, e * 2),
    'stroke-linecap': 'round',
  }));
  g.append(text((X.axisR + X.rival) / 2 + 4, yMid - 6 - 7 * e, e.toFixed(2), { 'text-anchor': 'middle', class: 'engagement-value' }));
  return g;
}

/// A hedger's lane: name and state, the ghost of the scenario, its substance ring and signal dot.
function hedgerLane(agent, i, view) {
  const { run, step, hasBranch, selected, colourOf } = view;
  const side = hasBranch ? 'branch' : 'baseline';
  const y = TOP + i * LANE;
  const yMid = y + LANE / 2 - 3;
  const value = (variable, s = side) => hedgerValue(run, s, variable, i, step);
  const signal = value('signal');
  const substance = value('substance');
  const colour = colourOf(agent.id);
  const isSelected = agent.id === selected;

  const g = svg('g', { class: `agent hedger lane${isSelected ? ' selected' : ''}`, 'data-agent': agent.id });
  g.append(svg('title', {}, [
    `${agent.name} (${agent.id}) at ${run.dates[step]}`,
    `signal ${signed(signal)}, substance ${signed(substance)}`,
    `grievance ${value('grievance').toFixed(2)}, courting ${value('courting').toFixed(2)}, complying ${value('complying').toFixed(2)}`,
    `accession ${value('accession').toFixed(2)}, conditionality ${value('conditionality').toFixed(2)}` +
      (view.rival ? `, engagement of ${view.rival.id} ${value(`engagement@${view.rival.id}`).toFixed(2)}` : ''),
  ].join('\n')));
  // Two highlight areas, the name and the axis, so that the patrons' boxes between them stay clear.
  g.append(svg('rect', { x: X.label - 6, y: y + 1, width: X.west - X.label, height: LANE - 8, rx: 6, class: 'lane-bg' }));
  g.append(svg('rect', { x: X.axisL - 14, y: y + 1, width: X.axisR - X.axisL + 28, height: LANE - 8, rx: 6, class: 'lane-bg' }));
  g.append(svg('circle', { cx: X.label + 8, cy: yMid - 5, r: 7, fill: colour }));
  g.append(text(X.label + 22, yMid, agent.name, { class: 'lane-name' }));
  g.append(text(X.label + 22, yMid + 16, `grievance ${value('grievance').toFixed(2)} · courting ${value('courting').toFixed(2)}`, { class: 'lane-state' }));
  g.append(svg('line', { x1: X.axisL, x2: X.axisR, y1: yMid, y2: yMid, class: 'lane-line' }));

  if (hasBranch) {
    const ghostSignal = value('signal', 'baseline');
    const ghostSubstance = value('substance', 'baseline');
    g.append(svg('line', { x1: xOf(ghostSignal), x2: xOf(signal), y1: yMid, y2: yMid, stroke: colour, 'stroke-width': 3, 'stroke-opacity': 0.5 }));
    g.append(svg('circle', { cx: xOf(ghostSubstance), cy: yMid, r: 9, fill: 'none', stroke: colour, 'stroke-width': 2, 'stroke-opacity': 0.3, class: 'ghost' }));
    g.append(svg('circle', { cx: xOf(ghostSignal), cy: yMid, r: 9, fill: colour, 'fill-opacity': 0.25, class: 'ghost ghost-signal' }));
  }
  g.append(svg('circle', { cx: xOf(signal), cy: yMid, r: 10, fill: colour, stroke: '#fff', 'stroke-width': 1.5, class: 'signal-dot' }));
  g.append(svg('circle', { cx: xOf(substance), cy: yMid, r: 10, fill: 'none', stroke: colour, 'stroke-width': 3.5, class: 'substance-ring' }));
  g.append(engagementLine(view, i, yMid));
  return g;
}

function legend(y) {
  const g = svg('g', { class: 'map-legend' });
  g.append(svg('circle', { cx: X.label + 8, cy: y - 5, r: 8, fill: '#555' }));
  g.append(text(X.label + 22, y, 'signal: what leaders say (fast, cheap)'));
  g.append(svg('circle', { cx: 360, cy: y - 5, r: 8, fill: 'none', stroke: '#555', 'stroke-width': 3 }));
  g.append(text(374, y, 'substance: trade and security ties (slow)'));
  g.append(svg('circle', { cx: 700, cy: y - 5, r: 8, fill: '#555', 'fill-opacity': 0.25 }));
  g.append(text(714, y, 'faded: scenario without your changes'));
  return g;
}

/**
 * Draws the map into `container` (an <svg>). `view`: {model, run, step, hasBranch, selected, colourOf}.
 */
export function renderAlignment(container, view) {
  const agents = view.model.agents;
  const hedgers = agents.filter((a) => a.kind === 'hedger');
  // The patrons at the +1 end of the axis on the left, the first one at the -1 end on the right.
  const west = agents.filter((a) => a.kind === 'patron' && a.pole > 0);
  const rival = agents.find((a) => a.kind === 'patron' && a.pole < 0);
  view = { ...view, rival };
  const height = TOP + hedgers.length * LANE + 28;
  container.setAttribute('viewBox', `0 0 ${WIDTH} ${height}`);
  container.replaceChildren();

  const westSeats = west.map((a) => a.seat).join(' / ');
  container.append(axisHeading(westSeats, rival ? rival.seat : 'rival'));
  container.append(gridLines(hedgers.length));
  // The run lists hedgers in its own order; look each model hedger up there.
  hedgers.forEach((a) => {
    const i = view.run.agents.indexOf(a.id);
    if (i >= 0) container.append(hedgerLane(a, i, view));
  });
  const boxHeight = (hedgers.length * LANE - 6 - (west.length - 1) * 8) / Math.max(1, west.length);
  west.forEach((a, j) => container.append(westBox(a, view, TOP + j * (boxHeight + 8), boxHeight)));
  if (rival) container.append(rivalBox(rival, view, hedgers.length));
  container.append(legend(height - 6));
}
