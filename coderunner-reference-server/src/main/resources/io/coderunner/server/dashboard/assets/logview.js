// One deployment's log: the last lines that pass the filter, then live ones, from the page's one
// WebSocket subscription. The filter lives in the URL's query, so a filtered view can be shared.

const TAIL = 1000;
const MAX_LINES = 20_000;
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error'];

export function filterFromQuery(search) {
  const q = new URLSearchParams(search);
  const levels = (q.get('level') || '').split(',').filter((l) => LEVELS.includes(l));
  const streams = (q.get('stream') || '').split(',').filter((s) => ['stdout', 'stderr', 'system'].includes(s));
  const text = q.get('q') || '';
  return { levels, streams, q: text };
}

function toWire(f) {
  const out = {};
  if (f.levels.length) out.levels = f.levels;
  if (f.streams.length) out.streams = f.streams;
  if (f.q) out.q = f.q;
  return Object.keys(out).length ? out : null;
}

export function createLogView({ live, list, back }) {
  const root = document.getElementById('log-view');
  let id = null;
  let filter = null;
  let following = true;
  let missed = 0;
  let lines = null;
  let jump = null;

  function build(d) {
    root.innerHTML = `
      <div class="heading">
        <a href="/" class="link back">← Deployments</a>
        <h1 class="log-title"></h1>
        <span class="badge" data-testid="status-badge"></span>
      </div>
      <form class="filters" role="search">
        <label>Level
          <select data-testid="filter-level" name="level">
            <option value="">all</option>
            <option value="error">error</option>
            <option value="warn,error">warn and error</option>
            <option value="info,warn,error">info and up</option>
          </select>
        </label>
        <label>Stream
          <select data-testid="filter-stream" name="stream">
            <option value="">all</option>
            <option value="stdout">stdout</option>
            <option value="stderr">stderr</option>
            <option value="system">system</option>
          </select>
        </label>
        <label class="grow">Text
          <input data-testid="filter-text" name="q" type="search" maxlength="256" placeholder="contains…">
        </label>
      </form>
      <ol class="lines" tabindex="0" aria-label="Log lines"></ol>
      <button type="button" class="jump" data-testid="jump-to-latest" hidden>Jump to latest</button>`;
    lines = root.querySelector('.lines');
    jump = root.querySelector('.jump');
    root.querySelector('.back').addEventListener('click', (e) => {
      e.preventDefault();
      back();
    });
    const form = root.querySelector('form');
    form.level.value = filter.levels.join(',');
    form.stream.value = filter.streams.join(',');
    form.q.value = filter.q;
    let typing = null;
    const apply = () => {
      filter = {
        levels: form.level.value ? form.level.value.split(',') : [],
        streams: form.stream.value ? form.stream.value.split(',') : [],
        q: form.q.value,
      };
      const q = new URLSearchParams();
      if (filter.levels.length) q.set('level', filter.levels.join(','));
      if (filter.streams.length) q.set('stream', filter.streams.join(','));
      if (filter.q) q.set('q', filter.q);
      const search = q.toString();
      history.replaceState(null, '', `${location.pathname}${search ? `?${search}` : ''}`);
      restart();
    };
    form.level.addEventListener('change', apply);
    form.stream.addEventListener('change', apply);
    form.q.addEventListener('input', () => {
      clearTimeout(typing);
      typing = setTimeout(apply, 300);
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      apply();
    });
    lines.addEventListener('scroll', () => {
      const atBottom = lines.scrollHeight - lines.scrollTop - lines.clientHeight < 8;
      if (atBottom && !following) resume();
      else if (!atBottom) following = false;
      showJump();
    });
    jump.addEventListener('click', resume);
    header(d);
  }

  function header(d) {
    if (!d || !root.querySelector('.log-title')) return;
    root.querySelector('.log-title').textContent = d.name;
    const badge = root.querySelector('.badge');
    badge.textContent = d.status;
    badge.dataset.status = d.status;
  }

  function showJump() {
    jump.hidden = following;
    jump.textContent = missed ? `Jump to latest (${missed} new)` : 'Jump to latest';
  }

  function resume() {
    following = true;
    missed = 0;
    lines.scrollTop = lines.scrollHeight;
    showJump();
  }

  function restart() {
    lines.replaceChildren();
    following = true;
    missed = 0;
    showJump();
    live.follow(id, toWire(filter), TAIL);
  }

  function marker(text) {
    const li = document.createElement('li');
    li.className = 'marker';
    li.dataset.testid = 'gap-marker';
    li.textContent = text;
    lines.append(li);
  }

  function add(l) {
    const li = document.createElement('li');
    li.className = `line ${l.level} ${l.stream}`;
    li.dataset.testid = 'log-line';
    li.dataset.seq = String(l.seq);
    li.dataset.level = l.level;
    li.dataset.stream = l.stream;
    const ts = document.createElement('time');
    ts.dateTime = l.ts;
    ts.textContent = l.ts.slice(11, 23);
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = `${l.stream} ${l.level}`;
    const msg = document.createElement('span');
    msg.className = 'msg';
    msg.textContent = l.message;
    li.append(ts, meta, msg);
    lines.append(li);
  }

  return {
    open(deploymentId, search) {
      id = deploymentId;
      filter = filterFromQuery(search);
      build(list.get(id));
      restart();
    },
    close() {
      if (id) live.unfollow();
      id = null;
      root.replaceChildren();
    },
    isOpen: () => id !== null,
    deploymentChanged(d) {
      if (d.id === id) header(d);
    },
    frame(f) {
      if (!id || (f.deploymentId || f.ref) !== id) return; // an error names it as its ref
      if (f.type === 'subscribed' && f.reset) marker('The log was reset: its earlier history is gone.');
      else if (f.type === 'gap') marker(`Lines ${f.from} to ${f.to} were dropped by retention.`);
      else if (f.type === 'logs') {
        // Where the reader is now, not when the last scroll event came: a scroll up that has not
        // been reported yet must not be undone by following.
        const atBottom = lines.scrollHeight - lines.scrollTop - lines.clientHeight < 8;
        if (following && !atBottom) following = false;
        const wasAtBottom = following;
        for (const l of f.lines) add(l);
        while (lines.childElementCount > MAX_LINES) lines.firstElementChild.remove();
        if (wasAtBottom) lines.scrollTop = lines.scrollHeight;
        else {
          missed += f.lines.length;
          showJump();
        }
      } else if (f.type === 'error' && f.code === 'forbidden') {
        marker('No such deployment, or it is not yours.');
      } else if (f.type === 'error' && f.code === 'subscription_ended') {
        marker('The deployment was deleted.');
      }
    },
  };
}
