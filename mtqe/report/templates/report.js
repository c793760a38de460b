/* mtqe report: sorting, filtering, search and paging of the segment tables.
   Reads the data block; writes document text only through textContent. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("mtqe-data").textContent);
  // Python's str.split() white space, so word counts match the server's word differences.
  var SPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
  var KIND_NAMES = data.kinds;

  function words(text) {
    return text.split(SPACE).filter(function (w) { return w.length > 0; });
  }

  function band(metric, value) {
    var up = data.higher[data.metrics[metric]];
    var limits = up ? data.bands.up : data.bands.down;
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

  function textCell(text, marks, missing) {
    var td = el("td", "text");
    if (!text) {
      td.appendChild(el("span", "missing", missing));
      return td;
    }
    td.appendChild(appendText(el("bdi", "plain"), text));
    var marked = el("bdi", "marked");
    words(text).forEach(function (word, k) {
      if (k > 0) { marked.appendChild(document.createTextNode(" ")); }
      if (marks[k] === "eq" || marks[k] === undefined) {
        appendText(marked, word);
      } else {
        marked.appendChild(appendText(el("span", "w-" + marks[k]), word));
      }
    });
    td.appendChild(marked);
    return td;
  }

  function lines(ids, sentenceLines) {
    return ids.filter(function (i) { return i < sentenceLines.length; })
      .map(function (i) { return "line " + sentenceLines[i]; }).join(", ");
  }

  function row(sys, i) {
    var kind = KIND_NAMES[sys.kind[i]];
    var doubt = sys.uncertain[i] === 1;
    var tr = el("tr", kind + (doubt ? " uncertain" : ""));
    tr.dataset.index = sys.index[i];
    var first = el("td", "num");
    var label = el("label", "row-diff-label");
    label.title = "word differences";
    var box = el("input", "row-diff");
    box.type = "checkbox";
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + sys.index[i]));
    first.appendChild(label);
    tr.appendChild(first);
    var kindCell = el("td");
    var suffix = kind === "match" ? " " + sys.refIds[i].length + "-" + sys.hypIds[i].length : "";
    var kindLabel = el("span", "kind kind-" + (doubt ? "uncertain" : kind), kind + (doubt ? "?" : "") + suffix);
    kindLabel.title = sys.title[i];
    kindCell.appendChild(kindLabel);
    tr.appendChild(kindCell);
    var marks = decode(sys, i);
    var refIds = el("td", "num muted", sys.refIds[i].join(", "));
    refIds.title = lines(sys.refIds[i], data.referenceLines);
    tr.appendChild(refIds);
    tr.appendChild(textCell(sys.ref[i], marks[0], "(nothing: added by the system)"));
    var hypIds = el("td", "num muted", sys.hypIds[i].join(", "));
    hypIds.title = lines(sys.hypIds[i], sys.sentenceLines);
    tr.appendChild(hypIds);
    tr.appendChild(textCell(sys.hyp[i], marks[1], "(nothing: omitted by the system)"));
    sys.scores[i].forEach(function (value, m) {
      tr.appendChild(el("td", "num q" + band(m, value), value.toFixed(1)));
    });
    return tr;
  }

  function setup(section) {
    var sys = data.systems[+section.dataset.system];
    var count = sys.kind.length;
    var q = function (selector) { return section.querySelector(selector); };
    var state = { key: "index", dir: 1, page: 0, size: 100, search: "", metric: 1, min: null, max: null,
      kinds: { match: true, omission: true, addition: true } };
    var lowered = null;  // lower-cased texts, built on the first search

    q(".controls").hidden = false;
    q(".pager").hidden = false;

    function selected() {
      var chosen = [];
      var needle = state.search.toLowerCase();
      if (needle && !lowered) {
        lowered = sys.ref.map(function (r, i) { return (r + "\n" + sys.hyp[i]).toLowerCase(); });
      }
      for (var i = 0; i < count; i++) {
        if (!state.kinds[KIND_NAMES[sys.kind[i]]]) { continue; }
        var value = sys.scores[i][state.metric];
        if (state.min !== null && value < state.min) { continue; }
        if (state.max !== null && value > state.max) { continue; }
        if (needle && lowered[i].indexOf(needle) < 0) { continue; }
        chosen.push(i);
      }
      var key = state.key, dir = state.dir;
      var value = function (i) {
        if (key === "index") { return i; }
        if (key === "kind") { return sys.kind[i]; }
        if (key === "ref") { return sys.ref[i]; }
        if (key === "hyp") { return sys.hyp[i]; }
        return sys.scores[i][+key];
      };
      chosen.sort(function (a, b) {
        var x = value(a), y = value(b);
        var order = typeof x === "string" ? x.localeCompare(y) : x - y;
        return order !== 0 ? dir * order : a - b;
      });
      return chosen;
    }

    function render() {
      var chosen = selected();
      var pages = Math.max(1, Math.ceil(chosen.length / state.size));
      state.page = Math.min(state.page, pages - 1);
      var start = state.page * state.size;
      var body = document.createElement("tbody");
      chosen.slice(start, start + state.size).forEach(function (i) { body.appendChild(row(sys, i)); });
      var table = q("table.segments");
      table.replaceChild(body, table.tBodies[0]);
      section.querySelectorAll("button.sort").forEach(function (button) {
        if (button.dataset.key === state.key) {
          button.dataset.dir = state.dir > 0 ? "asc" : "desc";
        } else {
          delete button.dataset.dir;
        }
      });
      var shown = chosen.length ? (start + 1) + "–" + Math.min(start + state.size, chosen.length) : "0";
      q(".status").textContent = "Showing " + shown + " of " + chosen.length + " matching links (" + count + " in all).";
      q(".page").textContent = "page " + (state.page + 1) + " of " + pages;
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
    q(".search").addEventListener("input", function (event) { state.search = event.target.value; state.page = 0; render(); });
    section.querySelectorAll(".kind-filter").forEach(function (box) {
      box.addEventListener("change", function () { state.kinds[box.value] = box.checked; state.page = 0; render(); });
    });
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
      state.key = "index"; state.dir = 1; state.page = 0; state.search = ""; state.min = null; state.max = null;
      state.kinds = { match: true, omission: true, addition: true };
      q(".search").value = ""; q(".range-min").value = ""; q(".range-max").value = "";
      section.querySelectorAll(".kind-filter").forEach(function (box) { box.checked = true; });
      render();
    });
    render();
  }

  document.querySelectorAll("section.system").forEach(setup);
})();
