// One log line as a terminal would show it: colours and carriage returns become plain text with
// styled runs, and GitLab-style section markers are recognised so the viewer can fold them.

const MAX_CELLS = 65536;
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/;
const MARKER = /^section_(start|end):(\d+(?:\.\d+)?):([A-Za-z0-9_.-]{1,100})(?![A-Za-z0-9_.-])(?:\[([^\]\r\n]*)\])?/;
// What the parser below drops, for finding a marker in the raw message; \r stays so that
// GitLab's `section_start:…\r\x1b[0KHeader` still begins with the marker.
const ESCAPES = /\x1b(?:\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?|[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?|[\x20-\x2f]*[\x30-\x7e]?)|[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]/g;
const CUBE = [0, 95, 135, 175, 215, 255];
const BOLD = 1;
const DIM = 2;
const ITALIC = 4;
const UNDERLINE = 8;
const INVERSE = 16;
const STRIKE = 32;
const MAX_STYLES = 4096; // kept between lines; past this the table starts afresh
const BLANK = -1;

// Until the cursor first goes back, the line is slices of the message, each of one style id.
let segFrom = new Int32Array(64);
let segTo = new Int32Array(64);
let segStyle = new Int32Array(64);
let segCount = 0;
// After that, cells reused between calls: where in the message each cell's character is (or
// BLANK for an erased one), and its style id.
let cells = new Int32Array(1024);
let styles = new Int32Array(1024);
let pairs = false; // whether some cell holds a surrogate pair
// Style objects by id, shared by all lines so that equal styles are one object; id 0 is the
// default. Palette-only styles are found in a table, others in a map.
let styleDefs = [null];
const paletteIds = new Int32Array(17 * 17 * 64);
const styleIds = new Map();
// The SGR state while parsing; a colour is -1 (default), 0–15 (palette) or 16 + 0xrrggbb.
let fg = -1;
let bg = -1;
let flags = 0;
// One SGR's parameters: their values (-1 empty, -2 unreadable), and whether each follows a colon.
let values = new Int32Array(32);
let colons = new Uint8Array(32);

/** Parses one raw log message into its visible text, styled runs and any section marker. */
export function parseLine(message) {
  const first = message.search(CONTROL);
  if (first === -1) {
    const spans = message ? [{ text: message, style: null }] : [];
    if (message.startsWith('section_')) return withSection(message, message, spans);
    return { text: message, spans, section: null };
  }
  const spans = render(message, first);
  let text = '';
  for (const s of spans) text += s.text;
  if (message.includes('section_')) return withSection(message.replace(ESCAPES, ''), text, spans);
  return { text, spans, section: null };
}

/** The class names and inline CSS for a span's style; palette colours are left to the theme. */
export function styleToCss(style) {
  if (!style) return { className: '', cssText: '' };
  const classes = [];
  const css = [];
  let f = style.fg;
  let b = style.bg;
  if (style.inverse) {
    // A default colour swapped to the other side has no value of its own: the theme names it.
    if (b === undefined) classes.push('ansi-fg-inverse');
    if (f === undefined) classes.push('ansi-bg-inverse');
    [f, b] = [b, f];
  }
  colour(f, 'fg', 'color', classes, css);
  colour(b, 'bg', 'background-color', classes, css);
  if (style.bold) classes.push('ansi-bold');
  if (style.dim) classes.push('ansi-dim');
  if (style.italic) classes.push('ansi-italic');
  if (style.underline) classes.push('ansi-underline');
  if (style.strike) classes.push('ansi-strike');
  return { className: classes.join(' '), cssText: css.join(';') };
}

/** Appends the spans to parent: plain text nodes, and a <span> for each styled run. */
export function renderSpans(doc, parent, spans) {
  for (const s of spans) {
    if (!s.style) {
      parent.appendChild(doc.createTextNode(s.text));
      continue;
    }
    const { className, cssText } = styleToCss(s.style);
    const el = doc.createElement('span');
    if (className) el.className = className;
    if (cssText) el.style.cssText = cssText;
    el.textContent = s.text;
    parent.appendChild(el);
  }
}

function colour(c, side, property, classes, css) {
  if (typeof c === 'number') {
    if (Number.isInteger(c) && c >= 0 && c <= 15) classes.push(`ansi-${side}-${c}`);
  } else if (typeof c === 'string' && /^#[0-9a-fA-F]{6}$/.test(c)) {
    css.push(`${property}:${c}`);
  }
}

// The line drawn on a one-row terminal: writes overwrite cells at the cursor, \r and backspace
// move it, and erases blank cells. Returns the runs of equal style. first is where the first
// control character is: all before it is plain text.
function render(m, first) {
  const n = m.length;
  if (styleDefs.length > MAX_STYLES) {
    styleDefs = [null];
    paletteIds.fill(0);
    styleIds.clear();
  }
  fg = -1;
  bg = -1;
  flags = 0;
  pairs = false;
  segCount = 0;
  let appending = true; // the cursor is at the end and the line is segments, not cells yet
  let units = 0; // what the segments hold
  let cs = cells;
  let ss = styles;
  let style = 0;
  let len = 0;
  let col = 0;
  let blank = 0; // leading cells that already hold default blanks, so erases need not redo them
  let i = 0;
  if (first > 0 && first <= MAX_CELLS) {
    segment(0, first, 0); // already known to be printable
    units = i = first;
  }
  while (i < n) {
    const at = i;
    let c = m.charCodeAt(i);
    if (c >= 0x20 ? c !== 0x7f : c === 0x09 || c === 0x0a) {
      // A run of printable characters, written in one go.
      while (++i < n) {
        c = m.charCodeAt(i);
        if (c >= 0x20 ? c === 0x7f : c !== 0x09 && c !== 0x0a) break;
      }
      if (appending) {
        if (units + i - at <= MAX_CELLS) {
          const last = segCount - 1;
          if (last >= 0 && segTo[last] === at && segStyle[last] === style) segTo[last] = i;
          else segment(at, i, style);
          units += i - at;
          continue;
        }
        col = len = toCells(m);
        cs = cells;
        ss = styles;
        appending = false;
      }
      if (col >= MAX_CELLS) continue;
      if (col > len) {
        // Writing past an erased end: the gap shows as blanks.
        const from = Math.max(len, blank);
        if (from < col) {
          cs.fill(BLANK, from, col);
          ss.fill(0, from, col);
        }
        if (blank >= len) blank = Math.max(blank, col);
      }
      if (col < blank) blank = col;
      for (let p = at; p < i && col < MAX_CELLS; p++) {
        cs[col] = p;
        ss[col++] = style;
        if (pairAt(m, p, i)) {
          p++; // a pair is one cell
          pairs = true;
        }
      }
      if (col > len) len = col;
      continue;
    }
    i++;
    if (c === 0x0d || c === 0x08) {
      if (appending) {
        col = len = toCells(m);
        cs = cells;
        ss = styles;
        appending = false;
      }
      if (c === 0x0d) col = 0;
      else if (col > 0) col--;
    } else if (c === 0x1b) {
      if (i >= n) break;
      const e = m.charCodeAt(i);
      if (e === 0x5b) {
        // CSI: parameters, intermediates, one final byte.
        let j = i + 1;
        while (j < n && (m.charCodeAt(j) & 0xf0) === 0x30) j++;
        const paramsEnd = j;
        while (j < n && (m.charCodeAt(j) & 0xf0) === 0x20) j++;
        if (j >= n) break;
        const f = m.charCodeAt(j);
        if (f < 0x40 || f > 0x7e) {
          i = j; // broken off by something else: drop what was read, go on from there
          continue;
        }
        const start = i + 1;
        i = j + 1;
        if (paramsEnd !== j) continue;
        const lead = start < paramsEnd ? m.charCodeAt(start) : 0;
        if (lead >= 0x3c && lead <= 0x3f) continue; // private, e.g. ESC[?25l
        if (f === 0x6d) {
          sgr(m, start, paramsEnd);
          style = styleId();
        } else if (f === 0x4b) {
          const p = start === paramsEnd ? 0 : Number(m.slice(start, paramsEnd));
          if (p !== 1 && p !== 2) {
            if (p === 0 && col < len) len = col; // while appending the cursor is at the end already
            continue;
          }
          if (appending) {
            col = len = toCells(m);
            cs = cells;
            ss = styles;
            appending = false;
          }
          if (p === 2) {
            len = 0;
          } else {
            const end = Math.min(col + 1, len);
            if (end > blank) {
              cs.fill(BLANK, blank, end);
              ss.fill(0, blank, end);
              blank = end;
            }
          }
        }
      } else if (e === 0x5d || e === 0x50 || e === 0x58 || e === 0x5e || e === 0x5f) {
        // OSC, DCS, SOS, PM, APC: a string up to BEL or ST. An OSC 8 link's text lies outside.
        let j = i + 1;
        while (j < n) {
          const b = m.charCodeAt(j);
          if (b === 0x07 || b === 0x1b) break;
          j++;
        }
        if (j >= n) break;
        if (m.charCodeAt(j) === 0x07) i = j + 1;
        else i = m.charCodeAt(j + 1) === 0x5c ? j + 2 : j; // another ESC ends it and starts anew
      } else if (e >= 0x20 && e <= 0x2f) {
        // ESC, intermediates, final: e.g. ESC(B.
        let j = i + 1;
        while (j < n && (m.charCodeAt(j) & 0xf0) === 0x20) j++;
        if (j >= n) break;
        const f = m.charCodeAt(j);
        i = f >= 0x30 && f <= 0x7e ? j + 1 : j;
      } else if (e >= 0x30 && e <= 0x7e) {
        i++; // two characters, e.g. ESC= or ESC7
      }
      // A lone ESC before anything else is dropped by itself.
    }
    // Any other control character has no effect.
  }
  const spans = [];
  if (appending) {
    // Neighbouring segments of one style, split only by escapes, make one run.
    for (let q = 0; q < segCount;) {
      const s = segStyle[q];
      let text = m.slice(segFrom[q], segTo[q]);
      while (++q < segCount && segStyle[q] === s) text += m.slice(segFrom[q], segTo[q]);
      spans.push({ text, style: styleDefs[s] });
    }
    return spans;
  }
  // Runs of one style, each put together from slices of the message and blanks.
  let k = 0;
  while (k < len) {
    const s = ss[k];
    let text = '';
    do {
      const from = cs[k];
      if (from === BLANK) {
        const start = k;
        do {
          k++;
        } while (k < len && cs[k] === BLANK && ss[k] === s);
        text += ' '.repeat(k - start);
      } else {
        let to = from + (pairs ? width(m, from) : 1);
        while (++k < len && cs[k] === to && ss[k] === s) to += pairs ? width(m, to) : 1;
        text += m.slice(from, to);
      }
    } while (k < len && ss[k] === s);
    spans.push({ text, style: styleDefs[s] });
  }
  return spans;
}

function segment(from, to, style) {
  if (segCount === segFrom.length) {
    segFrom = grow(segFrom);
    segTo = grow(segTo);
    segStyle = grow(segStyle);
  }
  segFrom[segCount] = from;
  segTo[segCount] = to;
  segStyle[segCount++] = style;
}

function grow(a) {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

// Writes the segments into cells, for when the cursor is about to go back; returns how many.
function toCells(m) {
  const size = Math.min(m.length, MAX_CELLS);
  if (cells.length < size) {
    cells = new Int32Array(size);
    styles = new Int32Array(size);
  }
  let col = 0;
  for (let q = 0; q < segCount; q++) {
    const style = segStyle[q];
    const to = segTo[q];
    for (let p = segFrom[q]; p < to && col < MAX_CELLS; p++) {
      cells[col] = p;
      styles[col++] = style;
      if (pairAt(m, p, to)) {
        p++;
        pairs = true;
      }
    }
  }
  segCount = 0;
  return col;
}

function pairAt(m, p, end) {
  return (m.charCodeAt(p) & 0xfc00) === 0xd800 && p + 1 < end && (m.charCodeAt(p + 1) & 0xfc00) === 0xdc00;
}

function width(m, i) {
  const c = m.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff) return 1;
  const d = m.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
}

// Applies the SGR parameters m[start, end) to the state; what it cannot read it skips.
function sgr(m, start, end) {
  if (start === end) {
    fg = -1;
    bg = -1;
    flags = 0;
    return;
  }
  let count = 0;
  let v = -1;
  let colon = 0;
  for (let k = start; k <= end; k++) {
    const c = k < end ? m.charCodeAt(k) : 0x3b;
    if (c >= 0x30 && c <= 0x39) {
      if (v === -1) v = c - 0x30;
      else if (v >= 0) v = v < 1e8 ? v * 10 + c - 0x30 : -2;
    } else if (c === 0x3b || c === 0x3a) {
      if (count === values.length) {
        const grown = new Int32Array(count * 2);
        grown.set(values);
        values = grown;
        const grownColons = new Uint8Array(count * 2);
        grownColons.set(colons);
        colons = grownColons;
      }
      values[count] = v;
      colons[count++] = colon;
      colon = c === 0x3a ? 1 : 0;
      v = -1;
    } else {
      v = -2;
    }
  }
  for (let k = 0; k < count;) {
    let g = k + 1;
    while (g < count && colons[g]) g++;
    if (g - k > 1) {
      subParams(k, g);
      k = g;
      continue;
    }
    const p = values[k] === -1 ? 0 : values[k];
    if (p === 38 || p === 48 || p === 58) {
      // Extended colour: 5;n or 2;r;g;b follow as their own parameters.
      const mode = k + 1 < count ? values[k + 1] : -1;
      let c;
      if (mode === 5) {
        c = indexed(k + 2 < count ? values[k + 2] : -1);
        k += 3;
      } else if (mode === 2) {
        c = k + 4 < count ? rgb(values[k + 2], values[k + 3], values[k + 4]) : -2;
        k += 5;
      } else {
        return; // how many parameters belong to it is unknown
      }
      if (c === -2 || p === 58) continue; // malformed, or the underline colour, not shown
      if (p === 38) fg = c;
      else bg = c;
    } else {
      plain(p);
      k++;
    }
  }
}

// One colon-separated parameter, values[k, g): 38:5:n, 38:2::r:g:b, 38:2:r:g:b, or 4:n for an
// underline style.
function subParams(k, g) {
  const p = values[k];
  const n = g - k;
  if (p === 4) {
    const kind = values[k + 1] === -1 ? 0 : values[k + 1];
    if (kind === 0) flags &= ~UNDERLINE;
    else if (kind > 0 && kind <= 5) flags |= UNDERLINE;
    return;
  }
  if (p !== 38 && p !== 48) return;
  const mode = values[k + 1];
  let c = -2;
  if (mode === 5 && n === 3) c = indexed(values[k + 2]);
  else if (mode === 2 && n >= 6) c = rgb(values[k + 3], values[k + 4], values[k + 5]);
  else if (mode === 2 && n === 5) c = rgb(values[k + 2], values[k + 3], values[k + 4]);
  if (c === -2) return;
  if (p === 38) fg = c;
  else bg = c;
}

function plain(v) {
  if (v === 0) {
    fg = -1;
    bg = -1;
    flags = 0;
  } else if (v === 1) flags |= BOLD;
  else if (v === 2) flags |= DIM;
  else if (v === 3) flags |= ITALIC;
  else if (v === 4) flags |= UNDERLINE;
  else if (v === 7) flags |= INVERSE;
  else if (v === 9) flags |= STRIKE;
  else if (v === 22) flags &= ~(BOLD | DIM);
  else if (v === 23) flags &= ~ITALIC;
  else if (v === 24) flags &= ~UNDERLINE;
  else if (v === 27) flags &= ~INVERSE;
  else if (v === 29) flags &= ~STRIKE;
  else if (v >= 30 && v <= 37) fg = v - 30;
  else if (v === 39) fg = -1;
  else if (v >= 40 && v <= 47) bg = v - 40;
  else if (v === 49) bg = -1;
  else if (v >= 90 && v <= 97) fg = v - 82;
  else if (v >= 100 && v <= 107) bg = v - 92;
}

// One of the 256 colours: the 16 of the palette by number, the rest as xterm draws them.
function indexed(n) {
  if (n < 0 || n > 255) return -2;
  if (n < 16) return n;
  if (n >= 232) {
    const g = 8 + 10 * (n - 232);
    return 16 + ((g << 16) | (g << 8) | g);
  }
  const i = n - 16;
  return 16 + ((CUBE[Math.floor(i / 36)] << 16) | (CUBE[Math.floor(i / 6) % 6] << 8) | CUBE[i % 6]);
}

function rgb(r, g, b) {
  if (r < 0 || r > 255 || g < 0 || g > 255 || b < 0 || b > 255) return -2;
  return 16 + ((r << 16) | (g << 8) | b);
}

// The id of the current state, the same for equal styles so that runs of them merge.
function styleId() {
  if (fg === -1 && bg === -1 && flags === 0) return 0;
  if (fg < 16 && bg < 16) {
    const slot = ((fg + 1) * 17 + bg + 1) * 64 + flags;
    let id = paletteIds[slot];
    if (!id) {
      id = paletteIds[slot] = styleDefs.length;
      styleDefs.push(styleObject());
    }
    return id;
  }
  // A number while one side is from the palette, which is most of the time.
  let key;
  if (bg < 16) key = (fg * 17 + bg + 1) * 64 + flags;
  else if (fg < 16) key = -((bg * 17 + fg + 1) * 64 + flags);
  else key = `${fg},${bg},${flags}`;
  let id = styleIds.get(key);
  if (id === undefined) {
    id = styleDefs.length;
    styleIds.set(key, id);
    styleDefs.push(styleObject());
  }
  return id;
}

function styleObject() {
  const s = {};
  if (fg !== -1) s.fg = fg < 16 ? fg : hex(fg - 16);
  if (bg !== -1) s.bg = bg < 16 ? bg : hex(bg - 16);
  if (flags & BOLD) s.bold = true;
  if (flags & DIM) s.dim = true;
  if (flags & ITALIC) s.italic = true;
  if (flags & UNDERLINE) s.underline = true;
  if (flags & INVERSE) s.inverse = true;
  if (flags & STRIKE) s.strike = true;
  return Object.freeze(s); // shared by every line that uses it
}

function hex(v) {
  return `#${v.toString(16).padStart(6, '0')}`;
}

// A section marker at the start of the raw (escapes removed) or the visible text. GitLab erases
// its marker with \r ESC[0K and prints the header over it; a marker still visible is cut off.
function withSection(raw, text, spans) {
  const m = MARKER.exec(raw) || (raw === text ? null : MARKER.exec(text));
  if (!m) return { text, spans, section: null };
  const start = m[1] === 'start';
  let collapsed;
  if (start && m[4] !== undefined) {
    for (const opt of m[4].split(',')) {
      const [k, v] = opt.split('=').map((x) => x.trim());
      if (k === 'collapsed') collapsed = v === 'true' ? true : v === 'false' ? false : undefined;
    }
  }
  let header;
  if (text.startsWith(m[0])) {
    const cut = m[0].length + (text.charCodeAt(m[0].length) === 0x20 ? 1 : 0);
    text = text.slice(cut);
    spans = dropPrefix(spans, cut);
    header = text;
  } else {
    header = text.trim() ? text : '';
  }
  if (!start) header = '';
  else if (!header) header = m[3];
  return {
    text,
    spans,
    section: { kind: m[1], ts: Number(m[2]), name: m[3], collapsed, header },
  };
}

function dropPrefix(spans, count) {
  const out = [];
  let left = count;
  for (const s of spans) {
    if (left >= s.text.length) {
      left -= s.text.length;
      continue;
    }
    out.push(left ? { text: s.text.slice(left), style: s.style } : s);
    left = 0;
  }
  return out;
}
