// One deployment's log: the last lines that pass the filter, then live ones, from the page's one
// WebSocket subscription; earlier lines page in from the history API. The view is virtual: every
// row is one line high and only the rows near the viewport are in the DOM, so 100,000 held lines
// cost what 150 do. The filter lives in the URL's query and a line's permalink in its hash
// (#L<seq>), so both can be shared.

import { parseLine, renderSpans } from './terminal.js';
import { toast } from './toast.js';

const TAIL = 1000;
const PAGE = 5000; // lines per "load earlier"
const MAX_LINES = 200_000; // held by the view; the raw download has the rest
const ROW = 20; // px, as .row's height in app.css
const OVERSCAN = 60; // rows rendered beyond each edge of the viewport
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error'];
const TIME_KEY = 'coderunner.time';

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

/** The filter as history query parameters; without its text when {@code withText} is false. */
function toQuery(f, withText = true) {
  const p = {};
  if (f.levels.length) p.level = f.levels.join(',');
  if (f.streams.length) p.stream = f.streams.join(',');
  if (withText && f.q) p.q = f.q;
  return p;
}

function permalinkSeq(hash) {
  const m = /^#L(\d{1,18})$/.exec(hash || '');
  return m ? Number(m[1]) : null;
}

export function duration(ms) {
  if (!(ms >= 0)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

function relative(ms) {
  const sign = ms < 0 ? '-' : '+';
  const t = Math.abs(ms);
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor(t / 60_000) % 60;
  const s = Math.floor(t / 1000) % 60;
  const frac = String(Math.floor(t % 1000)).padStart(3, '0');
  const hm = h ? `${h}:${String(m).padStart(2, '0')}` : String(m).padStart(2, '0');
  return `${sign}${hm}:${String(s).padStart(2, '0')}.${frac}`;
}

export function createLogView({ live, list, api, back }) {
  const root = document.getElementById('log-view');
  let id = null;
  let filter = null;
  let gen = 0; // which subscription the view's rows belong to; a late answer for another is dropped

  // The model: rows in seq order (lines, and markers where a gap or reset happened), the indexes
  // of those not folded away, and the sections still open at the end.
  let rows = [];
  let visible = [];
  let open = [];
  let earlier = null; // pass as `before` to page in what precedes the view
  let firstAvailable = 1;
  let loading = false;
  let pending = null; // a permalinked seq to show once it is loaded
  let highlight = null;
  let following = true;
  let missed = 0;
  let timeMode = localStorage.getItem(TIME_KEY) === 'relative' ? 'relative' : 'clock';

  // Find: every match in the retained log, from the server.
  let find = { text: '', term: '', seqs: [], count: 0, index: -1, asked: 0 };

  let els = null; // the DOM of the view, once built
  let cache = new Map(); // row -> element, for the rows rendered now
  let painting = false;

  function build(d) {
    root.innerHTML = `
      <div class="heading">
        <a href="/" class="link back">← Deployments</a>
        <h1 class="log-title"></h1>
        <span class="badge" data-testid="status-badge"></span>
      </div>
      <form class="filters" role="search" aria-label="Filter the log">
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
      <div class="toolbar">
        <form class="find" role="search" aria-label="Find in the whole log">
          <label class="grow">Find
            <input data-testid="find-text" name="find" type="search" maxlength="256" placeholder="in the whole log…">
          </label>
          <button type="button" class="small" data-testid="find-prev" aria-label="Previous match">↑</button>
          <button type="button" class="small" data-testid="find-next" aria-label="Next match">↓</button>
          <span class="find-count" data-testid="find-count" aria-live="polite"></span>
        </form>
        <div class="view-actions">
          <button type="button" class="small secondary" data-testid="time-toggle"></button>
          <button type="button" class="small secondary" data-testid="download">Download</button>
        </div>
      </div>
      <button type="button" class="small secondary earlier" data-testid="load-earlier" hidden>Load earlier lines</button>
      <div class="lines" tabindex="0" role="log" aria-label="Log lines">
        <div class="spacer"><div class="window"></div></div>
      </div>
      <button type="button" class="jump" data-testid="jump-to-latest" hidden>Jump to latest</button>`;
    els = {
      lines: root.querySelector('.lines'),
      spacer: root.querySelector('.spacer'),
      window: root.querySelector('.window'),
      jump: root.querySelector('.jump'),
      earlier: root.querySelector('.earlier'),
      count: root.querySelector('.find-count'),
      time: root.querySelector('[data-testid="time-toggle"]'),
    };
    root.querySelector('.back').addEventListener('click', (e) => {
      e.preventDefault();
      back();
    });
    const form = root.querySelector('form.filters');
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
      if (find.text) runFind(find.text);
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

    const findForm = root.querySelector('form.find');
    let findTyping = null;
    findForm.find.addEventListener('input', () => {
      clearTimeout(findTyping);
      findTyping = setTimeout(() => runFind(findForm.find.value), 300);
    });
    findForm.find.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      e.preventDefault();
      if (findForm.find.value !== find.text) runFind(findForm.find.value);
      else step(e.shiftKey ? -1 : 1);
    });
    findForm.addEventListener('submit', (e) => e.preventDefault());
    root.querySelector('[data-testid="find-prev"]').addEventListener('click', () => step(-1));
    root.querySelector('[data-testid="find-next"]').addEventListener('click', () => step(1));

    els.time.addEventListener('click', () => {
      timeMode = timeMode === 'clock' ? 'relative' : 'clock';
      localStorage.setItem(TIME_KEY, timeMode);
      showTimeMode();
      refresh();
    });
    showTimeMode();
    root.querySelector('[data-testid="download"]').addEventListener('click', download);
    els.earlier.addEventListener('click', () => loadEarlier());

    els.lines.addEventListener('scroll', () => {
      const atBottom = isAtBottom();
      if (atBottom && !following) resume();
      else if (!atBottom) following = false;
      showJump();
      schedulePaint();
    });
    els.window.addEventListener('click', (e) => {
      const fold = e.target.closest('.fold');
      if (fold) {
        toggle(rows[Number(fold.dataset.row)]);
        return;
      }
      const ln = e.target.closest('a.ln');
      if (ln && permalinkSeq(ln.hash) === permalinkSeq(location.hash)) {
        e.preventDefault(); // no hashchange for the same hash: show it again
        reveal(permalinkSeq(ln.hash));
      }
    });
    els.jump.addEventListener('click', resume);
    header(d);
  }

  function header(d) {
    if (!d || !root.querySelector('.log-title')) return;
    root.querySelector('.log-title').textContent = d.name;
    const badge = root.querySelector('.badge');
    badge.textContent = d.status;
    badge.dataset.status = d.status;
  }

  function showTimeMode() {
    els.time.textContent = timeMode === 'clock' ? 'Relative time' : 'Clock time';
    els.time.setAttribute('aria-label', timeMode === 'clock' ? 'Show times relative to the first line' : 'Show clock times (UTC)');
  }

  function isAtBottom() {
    const l = els.lines;
    return l.scrollHeight - l.scrollTop - l.clientHeight < 8;
  }

  function showJump() {
    els.jump.hidden = following;
    els.jump.textContent = missed ? `Jump to latest (${missed} new)` : 'Jump to latest';
  }

  function hasEarlier() {
    return earlier != null && earlier > firstAvailable;
  }

  function showEarlier() {
    els.earlier.hidden = !hasEarlier();
    els.earlier.disabled = loading;
    els.earlier.textContent = loading ? 'Loading…' : 'Load earlier lines';
  }

  function resume() {
    following = true;
    missed = 0;
    highlight = null;
    cache = new Map();
    paint();
    els.lines.scrollTop = els.lines.scrollHeight;
    showJump();
  }

  function restart() {
    gen += 1;
    rows = [];
    visible = [];
    open = [];
    earlier = null;
    firstAvailable = 1;
    loading = false;
    following = pending == null;
    missed = 0;
    cache = new Map();
    relayout();
    showJump();
    showEarlier();
    live.follow(id, toWire(filter), TAIL);
  }

  // ------------------------------------------------------------------ model

  function parsed(r) {
    if (!r.p) r.p = parseLine(r.line.message);
    return r.p;
  }

  /** Places one row in the section structure, given the sections open before it. */
  function structure(r, stack) {
    r.sec = stack.length ? stack[stack.length - 1] : null;
    r.end = null;
    if (!r.line) return false;
    const s = parsed(r).section;
    if (!s) return false;
    if (s.kind === 'start') {
      const kept = r.head; // a section folded or opened by hand stays so when the rows are rebuilt
      r.head = {
        name: s.name,
        title: s.header || s.name,
        startTs: s.ts,
        startMs: Date.parse(r.line.ts),
        endTs: null,
        endMs: null,
        parent: r.sec,
        option: s.collapsed,
        collapsed: kept ? kept.collapsed : s.collapsed === true,
        byHand: kept ? kept.byHand : false,
      };
      stack.push(r.head);
      return false;
    }
    let i = stack.length - 1;
    while (i >= 0 && stack[i].name !== s.name) i -= 1;
    if (i < 0) return false; // an end without its start is an ordinary line
    const sec = stack[i];
    stack.length = i; // sections opened inside it and never closed end with it
    sec.endTs = s.ts;
    sec.endMs = Date.parse(r.line.ts);
    r.end = sec;
    r.sec = sec;
    if (!sec.byHand && sec.option !== false && !sec.collapsed) {
      sec.collapsed = true; // a finished section folds, unless its reader opened it
      return true;
    }
    return false;
  }

  function hidden(r) {
    if (r.end) return true; // the end marker shows as its header's duration
    for (let s = r.sec; s; s = s.parent) if (s.collapsed) return true;
    return false;
  }

  function restructure() {
    const stack = [];
    for (const r of rows) structure(r, stack);
    open = stack;
  }

  function relayout() {
    visible = [];
    for (let i = 0; i < rows.length; i += 1) if (!hidden(rows[i])) visible.push(i);
    paint();
  }

  function lineRow(l) {
    return { line: l, p: null, sec: null, head: null, end: null };
  }

  function append(newRows) {
    let folded = false;
    for (const r of newRows) {
      rows.push(r);
      if (structure(r, open)) folded = true;
      else if (!hidden(r)) visible.push(rows.length - 1);
    }
    if (rows.length > MAX_LINES * 1.1) {
      rows.splice(0, rows.length - MAX_LINES);
      earlier = rows.find((r) => r.line)?.line.seq ?? earlier;
      restructure();
      folded = true;
    }
    if (folded) relayout();
    else paint();
  }

  function prepend(lines) {
    const anchor = topRow();
    const before = els.lines.scrollTop - anchorOffset(anchor);
    rows = lines.map(lineRow).concat(rows);
    restructure();
    cache = new Map(); // relative times start from the new first line
    relayout();
    if (anchor) els.lines.scrollTop = anchorOffset(anchor) + before;
    paint();
  }

  function topRow() {
    const v = Math.floor(els.lines.scrollTop / ROW);
    return v < visible.length ? rows[visible[v]] : null;
  }

  function anchorOffset(r) {
    if (!r) return 0;
    const i = rows.indexOf(r);
    return visibleIndex(i) * ROW;
  }

  /** Where row {@code i} is among the visible rows (binary search: both are in seq order). */
  function visibleIndex(i) {
    let lo = 0;
    let hi = visible.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (visible[mid] < i) lo = mid + 1;
      else hi = mid - 1;
    }
    return lo;
  }

  function rowOfSeq(seq) {
    let lo = 0;
    let hi = rows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = seqAt(mid);
      if (s < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    for (let i = lo; i < rows.length && i <= lo + 2; i += 1) {
      if (rows[i].line && rows[i].line.seq === seq) return i;
    }
    return -1;
  }

  /** A marker sorts with the line before it. */
  function seqAt(i) {
    for (let j = i; j >= 0; j -= 1) if (rows[j].line) return rows[j].line.seq;
    return 0;
  }

  function oldestSeq() {
    const r = rows.find((x) => x.line);
    return r ? r.line.seq : Infinity;
  }

  function toggle(r) {
    if (!r || !r.head) return;
    r.head.collapsed = !r.head.collapsed;
    r.head.byHand = true;
    cache.delete(r);
    relayout();
  }

  // ------------------------------------------------------------------ rendering

  function schedulePaint() {
    if (painting) return;
    painting = true;
    requestAnimationFrame(() => {
      painting = false;
      paint();
    });
  }

  function refresh() {
    cache = new Map();
    paint();
  }

  function paint() {
    if (!els) return;
    const l = els.lines;
    els.spacer.style.height = `${visible.length * ROW}px`;
    const first = Math.max(0, Math.floor(l.scrollTop / ROW) - OVERSCAN);
    const last = Math.min(visible.length, Math.ceil((l.scrollTop + l.clientHeight) / ROW) + OVERSCAN);
    els.window.style.transform = `translateY(${first * ROW}px)`;
    const next = new Map();
    const out = [];
    for (let v = first; v < last; v += 1) {
      const i = visible[v];
      const r = rows[i];
      const el = cache.get(r) || render(r, i);
      el.dataset.row = String(i);
      const fold = el.querySelector('.fold');
      if (fold) fold.dataset.row = String(i);
      next.set(r, el);
      out.push(el);
    }
    cache = next;
    els.window.replaceChildren(...out);
  }

  function render(r, i) {
    const el = document.createElement('div');
    if (r.marker) {
      el.className = 'row marker';
      el.dataset.testid = 'gap-marker';
      el.textContent = r.marker;
      return el;
    }
    const l = r.line;
    const p = parsed(r);
    el.className = `row line ${l.level} ${l.stream}`;
    el.dataset.testid = 'log-line';
    el.dataset.seq = String(l.seq);
    el.dataset.level = l.level;
    el.dataset.stream = l.stream;
    if (l.seq === highlight) el.classList.add('highlighted');
    const ln = document.createElement('a');
    ln.className = 'ln';
    ln.href = `#L${l.seq}`;
    ln.textContent = String(l.seq);
    ln.title = 'Link to this line';
    const ts = document.createElement('time');
    ts.dateTime = l.ts;
    ts.title = l.ts;
    ts.textContent = timeMode === 'relative' ? relative(Date.parse(l.ts) - firstMs()) : l.ts.slice(11, 23);
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = l.stream === 'stdout' && l.level === 'info' ? '' : `${l.stream} ${l.level}`;
    el.append(ln, ts, meta);
    if (r.head) {
      el.classList.add('section');
      const s = r.head;
      const fold = document.createElement('button');
      fold.type = 'button';
      fold.className = 'fold';
      fold.dataset.testid = 'section-toggle';
      fold.dataset.row = String(i);
      fold.setAttribute('aria-expanded', String(!s.collapsed));
      fold.setAttribute('aria-label', `${s.collapsed ? 'Expand' : 'Collapse'} section ${s.name}`);
      fold.textContent = s.collapsed ? '▸' : '▾';
      el.append(fold);
    }
    const msg = document.createElement('span');
    msg.className = 'msg';
    renderSpans(document, msg, p.spans);
    if (r.head && !p.text) msg.textContent = r.head.title;
    if (find.term && p.text.toLowerCase().includes(find.term)) {
      el.classList.add('match');
      if (find.seqs[find.index] === l.seq) el.classList.add('current-match');
      mark(msg, find.term);
    }
    el.append(msg);
    if (r.head) {
      const s = r.head;
      const d = document.createElement('span');
      d.className = 'duration';
      d.dataset.testid = 'section-duration';
      if (s.endMs == null) d.textContent = 'running';
      else if (s.endTs != null && s.startTs != null && s.endTs > s.startTs) d.textContent = duration((s.endTs - s.startTs) * 1000);
      else d.textContent = duration(s.endMs - s.startMs);
      el.append(d);
    }
    return el;
  }

  function firstMs() {
    const r = rows.find((x) => x.line);
    return r ? Date.parse(r.line.ts) : 0;
  }

  /** Wraps each occurrence of {@code term} in the text under {@code node} in a mark. */
  function mark(node, term) {
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    const texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode);
    for (const t of texts) {
      const lower = t.data.toLowerCase();
      let at = lower.indexOf(term);
      if (at < 0) continue;
      const frag = document.createDocumentFragment();
      let from = 0;
      while (at >= 0) {
        frag.append(t.data.slice(from, at));
        const m = document.createElement('mark');
        m.textContent = t.data.slice(at, at + term.length);
        frag.append(m);
        from = at + term.length;
        at = lower.indexOf(term, from);
      }
      frag.append(t.data.slice(from));
      t.replaceWith(frag);
    }
  }

  // ------------------------------------------------------------------ earlier lines, permalinks

  /** Pages in up to PAGE lines before the view; short pages of a sparse filter are followed on. */
  async function loadEarlier() {
    if (loading || !hasEarlier()) return false;
    if (rows.length >= MAX_LINES) {
      toast(`The view holds at most ${MAX_LINES.toLocaleString('en')} lines; download the raw log for the rest.`);
      return false;
    }
    loading = true;
    showEarlier();
    const mine = gen;
    try {
      let before = earlier;
      let got = [];
      for (let tries = 0; tries < 16 && got.length === 0 && before > firstAvailable; tries += 1) {
        const page = await api.history(id, { ...toQuery(filter), before, limit: PAGE });
        if (mine !== gen) return false;
        got = page.lines;
        before = page.prev;
        firstAvailable = page.firstAvailable;
      }
      const room = MAX_LINES - rows.length;
      if (got.length > room) {
        got = got.slice(got.length - room);
        before = got[0].seq;
      }
      earlier = before;
      if (got.length) prepend(got);
      return got.length > 0;
    } catch (err) {
      if (mine === gen) toast(err.message, 'error');
      return false;
    } finally {
      if (mine === gen) {
        loading = false;
        showEarlier();
      }
    }
  }

  /** Shows line {@code seq} highlighted, loading earlier pages until the view holds it. */
  async function reveal(seq, { quiet = false } = {}) {
    if (seq == null || !els) return;
    const mine = gen;
    highlight = seq;
    pending = null;
    while (seq < oldestSeq() && hasEarlier() && rows.length < MAX_LINES) {
      if (loading) await new Promise((r) => setTimeout(r, 50));
      else if (!(await loadEarlier())) break;
      if (mine !== gen) return;
    }
    const i = rowOfSeq(seq);
    if (i < 0) {
      if (!quiet) toast(`Line ${seq} is not in this view: retention dropped it, the filter hides it, or it is not written yet.`);
      return;
    }
    const r = rows[i];
    let changed = false;
    for (let s = r.sec; s; s = s.parent) {
      if (s.collapsed) {
        s.collapsed = false;
        s.byHand = true;
        changed = true;
      }
    }
    cache = new Map();
    if (changed) relayout();
    following = false;
    const v = visibleIndex(i);
    els.lines.scrollTop = Math.max(0, v * ROW - els.lines.clientHeight / 2 + ROW / 2);
    paint();
    showJump();
  }

  function onHash() {
    const seq = permalinkSeq(location.hash);
    if (seq != null) reveal(seq);
  }

  // ------------------------------------------------------------------ find

  async function runFind(text) {
    find = { text, term: text.toLowerCase(), seqs: [], count: 0, index: -1, asked: find.asked + 1 };
    const asked = find.asked;
    if (!text) {
      showCount();
      refresh();
      return;
    }
    els.count.textContent = 'searching…';
    try {
      const res = await api.search(id, { ...toQuery(filter, false), q: text });
      if (asked !== find.asked) return;
      find.seqs = res.seqs;
      find.count = res.count;
      find.index = res.seqs.length - 1; // the newest match, nearest where a reader usually is
      showCount();
      if (find.index >= 0) await reveal(find.seqs[find.index], { quiet: true });
      else refresh();
    } catch (err) {
      if (asked === find.asked) els.count.textContent = err.message;
    }
  }

  function step(by) {
    if (!find.seqs.length) return;
    const n = find.seqs.length;
    find.index = (find.index + by + n) % n;
    showCount();
    refresh(); // the match that was current is not any more, wherever the next one is
    reveal(find.seqs[find.index], { quiet: true });
  }

  function showCount() {
    if (!find.text) els.count.textContent = '';
    else if (!find.count) els.count.textContent = 'no matches';
    else els.count.textContent = `${find.count - find.seqs.length + find.index + 1} / ${find.count}`;
  }

  // ------------------------------------------------------------------ download

  async function download() {
    try {
      const blob = await api.raw(id, toQuery(filter));
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `${id}.log`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      toast(err.message, 'error');
    }
  }

  // ------------------------------------------------------------------ frames

  function marker(text) {
    append([{ marker: text, sec: null, head: null, end: null }]);
  }

  return {
    open(deploymentId, search, hash) {
      id = deploymentId;
      filter = filterFromQuery(search);
      pending = permalinkSeq(hash);
      find = { text: '', term: '', seqs: [], count: 0, index: -1, asked: find.asked + 1 };
      build(list.get(id));
      window.addEventListener('hashchange', onHash);
      restart();
    },
    close() {
      if (id) live.unfollow();
      window.removeEventListener('hashchange', onHash);
      id = null;
      gen += 1;
      els = null;
      rows = [];
      visible = [];
      cache = new Map();
      root.replaceChildren();
    },
    isOpen: () => id !== null,
    deploymentChanged(d) {
      if (d.id === id) header(d);
    },
    frame(f) {
      if (!id || (f.deploymentId || f.ref) !== id) return; // an error names it as its ref
      if (f.type === 'subscribed') {
        firstAvailable = f.firstAvailable;
        if (f.reset) {
          marker('The log was reset: its earlier history is gone.');
          earlier = f.firstAvailable; // nothing before it belongs to this log
        } else if (earlier == null) {
          earlier = f.next;
        }
        showEarlier();
        if (pending != null && pending < f.next) reveal(pending);
      } else if (f.type === 'gap') {
        marker(`Lines ${f.from} to ${f.to} were dropped by retention.`);
      } else if (f.type === 'logs') {
        // Where the reader is now, not when the last scroll event came: a scroll up that has not
        // been reported yet must not be undone by following.
        if (following && !isAtBottom() && visible.length) following = false;
        const wasAtBottom = following;
        append(f.lines.map(lineRow));
        if (wasAtBottom) els.lines.scrollTop = els.lines.scrollHeight;
        else {
          missed += f.lines.length;
          showJump();
        }
        schedulePaint();
        if (pending != null && f.lines[f.lines.length - 1].seq >= pending) reveal(pending);
      } else if (f.type === 'error' && f.code === 'forbidden') {
        marker('No such deployment, or it is not yours.');
      } else if (f.type === 'error' && f.code === 'subscription_ended') {
        marker('The deployment was deleted.');
      }
    },
  };
}
