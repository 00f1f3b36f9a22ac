// shiplog default theme: search over every release (see docs/templates.md, "Search").
// Progressive enhancement: without JavaScript nothing of it shows. It mounts a search box in the
// element marked data-shiplog-search, fetches the site's search.json (same origin, next to this
// file's folder) on first use, and lists the releases whose version, title or notes match.
(function () {
  "use strict";
  var mount = document.querySelector("[data-shiplog-search]");
  var script = document.currentScript;
  if (!mount || !script || !window.fetch) return;
  var root = new URL("../", script.src);
  var limit = 50;

  var form = document.createElement("form");
  form.className = "site-search__form";
  form.setAttribute("role", "search");
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  var label = document.createElement("label");
  label.htmlFor = "site-search-input";
  label.textContent = "Search releases";
  var input = document.createElement("input");
  input.type = "search";
  input.id = "site-search-input";
  input.autocomplete = "off";
  input.spellcheck = false;
  input.placeholder = "Version, title or word";
  var status = document.createElement("p");
  status.className = "site-search__status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  var list = document.createElement("ul");
  list.className = "site-search__results";
  list.hidden = true;
  form.append(label, input, status, list);
  mount.append(form);
  mount.hidden = false;

  var loading = null;
  function load() {
    if (!loading) {
      loading = fetch(new URL("search.json", root)).then(function (r) { return r.json(); }).then(function (top) {
        return Promise.all(top.components.map(function (c) {
          return fetch(new URL(c.index, root)).then(function (r) { return r.json(); }).then(function (index) {
            var terms = Object.keys(index.terms).map(function (term) {
              var at = 0;
              return [term, index.terms[term].map(function (delta) { return (at += delta); })];
            });
            return { name: c.name, path: c.path, releases: index.releases, terms: terms };
          });
        }));
      });
    }
    return loading;
  }

  // The positions of a component's releases that one query word matches.
  function matches(component, word) {
    var found = new Set();
    component.releases.forEach(function (release, position) {
      var text = (component.name + " " + release[0] + " " + (release[1] || "")).toLowerCase();
      if (text.indexOf(word) >= 0) found.add(position);
    });
    component.terms.forEach(function (entry) {
      if (entry[0].lastIndexOf(word, 0) === 0) entry[1].forEach(function (p) { found.add(p); });
    });
    return found;
  }

  function search(components, query) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    var results = [];
    if (!words.length) return results;
    components.forEach(function (component) {
      var hits = null;
      words.forEach(function (word) {
        var found = matches(component, word);
        hits = hits ? new Set(Array.from(hits).filter(function (p) { return found.has(p); })) : found;
      });
      Array.from(hits).sort(function (a, b) { return a - b; }).forEach(function (p) {
        results.push({ component: component, release: component.releases[p] });
      });
    });
    return results;
  }

  function show(results, query) {
    list.textContent = "";
    list.hidden = !query;
    list.setAttribute("data-query", query);
    if (!query) { status.textContent = ""; return; }
    results.slice(0, limit).forEach(function (result) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      var version = result.release[0];
      link.href = new URL(result.component.path + encodeURIComponent(version) + "/", root).href;
      link.textContent = result.component.name + " " + version;
      item.append(link);
      if (result.release[1]) item.append(" — " + result.release[1]);
      list.append(item);
    });
    var count = results.length === 1 ? "1 release" : results.length + " releases";
    status.textContent = results.length > limit ? count + " found, the first " + limit + " shown" : count + " found";
  }

  var timer = 0;
  input.addEventListener("focus", load, { once: true });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var query = input.value.trim();
      load().then(function (components) { if (input.value.trim() === query) show(search(components, query), query); },
        function () { status.textContent = "The search index could not be loaded."; });
    }, 120);
  });
})();
