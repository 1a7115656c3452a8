// Dates are ISO strings "YYYY-MM-DD" everywhere, as the API sends them; they compare correctly as strings.
// A run records the state at dates[k] = start + k * step_days (k = 0 is the initial state), and an event dated d
// acts in step floor((d - start) / step_days) + 1, i.e. it first shows in the state recorded after d.

const MS_PER_DAY = 86400000;

export function dayNumber(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / MS_PER_DAY;
}

/// Where an event dated `iso` sits on the step axis: a fractional step, between the recorded states around it.
export function eventPosition(iso, start, stepDays) {
  return (dayNumber(iso) - dayNumber(start)) / stepDays;
}

/// The step in which an event dated `iso` acts (its effect first shows in the state recorded for this step).
export function stepOfEvent(iso, start, stepDays) {
  return Math.floor(eventPosition(iso, start, stepDays)) + 1;
}

/// The first recorded step dated on or after `iso`, clamped to the run: where "go to this date" lands.
export function stepAtOrAfter(iso, dates) {
  const k = dates.findIndex((d) => d >= iso);
  return k === -1 ? dates.length - 1 : k;
}

/// The last recorded step dated on or before `iso` (0 if none).
export function stepAtOrBefore(iso, dates) {
  let k = 0;
  while (k + 1 < dates.length && dates[k + 1] <= iso) k += 1;
  return k;
}
