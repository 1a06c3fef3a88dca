// pytest-llmcode HTML report: filters, search, the item list and each item's detail.
// Text from the data (replies, code, test output, names) only ever reaches the page as
// text nodes (textContent): it is never parsed as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("llmcode-data").textContent);
  var items = data.items;
  var PAGE = 50;
  var OUTCOMES = ["passed", "failed", "error", "skipped", "not run"];
  var state = { model: "", kase: "", tag: "", language: "", outcome: "", q: "", flips: false,
                page: 0, sort: null, desc: false };
  var shown = [];  // indices of the items the filters let through, in list order
  var byAnchor = {};
  var lowered = {};
  items.forEach(function (it, i) {
    byAnchor[it.anchor] = i;
    if (it.code_at) it.code = it.reply.slice(it.code_at[0], it.code_at[1]);
  });

  // -- small DOM helpers ------------------------------------------------------------------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]);
    return parent;
  }
  function link(anchor, cls, text) {
    var a = el("a", cls, text);
    a.setAttribute("href", "#" + anchor);
    return a;
  }
  function fmt(v, digits) { return v === undefined || v === null ? "–" : Number(v).toFixed(digits); }
  function usd(v) {
    if (v === undefined || v === null) return "unknown";
    if (v === 0) return "$0";
    return "$" + Number(v).toPrecision(3);
  }
  function secs(v) { return v === undefined || v === null ? "–" : Number(v).toFixed(2) + " s"; }
  function slug(outcome) { return "o-" + String(outcome).replace(" ", "-"); }
  function caseOf(it) { return data.cases[it.c]; }
  function modelOf(it) { return data.models[it.m]; }
  function searchable(i) {
    if (!(i in lowered)) {
      var it = items[i];
      lowered[i] = (it.code || it.reply || "").toLowerCase();
    }
    return lowered[i];
  }

  // -- filters ----------------------------------------------------------------------------
  function select(label, key, values, names) {
    var wrap = el("label", null, label);
    var s = el("select");
    add(s, el("option", null, "all"));
    s.options[0].value = "";
    values.forEach(function (v, i) {
      var o = el("option", null, names ? names[i] : v);
      o.value = String(v);
      s.appendChild(o);
    });
    s.setAttribute("data-filter", key);
    s.addEventListener("change", function () { state[key] = s.value; state.page = 0; apply(); });
    return add(wrap, s);
  }
  function unique(list) {
    var seen = {}, out = [];
    list.forEach(function (v) { if (v && !seen[v]) { seen[v] = 1; out.push(v); } });
    return out.sort();
  }
  var countLabel = el("span", "count");
  function buildFilters() {
    var box = document.getElementById("filters");
    var tags = unique([].concat.apply([], data.cases.map(function (c) { return c.tags || []; })));
    var langs = unique(data.cases.map(function (c) { return c.language; }));
    var present = OUTCOMES.filter(function (o) {
      return items.some(function (it) { return it.outcome === o; });
    });
    add(box,
      select("model", "model", data.models.map(function (_, i) { return i; }), data.models),
      select("case", "kase", data.cases.map(function (_, i) { return i; }),
             data.cases.map(function (c) { return c.name; })),
      tags.length ? select("tag", "tag", tags) : null,
      langs.length ? select("language", "language", langs) : null,
      select("outcome", "outcome", present));
    var search = el("label", null, "search code");
    var input = el("input");
    input.type = "search";
    input.placeholder = "e.g. heapq, any, TODO";
    input.id = "search";
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { state.q = input.value.trim().toLowerCase(); state.page = 0; apply(); }, 120);
    });
    add(box, add(search, input));
    if (data.baseline) {
      var flips = el("label", null, "baseline");
      var cb = el("input");
      cb.type = "checkbox";
      cb.id = "flips-only";
      cb.addEventListener("change", function () { state.flips = cb.checked; state.page = 0; apply(); });
      add(box, add(flips, add(el("span", null, " "), cb, document.createTextNode(" flips only"))));
    }
    var reset = el("button", null, "reset");
    reset.type = "button";
    reset.addEventListener("click", function () {
      box.querySelectorAll("select").forEach(function (s) { s.value = ""; });
      input.value = "";
      var cb = document.getElementById("flips-only");
      if (cb) cb.checked = false;
      state.model = state.kase = state.tag = state.language = state.outcome = state.q = "";
      state.flips = false;
      state.page = 0;
      apply();
    });
    add(box, reset, countLabel);
    box.hidden = false;
  }

  function caseMatches(ci) {
    var c = data.cases[ci];
    if (state.kase !== "" && String(ci) !== state.kase) return false;
    if (state.tag && (c.tags || []).indexOf(state.tag) < 0) return false;
    if (state.language && c.language !== state.language) return false;
    return true;
  }
  function itemMatches(i) {
    var it = items[i];
    if (state.model !== "" && String(it.m) !== state.model) return false;
    if (!caseMatches(it.c)) return false;
    if (state.outcome && it.outcome !== state.outcome) return false;
    if (state.flips && !it.flip) return false;
    if (state.q && searchable(i).indexOf(state.q) < 0) return false;
    return true;
  }

  var cells = Array.prototype.slice.call(document.querySelectorAll("table.matrix a.cell"));
  var caseRows = Array.prototype.slice.call(document.querySelectorAll("table.matrix tbody tr"));

  function apply() {
    shown = [];
    for (var i = 0; i < items.length; i++) if (itemMatches(i)) shown.push(i);
    var keep = {};
    shown.forEach(function (i) { keep[i] = 1; });
    cells.forEach(function (a) { a.classList.toggle("dim", !keep[a.getAttribute("data-i")]); });
    caseRows.forEach(function (tr) { tr.hidden = !caseMatches(Number(tr.getAttribute("data-c"))); });
    data.models.forEach(function (_, mi) {
      var hide = state.model !== "" && String(mi) !== state.model;
      document.querySelectorAll("table.matrix .m" + mi).forEach(function (n) { n.hidden = hide; });
    });
    if (state.sort) sortShown();
    countLabel.textContent = shown.length + " of " + items.length + " items";
    renderList();
  }

  // -- the item list ----------------------------------------------------------------------
  var COLUMNS = [
    ["case", function (it) { return caseOf(it).name; }],
    ["model", function (it) { return modelOf(it); }],
    ["sample", function (it) { return it.sample; }],
    ["outcome", function (it) { return OUTCOMES.indexOf(it.outcome); }],
    ["score", function (it) { return it.score === undefined ? -1 : it.score; }],
    ["tests", function (it) { return testsPassed(it)[0]; }],
    ["cost", function (it) { return answerCost(it) === undefined ? -1 : answerCost(it); }],
    ["latency", function (it) { var l = latency(it); return l === undefined ? -1 : l; }],
    ["tokens out", function (it) { return it.completion_tokens || it.recorded_completion_tokens || 0; }],
    ["what happened", null]
  ];
  function testsPassed(it) {
    var t = it.tests || [];
    return [t.filter(function (x) { return x.outcome === "passed"; }).length, t.length];
  }
  function answerCost(it) { return it.replayed ? it.recorded_cost_usd : it.cost_usd; }
  function latency(it) { return it.replayed ? it.recorded_latency_s : it.latency_s; }
  function sortShown() {
    var key = COLUMNS[state.sort][1];
    shown.sort(function (a, b) {
      var x = key(items[a]), y = key(items[b]);
      var r = x < y ? -1 : x > y ? 1 : a - b;
      return state.desc ? -r : r;
    });
  }
  function renderList() {
    var table = document.getElementById("item-table");
    table.textContent = "";
    var head = el("tr");
    COLUMNS.forEach(function (col, ci) {
      var th = el("th", null, col[0] + (state.sort === ci ? (state.desc ? " ▾" : " ▴") : ""));
      if (col[1]) {
        th.style.cursor = "pointer";
        th.addEventListener("click", function () {
          state.desc = state.sort === ci ? !state.desc : false;
          state.sort = ci;
          apply();
        });
      }
      head.appendChild(th);
    });
    add(table, add(el("thead"), head));
    var body = el("tbody");
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    state.page = Math.min(state.page, pages - 1);
    shown.slice(state.page * PAGE, (state.page + 1) * PAGE).forEach(function (i) {
      var it = items[i];
      var tr = el("tr");
      tr.setAttribute("data-i", i);
      var tp = testsPassed(it);
      add(tr,
        el("td", null, caseOf(it).name),
        el("td", null, modelOf(it)),
        el("td", "num", it.sample),
        add(el("td"), el("span", "badge " + slug(it.outcome), it.outcome),
            it.flip ? el("span", "badge flip", it.flip) : null),
        el("td", "num", fmt(it.score, 1)),
        el("td", "num", tp[1] ? tp[0] + "/" + tp[1] : "–"),
        el("td", "num", usd(answerCost(it))),
        el("td", "num", secs(latency(it))),
        el("td", "num", it.completion_tokens || it.recorded_completion_tokens || 0),
        add(el("td", "msg"), el("div", null, it.failure || "")));
      tr.addEventListener("click", function () { location.hash = it.anchor; });
      body.appendChild(tr);
    });
    table.appendChild(body);
    var pager = document.getElementById("pager");
    pager.textContent = "";
    var prev = el("button", null, "‹ previous"), next = el("button", null, "next ›");
    prev.type = next.type = "button";
    prev.disabled = state.page === 0;
    next.disabled = state.page >= pages - 1;
    prev.addEventListener("click", function () { state.page--; renderList(); });
    next.addEventListener("click", function () { state.page++; renderList(); });
    var from = shown.length ? state.page * PAGE + 1 : 0;
    add(pager, prev, el("span", null, from + "–" + Math.min(shown.length, (state.page + 1) * PAGE) +
        " of " + shown.length), next);
    document.getElementById("items-count").textContent =
      "Click an item (or a matrix cell) to see its prompt, reply, code and hidden tests.";
  }

  // -- one item in full -------------------------------------------------------------------
  var drawer = document.getElementById("drawer");
  var current = null;

  function fact(dl, name, value) {
    if (value === undefined || value === null || value === "") return;
    add(dl, add(el("div"), el("dt", null, name), el("dd", null, value)));
  }
  function scoreLine(box, name, value, why) {
    add(box, el("span", null, name));
    var track = el("div", "track"), fill = el("div", "fill");
    fill.style.width = value === undefined || value === null ? "0" : (10 * value) + "%";
    add(box, add(track, fill), el("span", "val", fmt(value, 1)));
    if (why) add(box, el("span", "why", why));
  }
  function highlighted(text) {
    var frag = document.createDocumentFragment();
    if (!state.q) { frag.appendChild(document.createTextNode(text)); return frag; }
    var low = text.toLowerCase(), at = 0, hit;
    while ((hit = low.indexOf(state.q, at)) >= 0) {
      frag.appendChild(document.createTextNode(text.slice(at, hit)));
      frag.appendChild(el("mark", null, text.slice(hit, hit + state.q.length)));
      at = hit + state.q.length;
    }
    frag.appendChild(document.createTextNode(text.slice(at)));
    return frag;
  }
  function codeBlock(code) {
    var pre = el("pre", "code");
    code.replace(/\n$/, "").split("\n").forEach(function (line) {
      pre.appendChild(add(el("span", "ln"), highlighted(line)));
    });
    return pre;
  }

  function open(i) {
    var it = items[i], c = caseOf(it), run = data.runs[it.run] || {};
    current = i;
    drawer.textContent = "";
    var nav = el("div", "drawer-nav");
    var order = shown.indexOf(i) >= 0 ? shown : items.map(function (_, j) { return j; });
    var pos = order.indexOf(i);
    var prev = el("button", null, "‹ previous"), next = el("button", null, "next ›");
    var close = el("button", null, "close ✕");
    prev.type = next.type = close.type = "button";
    prev.disabled = pos <= 0;
    next.disabled = pos >= order.length - 1;
    prev.addEventListener("click", function () { location.hash = items[order[pos - 1]].anchor; });
    next.addEventListener("click", function () { location.hash = items[order[pos + 1]].anchor; });
    close.addEventListener("click", hide);
    add(drawer, add(nav, add(el("span"), prev, document.createTextNode(" "), next),
                   el("span", "muted", (pos + 1) + " of " + order.length), close));

    add(drawer, el("div", "title", c.name + "[" + modelOf(it) + "]"));
    var badges = add(el("div"), el("span", "badge " + slug(it.outcome), it.outcome),
      document.createTextNode(" "),
      el("span", "badge " + (it.replayed ? "replayed" : "live"), it.replayed ? "replayed" : "live"));
    if (it.flip) {
      add(badges, document.createTextNode(" "), el("span", "badge flip",
        it.flip === "regression" ? "flip: passed in the baseline, failed now"
                                 : "fix: failed in the baseline, passed now"));
    }
    add(badges, el("span", "muted", "  sample " + it.sample + (it.score !== undefined ?
      " · score " + fmt(it.score, 1) + " / 10" : "")));
    add(drawer, badges);
    var siblings = [];
    items.forEach(function (o, j) { if (o.c === it.c && o.m === it.m) siblings.push(j); });
    if (siblings.length > 1) {
      var chips = el("div", "samples");
      siblings.forEach(function (j) {
        var a = link(items[j].anchor, "cell " + slug(items[j].outcome) + (j === i ? " cur" : ""),
                     "s" + items[j].sample + (items[j].score !== undefined ? " " + fmt(items[j].score, 1) : ""));
        chips.appendChild(a);
      });
      add(drawer, el("h3", null, "All " + siblings.length + " samples"), chips);
    }
    if (it.failure) add(drawer, el("div", "message", it.failure));

    var dl = el("dl", "facts");
    fact(dl, "language", c.language);
    fact(dl, "tags", (c.tags || []).join(", "));
    if (it.replayed) {
      fact(dl, "answer", "replayed from a cassette" + (it.recorded_at ? ", recorded " + it.recorded_at : ""));
      fact(dl, "tokens when recorded", (it.recorded_prompt_tokens || 0) + " in · " + (it.recorded_completion_tokens || 0) + " out");
      fact(dl, "cost", "$0 this run · " + usd(it.recorded_cost_usd) + " when recorded");
      fact(dl, "latency when recorded", secs(it.recorded_latency_s));
    } else {
      fact(dl, "answer", it.attempts ? "live" : "no request (" + (it.served_model || "none") + ")");
      fact(dl, "tokens", (it.prompt_tokens || 0) + " in · " + (it.completion_tokens || 0) + " out");
      fact(dl, "cost", usd(it.cost_usd));
      fact(dl, "latency", secs(it.latency_s));
    }
    fact(dl, "attempts", String(it.attempts || 0) + (it.unanswered_attempts ? " (" + it.unanswered_attempts + " never answered)" : ""));
    if (it.waited_s) fact(dl, "waited", secs(it.waited_s));
    fact(dl, "endpoint", run.endpoint);
    fact(dl, "answered by", it.answered_by && it.answered_by !== modelOf(it) ? it.answered_by + " (fallback)" : it.answered_by);
    fact(dl, "served model", it.served_model);
    fact(dl, "seed", it.seed);
    fact(dl, "grading", it.grading_s !== undefined ? secs(it.grading_s) + (it.isolation ? " · isolation " + it.isolation : "") + (it.engine ? " · engine " + it.engine : "") : null);
    if (data.runs.length > 1) fact(dl, "from", run.source);
    add(drawer, el("h3", null, "Facts"), dl);

    if (it.score !== undefined || it.correctness !== undefined) {
      var box = el("div", "scores");
      scoreLine(box, "correctness", it.correctness, it.core_total ? it.core_passed + " of " + it.core_total + " core tests passed" : null);
      scoreLine(box, "edge cases", it.edge_cases, it.edge_total ? it.edge_passed + " of " + it.edge_total + " edge tests passed" : "no edge tests");
      scoreLine(box, "code quality", it.code_quality, it.quality_findings !== undefined ? it.quality_findings + " finding(s)" + (it.quality_source ? " · " + it.quality_source : "") : it.quality_source);
      scoreLine(box, "documentation", it.documentation, null);
      add(drawer, el("h3", null, "Score " + fmt(it.score, 1)), box);
      if (it.quality_notes) add(drawer, el("div", "message", it.quality_notes));
      if (it.score_note) add(drawer, el("p", "muted", it.score_note));
      if (it.judge_error) add(drawer, el("p", "muted", "judge: " + it.judge_error));
    }

    if (it.tests && it.tests.length) {
      var tp = testsPassed(it);
      var ul = el("ul", "tests");
      var failedFirst = it.tests.filter(function (t) { return t.outcome !== "passed"; })
        .concat(it.tests.filter(function (t) { return t.outcome === "passed"; }));
      failedFirst.forEach(function (t) {
        var ok = t.outcome === "passed";
        var li = add(el("li"), el("span", ok ? "ok" : "bad", ok ? "✓ " : "✗ "), el("span", "id", t.id));
        if (!ok) add(li, el("span", "muted", " " + t.outcome));
        if (!ok && t.message) add(li, el("pre", "test-output", t.message));
        ul.appendChild(li);
      });
      add(drawer, el("h3", null, "Hidden tests: " + tp[0] + " of " + tp[1] + " passed"), ul);
    }
    if (it.grading_output) add(drawer, el("h3", null, "Grading output" + (it.grading_stage ? " (" + it.grading_stage + ")" : "")), el("pre", null, it.grading_output));
    if (it.code) {
      add(drawer, el("h3", null, "Extracted code (" + it.code.replace(/\n$/, "").split("\n").length + " lines)"), codeBlock(it.code));
    }
    if (it.reply !== undefined) add(drawer, el("h3", null, "Reply"), el("pre", "reply", it.reply));
    var prompt = data.prompts[it.prompt];
    add(drawer, el("h3", null, "Prompt as sent"));
    if (prompt) {
      prompt.forEach(function (m) { add(drawer, el("div", "role", m.role), el("pre", "prompt", m.content)); });
    } else {
      add(drawer, el("p", "muted", it.attempts || it.replayed ? "not recorded in this report" : "no request was sent for this item"));
    }
    drawer.hidden = false;
    drawer.scrollTop = 0;
    cells.forEach(function (a) { a.classList.toggle("current", Number(a.getAttribute("data-i")) === i); });
  }
  function hide() {
    drawer.hidden = true;
    current = null;
    cells.forEach(function (a) { a.classList.remove("current"); });
    try {
      history.replaceState(null, "", location.pathname + location.search);
    } catch (e) {
      location.hash = "";
    }
  }
  function route() {
    var raw = location.hash.slice(1), anchor = raw;
    try { anchor = decodeURIComponent(raw); } catch (e) { /* not an item's link */ }
    var i = byAnchor[raw] !== undefined ? byAnchor[raw] : byAnchor[anchor];
    if (i !== undefined) open(i); else if (current !== null) { drawer.hidden = true; current = null; }
  }
  document.addEventListener("keydown", function (e) {
    if (drawer.hidden || e.target.tagName === "INPUT" || e.target.tagName === "SELECT") return;
    if (e.key === "Escape") hide();
    var order = shown.indexOf(current) >= 0 ? shown : null;
    if (!order) return;
    var pos = order.indexOf(current);
    if ((e.key === "ArrowRight" || e.key === "j") && pos < order.length - 1) location.hash = items[order[pos + 1]].anchor;
    if ((e.key === "ArrowLeft" || e.key === "k") && pos > 0) location.hash = items[order[pos - 1]].anchor;
  });
  window.addEventListener("hashchange", route);

  // -- the value chart's measure ----------------------------------------------------------
  var charts = document.querySelectorAll("#value .chart");
  document.querySelectorAll("#value input[name=metric]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      charts.forEach(function (c) {
        c.hidden = c.firstElementChild.getAttribute("data-metric") !== radio.value;
      });
    });
  });

  buildFilters();
  apply();
  route();
  document.body.setAttribute("data-ready", "1");
})();
