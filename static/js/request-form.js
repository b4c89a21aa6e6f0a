// The request form's office picker, as progressive enhancement: without this
// file the "Ämter suchen" button reloads the page with the offices found.
// With it, the list fills while typing and the "Mein Amt ist nicht dabei"
// fields only show when that choice is picked.
(function () {
  "use strict";
  var form = document.getElementById("request-form");
  if (!form) { return; }
  var url = form.getAttribute("data-office-search-url");
  var query = form.querySelector("[name=office_query]");
  var select = form.querySelector("[name=office]");
  var button = form.querySelector("[data-office-search]");
  var newOffice = document.getElementById("new-office");
  var status = document.getElementById("office-search-status");
  if (!url || !query || !select) { return; }

  function toggleNewOffice() {
    if (!newOffice) { return; }
    newOffice.hidden = select.value !== "new";
    if (select.value === "new") { newOffice.open = true; }  // a <details>: its fields are what comes next
  }

  function fill(results) {
    var selected = select.value;
    var first = select.options[0];
    var last = select.options[select.options.length - 1];
    while (select.options.length) { select.remove(0); }
    select.add(first);
    results.forEach(function (office) {
      var option = document.createElement("option");
      option.value = String(office.id);
      option.textContent = office.label;  // text, never HTML
      select.add(option);
    });
    select.add(last);
    select.value = selected;
    if (select.value !== selected) { select.value = results.length === 1 ? String(results[0].id) : ""; }
    toggleNewOffice();
  }

  var timer = null;
  var latest = 0;
  function search() {
    var text = query.value.trim();
    if (text.length < 2) { return; }
    var ticket = ++latest;
    fetch(url + "?q=" + encodeURIComponent(text), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        if (ticket !== latest) { return; }
        fill(data.results || []);
        if (status) { status.textContent = data.message || ""; }  // role=status: read out
      })
      .catch(function () { /* the button still works without us */ });
  }

  query.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 300);
  });
  query.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); search(); }
  });
  if (button) {
    button.addEventListener("click", function (event) { event.preventDefault(); search(); });
  }
  select.addEventListener("change", toggleNewOffice);
  // Keep the fallback open when the server re-shows the form with errors in it.
  var hasError = newOffice && newOffice.querySelector(".is-invalid");
  if (!hasError) { toggleNewOffice(); }
}());
