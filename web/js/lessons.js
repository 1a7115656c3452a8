// The lessons panel: lessons/index.json names the lesson files ({"lessons": ["a.json", ...]}); each lesson has
// steps whose `state` the page applies (scenario, branch events and parameters, date, agent, explanation
// window) before showing the step's prompt and question.

import { getOptionalJSON } from './api.js';

const $ = (id) => document.getElementById(id);

async function loadLessons() {
  const index = await getOptionalJSON('lessons/index.json');
  if (index === null) return [];
  if (!index || !Array.isArray(index.lessons))
    throw new Error('lessons/index.json must be {"lessons": ["file.json", ...]}');
  const lessons = [];
  for (const file of index.lessons) {
    const lesson = await getOptionalJSON(`lessons/${file}`);
    if (lesson === null) throw new Error(`lessons/index.json names lessons/${file}, which does not exist`);
    if (!Array.isArray(lesson.steps) || lesson.steps.length === 0)
      throw new Error(`lessons/${file} has no steps`);
    lessons.push({ file, ...lesson });
  }
  return lessons;
}

/**
 * Wires the panel. `applyState(state)` (async) puts the page in a step's state; `onError(context, error)`
 * shows a failure; `mayLeave(action)` says whether the class's own events may be discarded (it asks). Returns accessors for the tests.
 */
export function createLessons({ applyState, onError, mayLeave = () => true }) {
  const select = $('lesson-select');
  const prev = $('lesson-prev');
  const next = $('lesson-next');
  let lessons = [];
  let current = null; // {lesson, step}

  function renderStep() {
    const body = $('lesson-body');
    if (!current) {
      body.hidden = true;
      return;
    }
    const { lesson, step } = current;
    const s = lesson.steps[step];
    body.hidden = false;
    $('lesson-summary').textContent = lesson.summary || '';
    $('lesson-step-label').textContent = `Step ${step + 1} of ${lesson.steps.length}`;
    $('lesson-prompt').textContent = s.prompt || '';
    $('lesson-question').textContent = s.question || '';
    $('lesson-question-box').hidden = !s.question;
    prev.disabled = step === 0;
    next.disabled = step === lesson.steps.length - 1;
  }

  async function goTo(lesson, step) {
    current = { lesson, step };
    renderStep();
    try {
      await applyState(lesson.steps[step].state || {});
    } catch (e) {
      onError(`Applying step ${step + 1} of the lesson "${lesson.title}"`, e);
    }
  }

  select.addEventListener('change', () => {
    const lesson = lessons.find((l) => l.file === select.value);
    if (lesson && !mayLeave(`Opening the lesson "${lesson.title || lesson.file}"`)) {
      select.value = current ? current.lesson.file : ''; // the class keeps its branch
      return;
    }
    if (lesson) goTo(lesson, 0);
    else {
      current = null;
      renderStep();
    }
  });
  prev.addEventListener('click', () => {
    if (current && current.step > 0 && mayLeave('Going back a step')) goTo(current.lesson, current.step - 1);
  });
  next.addEventListener('click', () => {
    if (current && current.step + 1 < current.lesson.steps.length && mayLeave('Going to the next step'))
      goTo(current.lesson, current.step + 1);
  });

  async function init() {
    try {
      lessons = await loadLessons();
    } catch (e) {
      onError('Loading the lessons', e);
      lessons = [];
    }
    select.replaceChildren(new Option(lessons.length ? 'Choose a lesson…' : 'No lessons yet', ''));
    for (const l of lessons) select.append(new Option(l.title || l.file, l.file));
    select.disabled = lessons.length === 0;
    renderStep();
    return lessons.length;
  }

  return {
    init,
    get count() {
      return lessons.length;
    },
    get current() {
      return current ? { file: current.lesson.file, id: current.lesson.id, step: current.step } : null;
    },
  };
}
