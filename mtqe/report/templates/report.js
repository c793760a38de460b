/* mtqe report: sorting, filtering, search and paging of the segment tables.
   Reads the data block; writes document text only through textContent.
   Fast at 100,000 links and more: scores are typed columns, each sort order is computed once (numbers
   packed with their row into one float, so a plain numeric sort does it) and reused in both directions,
   a filter is one pass over that order, and search waits for a pause in typing. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("mtqe-data").textContent);
  // Python's str.split() white space, so word counts match the server's word differences.
  var SPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
  var KIND_NAMES = data.kinds;
  var CRITICAL_WORDS = data.criticalWords;

  function words(text) {
    return text.split(SPACE).filter(function (w) { return w.length > 0; });
  }

  function band(metric, value) {
    var up = data.higher[data.metrics[metric]];
    var limits = data.bands[data.metrics[metric]];
    value = parseFloat(value.toFixed(1)); // the value as shown, so a cell's colour agrees with its number
    for (var k = 0; k < limits.length; k++) {
      if (up ? value >= limits[k] : value <= limits[k]) { return 4 - k; }
    }
    return 0;
  }

  function decode(sys, i) {
    var ref = [], hyp = [];
    sys.ops[i].split(" ").forEach(function (op) {
      if (!op) { return; }
      var push = function (list, mark, count) { for (var c = 0; c < count; c++) { list.push(mark); } };
      if (op[0] === "~") {
        var parts = op.slice(1).split(":");
        push(ref, "sub", +parts[0]);
        push(hyp, "sub", +parts[1]);
      } else if (op[0] === "=") {
        push(ref, "eq", +op.slice(1));
        push(hyp, "eq", +op.slice(1));
      } else if (op[0] === "-") {
        push(ref, "del", +op.slice(1));
      } else {
        push(hyp, "ins", +op.slice(1));
      }
    });
    if (sys.moved[i]) {
      var sides = sys.moved[i].split(";");
      sides[0].split(" ").forEach(function (p) { ref[+p] = "mov"; });
      sides[1].split(" ").forEach(function (p) { hyp[+p] = "mov"; });
    }
    return [ref, hyp];
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // Bidi controls would reorder what the reader sees; show each as a marker, as the server does.
  var BIDI = /[\u202a-\u202e\u2066-\u2069]/;
  function appendText(node, text) {
    var parts = text.split(/([\u202a-\u202e\u2066-\u2069])/);
    parts.forEach(function (part) {
      if (!part) { return; }
      if (BIDI.test(part)) {
        var marker = el("span", "ctl", "\u27e8U+" + part.charCodeAt(0).toString(16).toUpperCase() + "\u27e9");
        marker.title = "bidi control";
        node.appendChild(marker);
      } else {
        node.appendChild(document.createTextNode(part));
      }
    });
    return node;
  }

  function textCell(text, missing) {
    var td = el("td", "text");
    if (!text) {
      td.appendChild(el("span", "missing", missing));
      return td;
    }
    td.appendChild(appendText(el("bdi", "plain"), text));
    return td;
  }

  // A text with its word differences marked, built only when a row's differences are first shown.
  function markedText(text, marks) {
    var marked = el("bdi", "marked");
    words(text).forEach(function (word, k) {
      if (k > 0) { marked.appendChild(document.createTextNode(" ")); }
      if (marks[k] === "eq" || marks[k] === undefined) {
        appendText(marked, word);
      } else {
        marked.appendChild(appendText(el("span", "w-" + marks[k]), word));
      }
    });
    return marked;
  }

  function withDifferences(sys, tr, i) {
    if (tr.querySelector(".marked")) { return; }
    var marks = decode(sys, i);
    var cells = tr.querySelectorAll("td.text");
    [sys.ref[i], sys.hyp[i]].forEach(function (text, side) {
      // before the link's critical changes, if any: the text, then what changed in it
      if (text) { cells[side].insertBefore(markedText(text, marks[side]), cells[side].querySelector("ul.critical")); }
    });
  }

  function lines(ids, sentenceLines) {
    return ids.filter(function (i) { return i < sentenceLines.length; })
      .map(function (i) { return "line " + sentenceLines[i]; }).join(", ");
  }

  function row(sys, i) {
    var kind = KIND_NAMES[sys.kind[i]];
    var doubt = sys.uncertain[i] === 1;
    var tr = el("tr", kind + (doubt ? " uncertain" : ""));
    tr.dataset.index = sys.rowIndex(i);
    var first = el("td", "num");
    var label = el("label", "row-diff-label");
    label.title = "word differences";
    var box = el("input", "row-diff");
    box.type = "checkbox";
    box.setAttribute("aria-label", "word differences of link " + sys.rowIndex(i));
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + sys.rowIndex(i)));
    first.appendChild(label);
    tr.appendChild(first);
    var kindCell = el("td");
    var suffix = kind === "match" && !data.aligned ? " " + sys.refIds[i].length + "-" + sys.hypIds[i].length : "";
    var kindLabel = el("span", "kind kind-" + (doubt ? "uncertain" : kind), kind + (doubt ? "?" : "") + suffix);
    kindLabel.title = title(sys, i, kind, doubt);
    kindCell.appendChild(kindLabel);
    tr.appendChild(kindCell);
    var refIds = el("td", "num muted", sys.refIds[i].join(", "));
    refIds.title = lines(sys.refIds[i], data.referenceLines);
    tr.appendChild(refIds);
    tr.appendChild(textCell(sys.ref[i], "(nothing: added by the system)"));
    var hypIds = el("td", "num muted", sys.hypIds[i].join(", "));
    hypIds.title = lines(sys.hypIds[i], sys.sentenceLines);
    tr.appendChild(hypIds);
    var hypCell = textCell(sys.hyp[i], "(nothing: omitted by the system)");
    var changes = sys.critical[i];
    if (changes) { hypCell.appendChild(criticalList(changes)); }
    tr.appendChild(hypCell);
    for (var m = 0; m < sys.columns.length; m++) {
      var value = sys.columns[m][i];
      tr.appendChild(el("td", "num q" + band(m, value), value.toFixed(1)));
    }
    return tr;
  }

  // A link's critical changes (numbers, names, negations, content), as the server lists them.
  function criticalList(changes) {
    var list = el("ul", "critical");
    changes.forEach(function (change) {
      var item = el("li");
      item.appendChild(el("span", "crit crit-" + change[0], CRITICAL_WORDS[change[0]]));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(appendText(el("bdi"), change[1] || "\u2014"));
      item.appendChild(document.createTextNode(" \u2192 "));
      item.appendChild(appendText(el("bdi"), change[2] || "\u2014"));
      list.appendChild(item);
    });
    return list;
  }

  function title(sys, i, kind, doubt) {
    if (!sys.confidence || sys.confidence[i] === null) { return data.titles.position; }
    var which = kind === "match" ? "match" : doubt ? "uncertain" : "sure";
    return data.titles[which].replace("{c}", sys.confidence[i].toFixed(2)).replace("{kind}", kind);
  }

  var COUNT = new Intl.NumberFormat("en-US");
  var FIRST_ROWS = 40, MORE_ROWS = 60;  // rows of a page drawn at once, then at a time as the reader scrolls
  var SEARCH_PAUSE = 80;  // ms: in a large table, search once typing pauses this long, not at every keystroke

  // The order of all rows by one column, ascending, ties by row: numbers (scores to one place, kinds) are
  // packed with their row into one float, value * 2^k + row, so the built-in numeric sort needs no callback.
  function ascending(values, count) {
    var scale = 1;
    while (scale < count) { scale *= 2; }
    var lowest = Infinity, highest = -Infinity;
    for (var i = 0; i < count; i++) {
      if (values[i] < lowest) { lowest = values[i]; }
      if (values[i] > highest) { highest = values[i]; }
    }
    var order = new Uint32Array(count);
    var packable = count > 0 && (highest - lowest) * scale < 9e15;
    if (packable) {
      var keys = new Float64Array(count);
      for (var j = 0; j < count; j++) { keys[j] = (values[j] - lowest) * scale + j; }
      keys.sort();
      for (var k = 0; k < count; k++) { order[k] = keys[k] % scale; }
    } else {
      for (var n = 0; n < count; n++) { order[n] = n; }
      order.sort(function (a, b) { return values[a] - values[b] || a - b; });
    }
    return order;
  }

  // The same order descending, ties still by row: runs of equal values in reverse, each run kept in order.
  function descending(ascendingOrder, values) {
    var count = ascendingOrder.length, order = new Uint32Array(count), out = 0, end = count;
    while (end > 0) {
      var start = end - 1;
      while (start > 0 && values[ascendingOrder[start - 1]] === values[ascendingOrder[end - 1]]) { start--; }
      for (var k = start; k < end; k++) { order[out++] = ascendingOrder[k]; }
      end = start;
    }
    return order;
  }

  function prepare(sys) {
    var count = sys.kind.length;
    sys.count = count;
    sys.columns = sys.scores.map(function (column) { return new Float64Array(column); });
    sys.kinds = Uint8Array.from(sys.kind);
    var critical = sys.critical;  // row position -> its changes, only for rows that have any
    sys.critical = new Array(count);
    Object.keys(critical).forEach(function (k) { sys.critical[+k] = critical[k]; });
    sys.rowIndex = sys.index ? function (i) { return sys.index[i]; } : function (i) { return i; };
    sys.lowered = null;  // both texts of each row, lower-cased, built when the page is idle or at the first search
    sys.orders = {};  // column key -> [ascending, descending], built at the first sort by it
    return sys;
  }

  function texts(sys) {
    if (!sys.lowered) {
      sys.lowered = new Array(sys.count);
      for (var i = 0; i < sys.count; i++) { sys.lowered[i] = (sys.ref[i] + "\n" + sys.hyp[i]).toLowerCase(); }
    }
    return sys.lowered;
  }

  function order(sys, key, dir) {
    if (key === "index") {
      return null;  // row order itself
    }
    if (!sys.orders[key]) {
      var values;
      if (key === "kind") {
        values = sys.kinds;
      } else if (key === "ref" || key === "hyp") {
        values = textRanks(sys[key]);
      } else {  // scores to one place, as shown: as integers, so they pack
        values = sys.columns[+key].map(function (value) { return Math.round(value * 10); });
      }
      var up = ascending(values, sys.count);
      sys.orders[key] = [up, descending(up, values)];
    }
    return sys.orders[key][dir > 0 ? 0 : 1];
  }

  // Each text's rank in the collation order (equal texts share one), so texts sort like numbers.
  function textRanks(list) {
    var collator = new Intl.Collator(undefined, { numeric: true });
    var unique = Array.from(new Set(list)).sort(collator.compare);
    var rank = new Map();
    for (var k = 0; k < unique.length; k++) { rank.set(unique[k], k); }
    var ranks = new Float64Array(list.length);
    for (var i = 0; i < list.length; i++) { ranks[i] = rank.get(list[i]); }
    return ranks;
  }

  function setup(section) {
    var sys = prepare(data.systems[+section.dataset.system]);
    var count = sys.count;
    var q = function (selector) { return section.querySelector(selector); };
    var state = { key: "index", dir: 1, page: 0, size: 100, search: "", metric: 1, min: null, max: null, critical: "",
      kinds: { match: true, omission: true, addition: true } };

    q(".controls").hidden = false;
    q(".pager").hidden = false;

    function selected() {
      var needle = state.search.toLowerCase();
      var lowered = needle ? texts(sys) : null;
      var show = KIND_NAMES.map(function (name) { return state.kinds[name]; });
      var column = sys.columns[state.metric], min = state.min, max = state.max;
      var sorted = order(sys, state.key, state.dir);
      var reversed = state.key === "index" && state.dir < 0;
      var chosen = new Uint32Array(count), found = 0;
      for (var k = 0; k < count; k++) {
        var i = sorted ? sorted[k] : reversed ? count - 1 - k : k;
        if (!show[sys.kinds[i]]) { continue; }
        if (min !== null && column[i] < min) { continue; }
        if (max !== null && column[i] > max) { continue; }
        if (needle && lowered[i].indexOf(needle) < 0) { continue; }
        if (state.critical && !hasCritical(sys.critical[i], state.critical)) { continue; }
        chosen[found++] = i;
      }
      return chosen.subarray(0, found);
    }

    function hasCritical(changes, kind) {
      return !!changes && (kind === "any" || changes.some(function (change) { return change[0] === kind; }));
    }

    var diffAll = section.querySelector(".diff-all");
    var rowOf = new WeakMap();  // a drawn row -> its position in the data
    var pending = null;  // the rest of the page: drawn as the reader scrolls near it (or prints)
    var watcher = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; }) && pending) { pending(); }
    }, { rootMargin: "0px 0px 1500px 0px" }) : null;

    function draw(body, chosen, from, to) {
      for (var k = from; k < to; k++) {
        var i = chosen[k], tr = row(sys, i);
        rowOf.set(tr, i);
        if (diffAll.checked) { withDifferences(sys, tr, i); }
        body.appendChild(tr);
      }
    }

    function render() {
      var chosen = selected();
      var pages = Math.max(1, Math.ceil(chosen.length / state.size));
      state.page = Math.min(state.page, pages - 1);
      var start = state.page * state.size;
      var body = document.createElement("tbody");
      var end = Math.min(start + state.size, chosen.length);
      // The first rows now, the rest of the page a chunk at a time as the reader scrolls towards it, so a
      // page of 500 long rows answers as fast as one of 40.
      var drawn = Math.min(end, start + (watcher ? FIRST_ROWS : state.size));
      draw(body, chosen, start, drawn);
      if (watcher) { watcher.disconnect(); }
      pending = drawn < end ? function () {
        var to = Math.min(end, drawn + MORE_ROWS);
        draw(body, chosen, drawn, to);
        drawn = to;
        watcher.disconnect();
        if (drawn < end) { watcher.observe(body.lastChild); } else { pending = null; }
      } : null;
      if (pending) { watcher.observe(body.lastChild); }
      var table = q("table.segments");
      table.replaceChild(body, table.tBodies[0]);
      section.querySelectorAll("button.sort").forEach(function (button) {
        var header = button.parentNode;
        if (button.dataset.key === state.key) {
          button.dataset.dir = state.dir > 0 ? "asc" : "desc";
          header.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
        } else {
          delete button.dataset.dir;
          header.removeAttribute("aria-sort");
        }
      });
      var shown = chosen.length ? COUNT.format(start + 1) + "–" + COUNT.format(end) : "0";
      var all = count === sys.total ? COUNT.format(count) + " in all"
        : "a sample of " + COUNT.format(count) + " of the run's " + COUNT.format(sys.total) + "; segments.csv has every link";
      q(".status").textContent = "Showing " + shown + " of " + COUNT.format(chosen.length) + " matching links (" + all + ").";
      q(".page").textContent = "page " + COUNT.format(state.page + 1) + " of " + COUNT.format(pages);
      q(".prev").disabled = state.page === 0;
      q(".next").disabled = state.page >= pages - 1;
    }

    function number(input) {
      return input.value === "" || isNaN(+input.value) ? null : +input.value;
    }

    section.querySelectorAll("button.sort").forEach(function (button) {
      button.addEventListener("click", function () {
        var key = button.dataset.key;
        state.dir = state.key === key ? -state.dir : 1;
        state.key = key;
        state.page = 0;
        render();
      });
    });
    q("table.segments").addEventListener("change", function (event) {
      var tr = event.target.closest("tr");
      if (event.target.classList.contains("row-diff") && rowOf.has(tr)) { withDifferences(sys, tr, rowOf.get(tr)); }
    });
    diffAll.addEventListener("change", function () {
      if (!diffAll.checked) { return; }
      q("table.segments").tBodies[0].querySelectorAll("tr").forEach(function (tr) {
        if (rowOf.has(tr)) { withDifferences(sys, tr, rowOf.get(tr)); }
      });
    });
    window.addEventListener("beforeprint", function () { while (pending) { pending(); } });
    var typing = null;  // search runs once typing pauses, not at every keystroke
    q(".search").addEventListener("input", function (event) {
      var search = function () { state.search = event.target.value; state.page = 0; render(); };
      clearTimeout(typing);
      if (count > 5000) { typing = setTimeout(search, SEARCH_PAUSE); } else { search(); }
    });
    section.querySelectorAll(".kind-filter").forEach(function (box) {
      box.addEventListener("change", function () { state.kinds[box.value] = box.checked; state.page = 0; render(); });
    });
    q(".critical-filter").addEventListener("change", function (event) { state.critical = event.target.value; state.page = 0; render(); });
    q(".range-metric").addEventListener("change", function (event) { state.metric = +event.target.value; state.page = 0; render(); });
    q(".range-min").addEventListener("input", function (event) { state.min = number(event.target); state.page = 0; render(); });
    q(".range-max").addEventListener("input", function (event) { state.max = number(event.target); state.page = 0; render(); });
    q(".page-size").addEventListener("change", function (event) { state.size = +event.target.value; state.page = 0; render(); });
    q(".prev").addEventListener("click", function () { state.page -= 1; render(); });
    q(".next").addEventListener("click", function () { state.page += 1; render(); });
    q(".worst").addEventListener("click", function () {
      state.key = String(state.metric);
      state.dir = data.higher[data.metrics[state.metric]] ? 1 : -1;
      state.page = 0;
      render();
    });
    q(".reset").addEventListener("click", function () {
      clearTimeout(typing);
      state.key = "index"; state.dir = 1; state.page = 0; state.search = ""; state.min = null; state.max = null;
      state.critical = ""; q(".critical-filter").value = "";
      state.kinds = { match: true, omission: true, addition: true };
      q(".search").value = ""; q(".range-min").value = ""; q(".range-max").value = "";
      section.querySelectorAll(".kind-filter").forEach(function (box) { box.checked = true; });
      render();
    });
    render();
    var idle = window.requestIdleCallback || function (task) { return setTimeout(task, 200); };
    idle(function () { texts(sys); });  // ready for the first search
  }

  document.querySelectorAll("section.system").forEach(setup);
})();
